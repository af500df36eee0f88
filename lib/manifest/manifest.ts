/**
 * The dataset manifest (docs/design.md §6.2): `manifest.json`, `SHA256SUMS` and `MANIFEST.md`,
 * all deterministic (no time, host or absolute path).
 *
 * @module
 */
import { thousands } from "../number_format.ts";
import { sha256Hex } from "./file_digest.ts";
import type { Config, Format } from "../config/schema.ts";
import type { Versions } from "./versions.ts";

/** One file of the dataset. */
export interface ManifestFile {
  /** Relative path with forward slashes, e.g. "star/fact_turn.csv". */
  path: string;
  /** File size, bytes. */
  bytes: number;
  /** Data rows (CSV: excluding the header). */
  rows: number;
  /** Lowercase hex SHA-256. */
  sha256: string;
}

/** Contents of `manifest.json`. */
export interface Manifest {
  /** Version of this manifest format, always 1. */
  manifest_version: 1;
  /** Generator name and version (from `deno.json`). */
  generator: Versions["generator"];
  /** Deno, V8 and TypeScript versions of the run. */
  runtime: Versions["runtime"];
  /** npm package → version, as pinned in `deno.lock`. */
  dependencies: Versions["dependencies"];
  /** SHA-256 of `deno.lock` (lowercase hex), or "unavailable" when it could not be read. */
  deno_lock_sha256: string;
  /**
   * Versions of the writers whose bytes depend on a library's version, by encoding
   * (e.g. `{ parquet: "v1.4.3" }`, DuckDB's); absent when only text was written.
   */
  writers?: Record<string, string>;
  /** Dataset seed, after command-line overrides. */
  seed: number;
  /** Sessions generated, count. */
  sessions: number;
  /** Users generated, count. */
  users: number;
  /** Representations written, in canonical order (raw, star, snowflake). */
  formats: Format[];
  /** The config file as given: its SHA-256 and its full text (UTF-8). */
  config: { sha256: string; text: string };
  /**
   * Effective parameters: the config after command-line overrides, without `out`
   * (where a dataset was written is not part of it; no path enters the manifest).
   */
  parameters: Omit<Config, "out">;
  /** Users, sessions and turns generated, counts. */
  counts: { users: number; sessions: number; turns: number };
  /** Sorted by path. */
  files: ManifestFile[];
  /** SHA-256 of the files' hex digests sorted ascending, each followed by LF. */
  fingerprint: string;
}

/**
 * The dataset fingerprint: SHA-256 over the sorted hex digests, one per line.
 *
 * @param files Dataset files (any order).
 *
 * @example
 * ```ts
 * // Two files with well-known digests: SHA-256 of "abc" and of the empty string.
 * const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
 * const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
 * const fp = fingerprint([
 *   { path: "b.csv", bytes: 0, rows: 0, sha256: empty },
 *   { path: "a.csv", bytes: 3, rows: 1, sha256: abc },
 * ]);
 * // Oracle: Web Crypto over the sorted digests, one per line.
 * const text = new TextEncoder().encode(`${abc}\n${empty}\n`);
 * const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", text))]
 *   .map((b) => b.toString(16).padStart(2, "0")).join("");
 * if (fp !== hex) throw new Error(`Unexpected ${fp}`);
 * ```
 */
export function fingerprint(files: ManifestFile[]): string {
  const digests = files.map((f) => f.sha256).sort();
  return sha256Hex(digests.map((d) => d + "\n").join(""));
}

/** `manifest.json` text: two-space JSON, LF, trailing newline. */
export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + "\n";
}

/**
 * `SHA256SUMS` text in `sha256sum` format ("<hex>  <path>"), sorted by path.
 *
 * @param files Entries to list (data files plus `manifest.json`, see `generate.ts`).
 *
 * @example
 * ```ts
 * // The text is what `sha256sum -c` accepts (needs coreutils' sha256sum on PATH).
 * const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.mkdirSync(`${dir}/raw`);
 *   Deno.writeTextFileSync(`${dir}/raw/a.jsonl`, "abc");
 *   Deno.writeTextFileSync(
 *     `${dir}/SHA256SUMS`,
 *     sha256sums([{ path: "raw/a.jsonl", bytes: 3, rows: 1, sha256: abc }]),
 *   );
 *   const check = new Deno.Command("sha256sum", { args: ["-c", "--quiet", "SHA256SUMS"], cwd: dir });
 *   if ((await check.output()).code !== 0) throw new Error("sha256sum -c failed");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function sha256sums(files: ManifestFile[]): string {
  return [...files].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  )
    .map((f) => `${f.sha256}  ${f.path}\n`).join("");
}

/**
 * The entry of a metadata file (`manifest.json`, `MANIFEST.md`, `datapackage.json`)
 * for `SHA256SUMS`: what both `generate` and `verify` list beside the dataset files.
 *
 * @param path Relative path, e.g. "MANIFEST.md".
 * @param content The file's bytes, or its text (hashed as UTF-8).
 * @returns Its size in bytes, its lines (LF count) as `rows` and its SHA-256.
 * @example
 * ```ts
 * import { metadataEntry } from "./manifest.ts";
 * metadataEntry("MANIFEST.md", "a\nb\n").rows; // 2
 * ```
 */
export function metadataEntry(
  path: string,
  content: Uint8Array | string,
): ManifestFile {
  const bytes = typeof content === "string"
    ? new TextEncoder().encode(content)
    : content;
  let rows = 0;
  for (const b of bytes) if (b === 10) rows++;
  return { path, bytes: bytes.length, rows, sha256: sha256Hex(bytes) };
}

/** `MANIFEST.md`: the human-readable manifest. */
export function manifestMarkdown(m: Manifest): string {
  const lines = [
    "# chatsynth dataset manifest",
    "",
    `Dataset fingerprint: \`${m.fingerprint}\``,
    "",
    "| input | value |",
    "| --- | --- |",
    `| generator | ${m.generator.name} ${m.generator.version} |`,
    `| seed | ${m.seed} |`,
    `| sessions | ${thousands(m.sessions)} |`,
    `| users | ${thousands(m.users)} |`,
    `| turns | ${thousands(m.counts.turns)} |`,
    `| formats | ${m.formats.join(", ")} |`,
    `| encodings | ${
      ((m.parameters as { encodings?: string[] }).encodings ?? ["text"]).join(
        ", ",
      )
    } |`,
    `| config SHA-256 | \`${m.config.sha256}\` |`,
    "",
    "## Files",
    "",
    "| path | bytes | rows | SHA-256 |",
    "| --- | ---: | ---: | --- |",
    ...m.files.map((f) =>
      `| ${f.path} | ${thousands(f.bytes)} | ${
        thousands(f.rows)
      } | \`${f.sha256}\` |`
    ),
    "",
    "## Environment",
    "",
    "Recorded so `verify` can say why a regeneration differs; not part of the fingerprint.",
    "",
    "| component | version |",
    "| --- | --- |",
    `| Deno | ${m.runtime.deno} |`,
    `| V8 | ${m.runtime.v8} |`,
    `| TypeScript | ${m.runtime.typescript} |`,
    ...Object.entries(m.dependencies).map(([k, v]) => `| ${k} | ${v} |`),
    `| deno.lock SHA-256 | \`${m.deno_lock_sha256}\` |`,
    ...Object.entries(m.writers ?? {}).map(([k, v]) =>
      `| ${k} writer | ${v} |`
    ),
    "",
    "Check the files with `sha256sum -c SHA256SUMS`; regenerate and compare with",
    "`deno run -P main.ts verify DIR`.",
    "",
  ];
  return lines.join("\n");
}
