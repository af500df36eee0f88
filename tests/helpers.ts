/**
 * Shared test helpers: generate a dataset in-process into a temporary folder, and
 * read files back through independent parsers (csv-parse in strict mode, JSON.parse).
 */
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { loadConfig } from "../lib/config/load.ts";
import { type Overrides, runGenerate } from "../lib/generate.ts";
import type { Manifest } from "../lib/manifest/manifest.ts";

/** Repository root path (no trailing slash). */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Generate into a fresh temporary folder; returns the folder and manifest. */
export function generateTemp(
  overrides: Overrides = {},
  configPath = `${ROOT}/config.yaml`,
): { dir: string; manifest: Manifest; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-test-" });
  const out = `${parent}/out`;
  const { manifest } = runGenerate({
    loaded: loadConfig(configPath),
    overrides: { ...overrides, out },
    force: false,
  });
  return {
    dir: out,
    manifest,
    cleanup: () => Deno.removeSync(parent, { recursive: true }),
  };
}

/**
 * Parse a CSV file strictly (RFC 4180: consistent column count, well-formed quotes,
 * LF records) and return header and rows as strings.
 */
export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const text = Deno.readTextFileSync(path);
  if (text.includes("\r")) throw new Error(`${path} contains CR`);
  if (!text.endsWith("\n")) throw new Error(`${path} does not end with LF`);
  const records = parse(text, {
    bom: false,
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    record_delimiter: "\n",
  }) as string[][];
  return { header: records[0], rows: records.slice(1) };
}

/** CSV rows as objects keyed by header. */
export function readCsvObjects(path: string): Record<string, string>[] {
  const { header, rows } = readCsv(path);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Every file below `dir`, relative, forward slashes, sorted. */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...listFiles(`${dir}/${e.name}`, rel));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Run `fn` with the clock moved forward by `ms` (both `Date.now()` and `new Date()`),
 * restoring the real clock afterwards.
 */
export function withClockShifted<T>(ms: number, fn: () => T): T {
  const RealDate = Date;
  const later = RealDate.now() + ms;
  class LaterDate extends RealDate {
    constructor(...args: ConstructorParameters<typeof Date> | []) {
      super(
        ...((args.length === 0 ? [later] : args) as ConstructorParameters<
          typeof Date
        >),
      );
    }
    static override now(): number {
      return later;
    }
  }
  globalThis.Date = LaterDate as DateConstructor;
  try {
    if (new Date().getTime() < later) throw new Error("clock not shifted");
    return fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** Output of one `deno run main.ts ...` subprocess. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `main.ts` in a subprocess (by default from the repository root).
 *
 * @param permissions Deno permission flags, e.g. `["--allow-read", "--allow-env"]`.
 * @param args Command-line arguments of chatsynth.
 * @param env Extra environment variables (NO_COLOR is always set).
 * @param cwd Working folder of the subprocess, holding `main.ts` (default: the
 *   repository root).
 */
export function runMain(
  permissions: string[],
  args: string[],
  env: Record<string, string> = {},
  cwd: string = ROOT,
): CliRun {
  const r = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "main.ts", ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const d = new TextDecoder();
  return {
    code: r.code,
    stdout: d.decode(r.stdout),
    stderr: d.decode(r.stderr),
  };
}

/**
 * Make a parsed manifest claim a different dataset while staying self-consistent:
 * the first file's digest is zeroed and the fingerprint recomputed by its definition
 * (SHA-256 of the files' hex digests, sorted, each followed by a newline), computed
 * here with node:crypto, not the library. Regenerating from it must then differ.
 */
export function claimOtherDataset(
  m: { files: { sha256: string }[]; fingerprint: string },
): void {
  m.files[0].sha256 = "0".repeat(64);
  const lines = m.files.map((f) => `${f.sha256}\n`).sort().join("");
  m.fingerprint = createHash("sha256").update(lines).digest("hex");
}
