/**
 * Run the command line in the test's own process: the same `runCli` that `main.ts`
 * calls, with standard output and standard error captured. It saves the start-up of a
 * `deno run main.ts` subprocess (about a second each) in tests that run a command many
 * times; each such test keeps at least one subprocess run (`runMain`) for the process
 * itself: its exit code, its permissions and what reaches its stderr.
 */
import { runCli } from "../lib/cli/run.ts";
import type { CliRun } from "./helpers.ts";

/**
 * Run chatsynth in-process with `args`, capturing what it writes to stdout and
 * stderr. The process's permissions are the test's (not those of a `deno run` with
 * restricted flags), so permission refusals need `runMain`.
 *
 * @param args Command-line arguments of chatsynth, e.g. `["validate", dir]`.
 * @returns The exit code runCli returns and the captured text of both streams.
 *
 * @example
 * ```ts
 * const r = await runCliInProcess(["--version"]);
 * if (r.code !== 0 || !r.stdout.startsWith("chatsynth ")) throw new Error("version");
 * ```
 */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const captured = { stdout: "", stderr: "" };
  const capture = (stream: typeof Deno.stdout, key: "stdout" | "stderr") => {
    const decoder = new TextDecoder();
    const own = Object.getOwnPropertyDescriptor(stream, "writeSync");
    Object.defineProperty(stream, "writeSync", {
      configurable: true,
      writable: true,
      value: (p: Uint8Array) => {
        captured[key] += decoder.decode(p, { stream: true });
        return p.length;
      },
    });
    return () => {
      if (own) Object.defineProperty(stream, "writeSync", own);
      else delete (stream as { writeSync?: unknown }).writeSync;
    };
  };
  const restoreOut = capture(Deno.stdout, "stdout");
  const restoreErr = capture(Deno.stderr, "stderr");
  try {
    const code = await runCli(args);
    return { code, ...captured };
  } finally {
    restoreErr();
    restoreOut();
  }
}
