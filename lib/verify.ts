/**
 * `verify`: prove a dataset folder is what the generator makes (docs/design.md §6.3).
 *
 * 1. Integrity: every file in `manifest.json` exists with its size and SHA-256 (each
 *    read once, streaming); `SHA256SUMS` and `MANIFEST.md` are what the manifest
 *    implies; no unlisted file is present (reports named in `REPORT_FILES` excepted).
 * 2. Reproduction: the dataset is regenerated from the manifest's recorded inputs
 *    alone (config text, seed, counts, formats), hashed without writing anything, and
 *    every digest compared.
 * 3. On a difference: the first differing line of each differing file (regenerated
 *    and compared line by line), and which recorded versions differ from this run's.
 *
 * Parquet files are regenerated into a scratch folder (`DIR.partial/verify-…/`, or the
 * system's temporary folder when that cannot be written), hashed, and, when one
 * differs, decoded beside the file on disk into the text encoding's lines to name
 * the first differing row; the scratch folder is removed however verify ends.
 *
 * @module
 */
import { thousands } from "./number_format.ts";
import { counted, folderShown, inFolder } from "./wording.ts";
import { compileModel } from "./model/model.ts";
import {
  type DatasetSpec,
  datasetSteps,
  type DatasetTarget,
} from "./dataset.ts";
import { FileSink, type RowSink, type SinkResult } from "./sink/file_sink.ts";
import {
  fingerprint,
  type Manifest,
  type ManifestFile,
  manifestMarkdown,
  metadataEntry,
  sha256sums,
} from "./manifest/manifest.ts";
import {
  METADATA_FILES,
  readManifest,
  REPORT_FILES,
} from "./manifest/read_manifest.ts";
import { LineReader, sha256FileSteps } from "./manifest/file_digest.ts";
import { dataPackageJson } from "./manifest/datapackage.ts";
import { collectVersions } from "./manifest/versions.ts";
import { checkUserMemory } from "./memory.ts";
import { readDeniedError, UsageError } from "./errors.ts";
import { notRegularFileReason } from "./manifest/regular_file.ts";
import { countsContradiction, manifestInputs } from "./manifest/inputs.ts";
import { awaitStep, runSteps, type Steps } from "./steps.ts";
import { encodingOfPath, ENCODINGS } from "./encoding/mod.ts";
import { ParquetLines } from "./encoding/parquet_read.ts";
import { RAW_TURN, SNOWFLAKE_TABLES, STAR_TABLES } from "./schema/tables.ts";
import type { Table } from "./schema/table.ts";

/** Result of one file in one check. */
export type FileStatus = "ok" | "mismatch" | "missing" | "extra";

/** One line of the report. */
export interface FileCheck {
  /** Path relative to the dataset folder, with forward slashes. */
  path: string;
  /** The file's outcome in this check. */
  status: FileStatus;
  /** What differs, e.g. "SHA-256 differs (12,345 bytes, expected 12,346)". */
  detail?: string;
}

/**
 * The first line where a file on disk differs from the regenerated one. A Parquet file
 * is compared as the lines of its text encoding (both files decoded), so `line` counts
 * as in the CSV or JSONL file of the same rows.
 */
export interface FirstDifference {
  /** Path relative to the dataset folder, with forward slashes. */
  path: string;
  /**
   * 1-based line number (the CSV header is line 1; JSONL line N is row N); 0 for a
   * Parquet file whose decoded rows all equal the regenerated ones (its bytes differ
   * in their encoding only: compression, row groups, metadata).
   */
  line: number;
  /** Regenerated line, or `undefined` when the regenerated file ended first. */
  expected?: string;
  /** Line on disk, or `undefined` when the file on disk ended first. */
  found?: string;
}

/** A recorded version that differs from this run's. */
export interface VersionDifference {
  /**
   * What is versioned: "generator version", "Deno", "V8", "TypeScript", an npm package
   * or "deno.lock SHA-256".
   */
  what: string;
  /** Value recorded in the manifest, or "(not recorded)". */
  recorded: string;
  /** Value of this run, or "(absent)". */
  current: string;
}

/** Everything `verify` found. */
export interface VerifyReport {
  /** The dataset folder verified. */
  dir: string;
  /** Its `manifest.json`, parsed. */
  manifest: Manifest;
  /** Integrity, per file: the listed files, the metadata files, then unlisted files (`extra`). */
  integrity: FileCheck[];
  /** Manifest-level problems found by the integrity check (e.g. a wrong fingerprint). */
  integrityNotes: string[];
  /** Reproduction, per file: regenerated size, rows and SHA-256 against the manifest's. */
  reproduction: FileCheck[];
  /** Why the dataset could not be regenerated (config no longer valid, tampered inputs). */
  reproductionErrors: string[];
  /** First differing line of each mismatching file present on disk, sorted by path. */
  differences: FirstDifference[];
  /** Recorded versions that differ from this run's (explains a reproduction mismatch). */
  versions: VersionDifference[];
  /** Whether every file is `ok` and there is no integrity note or reproduction error. */
  ok: boolean;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [""];
  while (stack.length) {
    const prefix = stack.pop()!;
    for (const e of Deno.readDirSync(prefix ? `${dir}/${prefix}` : dir)) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory) stack.push(rel);
      else out.push(rel);
    }
  }
  return out;
}

/** `notRegularFileReason`, with a permission failure as a usage error. */
function regularOrMissing(dir: string, rel: string): string | undefined {
  try {
    return notRegularFileReason(dir, rel);
  } catch (e) {
    throw readDeniedError(e, inFolder(dir, rel), "this folder") ?? e;
  }
}

function* checkFile(dir: string, f: ManifestFile): Steps<FileCheck> {
  const why = regularOrMissing(dir, f.path);
  if (why === "missing") return { path: f.path, status: "missing" };
  if (why) return { path: f.path, status: "mismatch", detail: why };
  let d;
  try {
    d = yield* sha256FileSteps(`${dir}/${f.path}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { path: f.path, status: "missing" };
    }
    const denied = readDeniedError(e, inFolder(dir, f.path), "this folder");
    if (denied) throw denied;
    return { path: f.path, status: "mismatch", detail: (e as Error).message };
  }
  if (d.bytes !== f.bytes) {
    return {
      path: f.path,
      status: "mismatch",
      detail: `size ${thousands(d.bytes)} bytes, manifest says ${
        thousands(f.bytes)
      }`,
    };
  }
  if (d.sha256 !== f.sha256) {
    return {
      path: f.path,
      status: "mismatch",
      detail: "SHA-256 differs (same size)",
    };
  }
  return { path: f.path, status: "ok" };
}

function checkText(dir: string, path: string, expected: string): FileCheck {
  const why = regularOrMissing(dir, path);
  if (why === "missing") return { path, status: "missing" };
  if (why) return { path, status: "mismatch", detail: why };
  let actual: string;
  try {
    actual = Deno.readTextFileSync(`${dir}/${path}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { path, status: "missing" };
    throw e;
  }
  return actual === expected ? { path, status: "ok" } : {
    path,
    status: "mismatch",
    detail: "differs from what manifest.json implies",
  };
}

/** The integrity check: files on disk against the manifest (a step per file, at least). */
function* integrityCheck(
  dir: string,
  m: Manifest,
  manifestBytes: Uint8Array,
): Steps<{ checks: FileCheck[]; notes: string[] }> {
  const checks: FileCheck[] = [];
  for (const f of m.files) {
    checks.push(yield* checkFile(dir, f));
    yield;
  }
  const notes: string[] = [];
  if (fingerprint(m.files) !== m.fingerprint) {
    notes.push(
      "the fingerprint in manifest.json does not match its file digests",
    );
  }
  const md = manifestMarkdown(m);
  checks.push(checkText(dir, "MANIFEST.md", md));
  const dp = dataPackageJson(m);
  checks.push(checkText(dir, "datapackage.json", dp));
  checks.push(
    checkText(
      dir,
      "SHA256SUMS",
      sha256sums([
        ...m.files,
        metadataEntry("manifest.json", manifestBytes),
        metadataEntry("MANIFEST.md", md),
        metadataEntry("datapackage.json", dp),
      ]),
    ),
  );
  const known = new Set([
    ...m.files.map((f) => f.path),
    ...METADATA_FILES,
    ...REPORT_FILES,
  ]);
  for (const p of listFiles(dir).sort()) {
    if (!known.has(p)) checks.push({ path: p, status: "extra" });
  }
  return { checks, notes };
}

/**
 * Where regenerated binary files (Parquet) go while `verify` hashes and compares them:
 * a folder of its own, `DIR.partial/verify-…/` beside the dataset (the folder `-P`
 * lets verify write for `output`), else one in the system's temporary folder; created
 * on first use, removed by {@linkcode remove}.
 */
class Scratch {
  #dir: string;
  #root: string | undefined;
  #madeParent = false;
  /** Scratch path by dataset path, for the files regenerated. */
  readonly paths = new Map<string, string>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #create(): string {
    const parent = `${this.#dir}.partial`;
    try {
      try {
        Deno.mkdirSync(parent);
        this.#madeParent = true;
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
      return Deno.makeTempDirSync({ dir: parent, prefix: "verify-" });
    } catch {
      try {
        return Deno.makeTempDirSync({ prefix: "chatsynth-verify-" });
      } catch (e) {
        throw new UsageError(
          `Cannot verify "${this.#dir}": regenerating its Parquet files needs a scratch folder, and neither "${parent}" nor the temporary folder can be written (${
            (e as Error).message
          }); grant --allow-write=${parent}`,
        );
      }
    }
  }

  /** Scratch paths for `names` (relative dataset paths), one each. */
  files(names: string[]): string[] {
    this.#root ??= this.#create();
    return names.map((n) => {
      const p = `${this.#root}/${n.replaceAll("/", "__")}`;
      this.paths.set(n, p);
      return p;
    });
  }

  /** Remove the scratch folder (and `DIR.partial` when made for it and empty). */
  remove(): void {
    if (this.#root) {
      try {
        Deno.removeSync(this.#root, { recursive: true });
      } catch { /* nothing to remove, or no longer ours */ }
      this.#root = undefined;
    }
    if (this.#madeParent) {
      try {
        Deno.removeSync(`${this.#dir}.partial`);
      } catch { /* another run's folder is in it: keep */ }
      this.#madeParent = false;
    }
    this.paths.clear();
  }
}

/**
 * A target that only hashes text (regeneration without a second copy on disk) and
 * writes binary files to `scratch`.
 */
function hashOnlyTarget(scratch: Scratch): DatasetTarget {
  return {
    lines: (names, header) => new FileSink({ names, files: [], header }),
    files: (names) => scratch.files(names),
    mkdir: () => {},
  };
}

/** Compares generated rows with files on disk, line by line; records the first difference. */
class CompareSink implements RowSink {
  #names: string[];
  #readers: {
    path: string;
    reader: LineReader;
    line: number;
    diff?: FirstDifference;
  }[];
  #rows = 0;

  constructor(
    dir: string,
    names: string[],
    watch: Set<string>,
    header?: string,
  ) {
    this.#names = names;
    this.#readers = names.filter((n) => watch.has(n)).map((path) => ({
      path,
      reader: new LineReader(`${dir}/${path}`),
      line: 0,
    }));
    if (header !== undefined) this.#compare(header);
  }

  #compare(line: string): void {
    for (const r of this.#readers) {
      if (r.diff) continue;
      r.line++;
      const found = r.reader.next();
      if (found !== line) {
        r.diff = { path: r.path, line: r.line, expected: line, found };
      }
    }
  }

  row(line: string): void {
    this.#rows++;
    this.#compare(line);
  }

  /** First differences found (after {@linkcode close}). */
  differences(): FirstDifference[] {
    return this.#readers.flatMap((r) => (r.diff ? [r.diff] : []));
  }

  close(): SinkResult {
    for (const r of this.#readers) {
      if (!r.diff) {
        const extra = r.reader.next();
        if (extra !== undefined) {
          r.diff = {
            path: r.path,
            line: r.line + 1,
            expected: undefined,
            found: extra,
          };
        }
      }
      r.reader.close();
    }
    return { names: this.#names, bytes: 0, rows: this.#rows, sha256: "" };
  }

  abort(): void {
    for (const r of this.#readers) r.reader.close();
  }
}

/**
 * The first differences of the `watch` files: text files by regenerating once more
 * (text encoding only) and comparing with the disk line by line; Parquet files by
 * decoding the regenerated file (in `scratch`) and the file on disk side by side.
 */
function* firstDifferences(
  dir: string,
  spec: DatasetSpec,
  watch: Set<string>,
  scratch: Scratch,
): Steps<FirstDifference[]> {
  const out: FirstDifference[] = [];
  for (const path of watch) {
    if (encodingOfPath(path)?.name !== "parquet") continue;
    const regenerated = scratch.paths.get(path);
    if (regenerated) {
      out.push(
        yield* parquetDifference(regenerated, `${dir}/${path}`, path),
      );
    }
    watch.delete(path);
  }
  if (watch.size) {
    out.push(
      ...yield* textDifferences(dir, { ...spec, encodings: ["text"] }, watch),
    );
  }
  return out.sort((a, b) => a.path < b.path ? -1 : 1);
}

/** The schema table of a data file path, e.g. "star/fact_turn.parquet". */
function tableOfPath(path: string): Table | undefined {
  const [rep, file] = path.split("/");
  const name = file.slice(0, file.lastIndexOf("."));
  const tables = rep === "raw"
    ? [RAW_TURN]
    : rep === "star"
    ? STAR_TABLES
    : rep === "snowflake"
    ? SNOWFLAKE_TABLES
    : [];
  return tables.find((t) => t.name === name);
}

/** Lines of a Parquet file read one at a time through steps (DuckDB is asynchronous). */
class ParquetLineSteps {
  #lines: string[] = [];
  #at = 0;
  #done = false;
  constructor(readonly reader: ParquetLines) {}

  *next(): Steps<string | undefined> {
    while (this.#at >= this.#lines.length && !this.#done) {
      const lines = yield* awaitStep(this.reader.next());
      if (lines === undefined) this.#done = true;
      else [this.#lines, this.#at] = [lines, 0];
    }
    return this.#at < this.#lines.length ? this.#lines[this.#at++] : undefined;
  }
}

/**
 * The first line where the Parquet file on disk (`found`) differs from the regenerated
 * one (`expected`), both decoded into the text encoding's lines; a file on disk that
 * cannot be decoded differs at line 1.
 */
function* parquetDifference(
  expected: string,
  found: string,
  path: string,
): Steps<FirstDifference> {
  const table = tableOfPath(path)!;
  const [rep] = path.split("/");
  const text = rep === "raw" ? ENCODINGS.jsonl : ENCODINGS.csv;
  const readers: ParquetLines[] = [];
  try {
    const gen = yield* awaitStep(
      ParquetLines.open(expected, table, text, `${path} (regenerated)`),
    );
    readers.push(gen);
    const g = new ParquetLineSteps(gen);
    let disk: ParquetLineSteps;
    try {
      const r = yield* awaitStep(ParquetLines.open(found, table, text, path));
      readers.push(r);
      disk = new ParquetLineSteps(r);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return {
        path,
        line: 1,
        expected: yield* g.next(),
        found: `(cannot be decoded: ${e.message})`,
      };
    }
    for (let line = 1;; line++) {
      const a = yield* g.next();
      let b: string | undefined;
      try {
        b = yield* disk.next();
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        // Rows are decoded a chunk at a time: the reason names the row at fault.
        // (Decoded CSV lines start with the header: row N is line N + 1.)
        const row = /\brow (\d+)\b/.exec(e.message)?.[1];
        const at = row === undefined
          ? line
          : Number(row) + (text === ENCODINGS.csv ? 1 : 0);
        let expected = a;
        for (let k = line; k < at && expected !== undefined; k++) {
          expected = yield* g.next();
        }
        return {
          path,
          line: Math.max(line, at),
          expected,
          found: `(cannot be decoded: ${e.message})`,
        };
      }
      if (a !== b) return { path, line, expected: a, found: b };
      if (a === undefined) break;
    }
    // Same rows, different bytes (compression, row groups, metadata).
    return {
      path,
      line: 0,
      expected: "(the same rows)",
      found: "(the same rows, encoded differently)",
    };
  } finally {
    for (const r of readers) r.close();
  }
}

/** Regenerate once more, comparing the `watch` text files with the disk line by line. */
function* textDifferences(
  dir: string,
  spec: DatasetSpec,
  watch: Set<string>,
): Steps<FirstDifference[]> {
  const sinks: CompareSink[] = [];
  yield* datasetSteps(spec, {
    files: (names) => {
      throw new Error(`Cannot compare ${names[0]} line by line`);
    },
    lines: (names, header) => {
      if (!names.some((n) => watch.has(n))) {
        return {
          row() {},
          close: () => ({ names, bytes: 0, rows: 0, sha256: "" }),
          abort() {},
        };
      }
      const s = new CompareSink(dir, names, watch, header);
      sinks.push(s);
      return s;
    },
    mkdir: () => {},
  });
  return sinks.flatMap((s) => s.differences());
}

/**
 * The versions of this run's writers of the encodings the manifest used or recorded,
 * by encoding (see `Encoding.writerVersion`).
 */
function* currentWriters(
  m: Manifest,
): Steps<Record<string, string | undefined>> {
  const names = new Set<string>(Object.keys(m.writers ?? {}));
  if (m.parameters.encodings?.includes("parquet")) names.add("parquet");
  const out: Record<string, string | undefined> = {};
  for (const n of [...names].sort()) {
    const enc = Object.hasOwn(ENCODINGS, n)
      ? ENCODINGS[n as keyof typeof ENCODINGS]
      : undefined;
    out[n] = enc ? yield* enc.writerVersion() : undefined;
  }
  return out;
}

function versionDifferences(
  m: Manifest,
  writers: Record<string, string | undefined>,
): VersionDifference[] {
  const v = collectVersions();
  const out: VersionDifference[] = [];
  const cmp = (what: string, recorded: unknown, current: unknown) => {
    if (recorded !== current) {
      out.push({
        what,
        recorded: recorded === undefined ? "(not recorded)" : String(recorded),
        current: current === undefined ? "(absent)" : String(current),
      });
    }
  };
  cmp("generator version", m.generator.version, v.generator.version);
  cmp("Deno", m.runtime?.deno, v.runtime.deno);
  cmp("V8", m.runtime?.v8, v.runtime.v8);
  cmp("TypeScript", m.runtime?.typescript, v.runtime.typescript);
  const deps = new Set([
    ...Object.keys(m.dependencies ?? {}),
    ...Object.keys(v.dependencies),
  ]);
  for (const d of [...deps].sort()) {
    cmp(d, m.dependencies?.[d], v.dependencies[d]);
  }
  cmp("deno.lock SHA-256", m.deno_lock_sha256, v.deno_lock_sha256);
  const recorded = m.writers as Record<string, string | undefined> | undefined;
  for (const [name, current] of Object.entries(writers)) {
    cmp(
      name === "parquet" ? "Parquet writer" : `${name} writer`,
      recorded?.[name],
      current,
    );
  }
  return out;
}

/** Options of {@linkcode verifyDataset}. */
export interface VerifyOptions {
  /** Progress of the regeneration (sessions done, total). */
  onProgress?: (done: number, total: number, unit?: string) => void;
}

/**
 * Verify a dataset folder.
 *
 * @param dir Dataset folder (holding `manifest.json`).
 * @returns The report; `ok` is true only when every check passed.
 * @throws {UsageError} When the folder has no usable manifest (see `readManifest`), when
 *   its counts contradict its file rows (see `countsContradiction`), or when its users
 *   cannot fit in this process's memory (see `checkUserMemory`).
 * @throws {TypeError} When the dataset has Parquet files: regenerating them waits for
 *   DuckDB, so run {@linkcode verifySteps} with `runStepsAsync` instead.
 * @example
 * ```ts
 * import { runCli } from "./cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   if (!verifyDataset(out).ok) throw new Error("A fresh dataset verifies");
 *   // One byte changed in a data file: verify fails.
 *   const path = `${out}/raw/turns.jsonl`;
 *   const bytes = Deno.readFileSync(path);
 *   bytes[0] ^= 1;
 *   Deno.writeFileSync(path, bytes);
 *   if (verifyDataset(out).ok) throw new Error("A changed dataset must fail");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function verifyDataset(
  dir: string,
  opts: VerifyOptions = {},
): VerifyReport {
  return runSteps(verifySteps(dir, opts));
}

/**
 * {@linkcode verifyDataset} as steps (one per file checked, per 32 MiB hashed and per
 * 1,000 users or sessions regenerated), for a caller that pauses for the event loop in
 * between. It writes nothing, so an error thrown into it at a step just propagates
 * (the files it reads are closed first).
 *
 * @param dir Dataset folder (holding `manifest.json`).
 * @returns Steps that end with the report.
 * @throws As {@linkcode verifyDataset}, and whatever is thrown into it.
 */
export function* verifySteps(
  dir: string,
  opts: VerifyOptions = {},
): Steps<VerifyReport> {
  const { manifest: m, bytes } = readManifest(dir);
  // A manifest whose counts contradict its own file rows is damaged: refused before
  // anything is read or regenerated (it could ask for months of regeneration).
  const contradiction = countsContradiction(m);
  if (contradiction) {
    throw new UsageError(
      `Cannot verify "${dir}": manifest.json is damaged, ${contradiction}`,
    );
  }
  const inputs = manifestInputs(m);
  // Before reading any data file: a regeneration that cannot fit is refused up front.
  if (inputs.config) {
    checkUserMemory(inputs.config.users, "regenerate");
  }
  const integ = yield* integrityCheck(dir, m, bytes);
  const errors: string[] = [];
  const reproduction: FileCheck[] = [];
  let differences: FirstDifference[] = [];

  errors.push(...inputs.problems);
  const spec = inputs.config
    ? {
      model: compileModel(inputs.config),
      seed: m.seed,
      sessions: m.sessions,
      users: m.users,
      formats: inputs.config.formats,
      encodings: inputs.config.encodings,
    }
    : undefined;
  const scratch = new Scratch(dir);
  // The scratch folder is removed however this ends: a failure, or an interrupt
  // thrown in at a step.
  try {
    if (spec) {
      differences = yield* reproduce(
        dir,
        m,
        spec,
        integ.checks,
        reproduction,
        scratch,
        opts,
      );
    }
  } finally {
    scratch.remove();
  }
  const writers = yield* currentWriters(m);
  const ok =
    [...integ.checks, ...reproduction].every((c) => c.status === "ok") &&
    integ.notes.length === 0 && errors.length === 0;
  return {
    dir,
    manifest: m,
    integrity: integ.checks,
    integrityNotes: integ.notes,
    reproduction,
    reproductionErrors: errors,
    differences,
    versions: versionDifferences(m, writers),
    ok,
  };
}

/**
 * Regenerate (text hashed only, binary files into `scratch`), compare every digest
 * with the manifest's into `reproduction`, and find the first difference of each file
 * on disk that differs.
 */
function* reproduce(
  dir: string,
  m: Manifest,
  spec: DatasetSpec,
  integrity: FileCheck[],
  reproduction: FileCheck[],
  scratch: Scratch,
  opts: VerifyOptions,
): Steps<FirstDifference[]> {
  const regen = yield* datasetSteps(
    spec,
    hashOnlyTarget(scratch),
    opts.onProgress,
  );
  const byPath = new Map(regen.files.map((f) => [f.path, f]));
  for (const f of m.files) {
    const g = byPath.get(f.path);
    if (!g) {
      reproduction.push({
        path: f.path,
        status: "missing",
        detail: "the generator does not make this file",
      });
    } else if (
      g.sha256 !== f.sha256 || g.bytes !== f.bytes || g.rows !== f.rows
    ) {
      reproduction.push({
        path: f.path,
        status: "mismatch",
        detail: `regenerated ${thousands(g.bytes)} bytes, ${
          thousands(g.rows)
        } rows; manifest ${thousands(f.bytes)} bytes, ${
          thousands(f.rows)
        } rows`,
      });
    } else reproduction.push({ path: f.path, status: "ok" });
    byPath.delete(f.path);
  }
  for (const g of byPath.values()) {
    reproduction.push({
      path: g.path,
      status: "extra",
      detail: "the generator makes this file; the manifest does not list it",
    });
  }
  const onDisk = new Set(m.files.map((f) => f.path));
  const watch = new Set<string>();
  for (const c of [...integrity, ...reproduction]) {
    if (c.status === "mismatch" && onDisk.has(c.path)) {
      // Only regular files inside the folder are read line by line.
      if (regularOrMissing(dir, c.path) === undefined) watch.add(c.path);
    }
  }
  return watch.size ? yield* firstDifferences(dir, spec, watch, scratch) : [];
}

/**
 * Where a first difference is: "line N" in a text file; in a Parquet file, the row
 * (its decoded CSV header, line 1, is "its columns"), with the line of the text
 * encoding that shows it.
 */
function where(d: FirstDifference): string {
  if (encodingOfPath(d.path)?.name !== "parquet") return `line ${d.line}`;
  const csv = !d.path.startsWith("raw/");
  if (csv && d.line === 1) return "its columns (decoded as the CSV header)";
  return `row ${csv ? d.line - 1 : d.line} (decoded as ${
    csv ? "CSV" : "JSON Lines"
  })`;
}

function clip(s: string | undefined): string {
  if (s === undefined) return "(end of file)";
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** The report as printed by `verify`: one line per file and check, then a summary. */
export function formatVerifyReport(r: VerifyReport): string {
  const m = r.manifest;
  const line = (c: FileCheck) =>
    `  ${c.status.padEnd(8)}  ${c.path}${c.detail ? `  (${c.detail})` : ""}`;
  const out: string[] = [];
  out.push(`Integrity: files in ${folderShown(r.dir)} against manifest.json`);
  for (const c of r.integrity) out.push(line(c));
  for (const n of r.integrityNotes) out.push(`  problem   ${n}`);
  out.push(
    `Reproduction: regenerated from the manifest (seed ${m.seed}, ${
      counted(m.sessions, "session")
    }, ${counted(m.users, "user")}, ${m.formats.join("+")}), hashed, ${
      m.files.some((f) => f.path.endsWith(".parquet"))
        ? "Parquet files in a scratch folder removed afterwards"
        : "nothing written"
    }`,
  );
  for (const c of r.reproduction) out.push(line(c));
  for (const e of r.reproductionErrors) out.push(`  problem   ${e}`);
  for (const d of r.differences) {
    if (d.line === 0) {
      out.push(
        `First difference in ${d.path}: none in its rows (decoded, they are the ones generated); the bytes differ in their encoding (compression, row groups or metadata)`,
      );
      continue;
    }
    out.push(`First difference in ${d.path} at ${where(d)}:`);
    out.push(`  generator makes: ${clip(d.expected)}`);
    out.push(`  file has:        ${clip(d.found)}`);
  }
  if (r.ok && r.versions.length) {
    out.push(
      "Note: the dataset reproduces, but these recorded versions differ from this run's:",
    );
    for (const v of r.versions) {
      out.push(`  ${v.what}: manifest ${v.recorded}, this run ${v.current}`);
    }
  }
  if (!r.ok) {
    if (r.versions.length) {
      out.push(
        "Versions that differ from the manifest's (may explain the difference):",
      );
      for (const v of r.versions) {
        out.push(`  ${v.what}: manifest ${v.recorded}, this run ${v.current}`);
      }
    } else {
      out.push(
        "Generator, runtime and dependency versions all match the manifest: files that differ were changed after generation.",
      );
    }
  }
  const all = [...r.integrity, ...r.reproduction];
  const count = (s: FileStatus) => all.filter((c) => c.status === s).length;
  out.push(
    r.ok
      ? `verify: OK, ${counted(r.integrity.length, "file")} intact and ${
        counted(r.reproduction.length, "data file")
      } reproduced (fingerprint ${m.fingerprint})`
      : `verify: FAILED, ${count("mismatch")} mismatch, ${
        count("missing")
      } missing, ${count("extra")} extra${
        r.integrityNotes.length + r.reproductionErrors.length
          ? `, ${
            counted(
              r.integrityNotes.length + r.reproductionErrors.length,
              "problem",
            )
          }`
          : ""
      }`,
  );
  return out.join("\n") + "\n";
}
