/**
 * The machine a bench runs on, for its report: CPU model, cores, memory, OS and
 * runtime versions.
 *
 * @module
 */
import { cpus } from "node:os";
import type { BenchMachine } from "./bench_result.ts";

/**
 * The CPU model name in /proc/cpuinfo text (the first `model name` line, or a
 * `Hardware`/`Processor` line on ARM), or "unknown".
 *
 * @param cpuinfo The text of /proc/cpuinfo.
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { cpuModel } from "./machine.ts";
 * ok(cpuModel("processor\t: 0\nmodel name\t: Xeon  E5\n") === "Xeon E5");
 * ```
 */
export function cpuModel(cpuinfo: string): string {
  for (const key of ["model name", "Hardware", "Processor", "cpu model"]) {
    const m = new RegExp(`^${key}\\s*:\\s*(.+)$`, "m").exec(cpuinfo);
    const name = m?.[1].trim().replace(/\s+/g, " ");
    if (name && !/^\d+$/.test(name)) return name;
  }
  return "unknown";
}

/** `f()`, or `fallback` when it throws (a denied permission, a missing file). */
function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * Describe this machine. The CPU model comes from Node's `os.cpus()` (sys access to
 * `cpus`), else from /proc/cpuinfo (which Deno lets only `--allow-all` read); the
 * kernel release and memory need sys access to `osRelease` and `systemMemoryInfo`.
 * The `-P` default set grants all three. What is denied or unreadable is reported as
 * "unknown" (memory as 0), never an error.
 *
 * @param versions The database versions: `duckdb` always, `postgres` when it ran.
 */
export function machineInfo(
  versions: { duckdb: string; postgres?: string },
): BenchMachine {
  const fromOs = orElse(() => cpus()[0]?.model.trim().replace(/\s+/g, " "), "");
  const cpu = fromOs || orElse(
    () => cpuModel(Deno.readTextFileSync("/proc/cpuinfo")),
    "unknown",
  );
  const bytes = orElse(() => Deno.systemMemoryInfo().total, 0);
  const release = orElse(() => Deno.osRelease(), "unknown");
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(bytes / 2 ** 30 * 10) / 10,
    os: `${Deno.build.os} ${release} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    duckdb: versions.duckdb,
    ...(versions.postgres !== undefined ? { postgres: versions.postgres } : {}),
  };
}
