/**
 * The `merge` command: N part folders of `generate --shard K/N` → the dataset a single
 * run writes, file for file and byte for byte (docs/design.md §12).
 *
 * Parts hold whole blocks of every table, in part order, so each file is the parts'
 * files one after the other: CSV with the header once, JSONL as is, Parquet with the
 * parts' row groups and one footer (`encoding/parquet_concat.ts`). Every part file is
 * checked against its `part.json` digest while it is read; parts that are incomplete,
 * given twice, or made from other inputs are refused before anything is written.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors.ts";
import {
  fingerprint,
  type Manifest,
  type ManifestFile,
} from "../manifest/manifest.ts";
import { fsError, type ProtectedFolder, StagedOutput } from "../output_dir.ts";
import { datasetMetadata } from "../manifest/metadata_files.ts";
import { type Steps } from "../steps.ts";
import { counted } from "../wording.ts";
import { thousands } from "../number_format.ts";
import { type PartManifest, readPartManifest } from "./part_manifest.ts";
import { partRows, ROW_BLOCK, SESSION_BLOCK } from "./blocks.ts";
import { concatParquet } from "../encoding/parquet_concat.ts";
import { FileSink, type SinkResult } from "../sink/file_sink.ts";
import { sha256FileSteps } from "../manifest/file_digest.ts";
import { isPermissionError } from "../errors.ts";
import { countsContradiction } from "../manifest/inputs.ts";

/** `path` made absolute, with symbolic links resolved as far as it exists. */
function resolved(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const parts = abs.split("/").filter((x) => x && x !== ".");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "..") out.pop();
    else out.push(p);
  }
  // Resolve the longest existing prefix (the output folder may not exist yet).
  for (let i = out.length; i >= 0; i--) {
    try {
      const real = Deno.realPathSync("/" + out.slice(0, i).join("/"));
      return [real.replace(/\/$/, ""), ...out.slice(i)].join("/");
    } catch { /* shorter prefix */ }
  }
  return "/" + out.join("/");
}

/**
 * Refuse an output folder that is one of the parts, inside one, or holds one: the
 * merge would replace or mix in what it reads.
 */
function checkOutput(out: string, parts: string[]): void {
  const o = resolved(out);
  for (const p of parts) {
    const r = resolved(p);
    if (o === r || o.startsWith(r + "/") || r.startsWith(o + "/")) {
      throw new UsageError(
        `Cannot merge into "${out}": it ${
          o === r ? "is" : o.startsWith(r + "/") ? "is inside" : "holds"
        } the part folder "${p}"; choose an --out outside the parts`,
      );
    }
  }
}

/** Refuse a part file that is not a regular file (a folder, a FIFO, a device). */
function checkRegular(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    throw fsError("read", path, e);
  }
  if (!info.isFile) {
    throw new UsageError(
      `Cannot merge: "${path}" is not a regular file (the part is damaged)`,
    );
  }
}

/** Options of {@linkcode mergeSteps}. */
export interface MergeOptions {
  /** The part folders, in any order. */
  parts: string[];
  /** The merged dataset's folder. */
  out: string;
  /** Replace an existing chatsynth dataset folder. */
  force: boolean;
  /** Folders the output may never replace (see `StagedOutput`). */
  protect?: ProtectedFolder[];
  /** Progress: bytes merged, bytes in all. */
  onProgress?: (done: number, total: number, unit?: string) => void;
}

/** What {@linkcode mergeSteps} returns. */
export interface MergeResult {
  /** The merged dataset's manifest. */
  manifest: Manifest;
  /** The output folder as given. */
  out: string;
  /** Warnings for stderr. */
  notes: string[];
}

/** Keys a part manifest may differ in from the others. */
const PER_PART = new Set(["counts", "files", "fingerprint", "part"]);

/** How a differing key is said: "another seed". */
const KEY_WORDS: Record<string, string> = {
  seed: "seed",
  sessions: "session count",
  users: "user count",
  formats: "set of formats",
  config: "config file",
  parameters: "effective config",
  generator: "generator version",
  runtime: "Deno version",
  dependencies: "set of dependency versions",
  deno_lock_sha256: "deno.lock",
  writers: "Parquet writer",
  manifest_version: "manifest version",
};

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length <= 60 ? s : `${s.slice(0, 57)}...`;
}

/**
 * Check that `parts` are parts 1..N of one dataset.
 *
 * @returns The parts' manifests in part order.
 * @throws {UsageError} One sentence naming the folders and what differs.
 */
export function checkParts(
  dirs: string[],
): { dir: string; m: PartManifest }[] {
  const all = dirs.map((dir) => {
    try {
      return { dir, m: readPartManifest(dir) };
    } catch (e) {
      if (!(e instanceof UsageError) || e.message.startsWith("Cannot merge")) {
        throw e;
      }
      throw new UsageError(
        `Cannot merge: ${e.message[0].toLowerCase()}${e.message.slice(1)}`,
      );
    }
  });
  const first = all[0];
  const n = first.m.part.count;
  for (const p of all) {
    if (p.m.part.count !== n) {
      throw new UsageError(
        `Cannot merge: "${p.dir}" is part ${p.m.part.index} of ${p.m.part.count}, but "${first.dir}" is part ${first.m.part.index} of ${n}`,
      );
    }
    const a = first.m as unknown as Record<string, unknown>;
    const b = p.m as unknown as Record<string, unknown>;
    const ea = first.m.parameters?.encodings, eb = p.m.parameters?.encodings;
    if (JSON.stringify(ea) !== JSON.stringify(eb)) {
      throw new UsageError(
        `Cannot merge: "${p.dir}" was generated with another set of encodings than "${first.dir}" (${
          shown(eb)
        }, not ${shown(ea)})`,
      );
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (PER_PART.has(k)) continue;
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
        const what = KEY_WORDS[k] ?? `"${k}"`;
        const detail = ["seed", "sessions", "users", "formats"].includes(k)
          ? ` (${shown(b[k])}, not ${shown(a[k])})`
          : "";
        throw new UsageError(
          `Cannot merge: "${p.dir}" was generated with another ${what} than "${first.dir}"${detail}`,
        );
      }
    }
    const pa = first.m.files.map((f) => f.path).join("\n");
    const pb = p.m.files.map((f) => f.path).join("\n");
    if (pa !== pb) {
      throw new UsageError(
        `Cannot merge: "${p.dir}" lists other files than "${first.dir}" in its part.json`,
      );
    }
  }
  const byIndex = new Map<number, string>();
  for (const p of all) {
    const other = byIndex.get(p.m.part.index);
    if (other !== undefined) {
      throw new UsageError(
        `Cannot merge: "${other}" and "${p.dir}" are both part ${p.m.part.index} of ${n}`,
      );
    }
    byIndex.set(p.m.part.index, p.dir);
  }
  if (byIndex.size < n) {
    // Name the first few missing and given parts, not thousands.
    const missing: number[] = [];
    for (let k = 1; k <= n && missing.length < 10; k++) {
      if (!byIndex.has(k)) missing.push(k);
    }
    const more = n - byIndex.size - missing.length;
    const given = [...byIndex.keys()].sort((x, y) => x - y);
    throw new UsageError(
      `Cannot merge: ${
        n - byIndex.size === 1
          ? `part ${missing[0]} of ${n} is missing`
          : `parts ${missing.join(", ")}${
            more > 0 ? ` and ${thousands(more)} more` : ""
          } of ${n} are missing`
      } (given ${counted(all.length, "part")}: ${
        given.slice(0, 10).join(", ")
      }${given.length > 10 ? ", ..." : ""})`,
    );
  }
  all.sort((x, y) => x.m.part.index - y.m.part.index);
  for (const p of all) {
    const part = p.m.part;
    const [uf, ut] = partRows(p.m.users, ROW_BLOCK, part);
    const [sf, st] = partRows(p.m.sessions, SESSION_BLOCK, part);
    if (p.m.counts.users !== ut - uf || p.m.counts.sessions !== st - sf) {
      throw new UsageError(
        `Cannot merge: "${p.dir}" counts ${
          thousands(p.m.counts.sessions)
        } sessions and ${
          thousands(p.m.counts.users)
        } users, but part ${part.index} of ${part.count} holds ${
          thousands(st - sf)
        } and ${thousands(ut - uf)}`,
      );
    }
  }
  return all;
}

const CHUNK = 1 << 20;

/**
 * Copies part files one after the other into a {@linkcode FileSink} (which writes
 * every path of the file and hashes it), checking each part file against its
 * part.json entry as it reads it.
 */
class Concatenation {
  readonly #sink: FileSink;
  readonly #buf = new Uint8Array(CHUNK);
  rows = 0;

  /** The output file under every path of `files` (reported as `names`). */
  constructor(names: string[], files: string[]) {
    try {
      this.#sink = new FileSink({ names, files });
    } catch (e) {
      throw fsError("write", files[0], e);
    }
  }

  /**
   * Append `path` (a part's file listed as `listed`): with `header` "skip" without
   * its first line, with "write" the header too (from the first part). Yields every
   * chunk (a step for interrupts).
   *
   * @throws {UsageError} When the file's digest or size is not the listed one, or
   *   it has no complete header line.
   */
  *append(
    path: string,
    listed: ManifestFile,
    header: "none" | "write" | "skip",
    progress: (bytes: number) => void,
  ): Steps<void> {
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(path);
    } catch (e) {
      throw fsError("read", path, e);
    }
    const check = createHash("sha256");
    let size = 0;
    let headerLeft = header !== "none";
    try {
      for (;;) {
        const n = f.readSync(this.#buf);
        if (n === null) break;
        let data = this.#buf.subarray(0, n);
        check.update(data);
        size += n;
        if (headerLeft) {
          const nl = data.indexOf(10);
          if (nl < 0) {
            throw new UsageError(
              `Cannot merge: "${path}" has no complete header line (the part is damaged)`,
            );
          }
          if (header === "write") {
            this.#sink.append(data.subarray(0, nl + 1), 0);
          }
          data = data.subarray(nl + 1);
          headerLeft = false;
        }
        this.#sink.append(data, 0);
        progress(n);
        yield;
      }
    } finally {
      f.close();
    }
    if (size !== listed.bytes || check.digest("hex") !== listed.sha256) {
      throw new UsageError(
        `Cannot merge: "${path}" is not the file its part.json lists (size or SHA-256 differs); regenerate that part`,
      );
    }
    this.rows += listed.rows;
  }

  /** Finish the file: its size, data rows and SHA-256. */
  close(): SinkResult {
    return { ...this.#sink.close(), rows: this.rows };
  }

  /** Release the file after a failure (the staging folder is removed with it). */
  abort(): void {
    this.#sink.abort();
  }
}

/** SHA-256 and size of a part file, streamed (a step per 32 MiB). */
function* fileDigest(path: string): Steps<{ sha256: string; bytes: number }> {
  try {
    return yield* sha256FileSteps(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || isPermissionError(e)) {
      throw fsError("read", path, e);
    }
    throw e;
  }
}

/**
 * Merge part folders into one dataset folder, atomically (as `generate` writes one).
 *
 * @returns Steps ending with the merged manifest.
 * @throws {UsageError} On parts that do not form one dataset, a part file that is
 *   not the one its part.json lists, or an unusable output folder (one sentence).
 */
export function* mergeSteps(opts: MergeOptions): Steps<MergeResult> {
  const parts = checkParts(opts.parts);
  checkOutput(opts.out, opts.parts);
  const first = parts[0].m;
  for (const p of parts) {
    for (const f of p.m.files) checkRegular(`${p.dir}/${f.path}`);
  }
  const staged = new StagedOutput(opts.out, opts.force, opts.protect);
  const total = parts.reduce(
    (a, p) => a + p.m.files.reduce((b, f) => b + f.bytes, 0),
    0,
  );
  let done = 0;
  const progress = (n: number) => {
    done += n;
    opts.onProgress?.(done, total, "bytes");
  };
  try {
    for (const f of first.formats) staged.mkdir(f);
    // Paths whose files are the same in every part (a fact table under star and
    // snowflake) are merged once and copied.
    const groups = new Map<string, number[]>();
    first.files.forEach((_, i) => {
      const key = parts.map((p) => p.m.files[i].sha256).join(",");
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    });
    const merged: ManifestFile[] = [];
    for (const indices of groups.values()) {
      const i0 = indices[0];
      const path = first.files[i0].path;
      const names = indices.map((i) => first.files[i].path);
      // The other paths' part files are not read for the merge: check them here,
      // as those are the files a reader of the parts in place gets.
      for (const i of indices.slice(1)) {
        for (const p of parts) {
          const listed = p.m.files[i];
          const d = yield* fileDigest(`${p.dir}/${listed.path}`);
          if (d.sha256 !== listed.sha256 || d.bytes !== listed.bytes) {
            throw new UsageError(
              `Cannot merge: "${p.dir}/${listed.path}" is not the file its part.json lists (size or SHA-256 differs); regenerate that part`,
            );
          }
        }
      }
      let r: SinkResult;
      if (path.endsWith(".parquet")) {
        for (const p of parts) {
          const listed = p.m.files[i0];
          const d = yield* fileDigest(`${p.dir}/${path}`);
          if (d.sha256 !== listed.sha256 || d.bytes !== listed.bytes) {
            throw new UsageError(
              `Cannot merge: "${p.dir}/${path}" is not the file its part.json lists (size or SHA-256 differs); regenerate that part`,
            );
          }
          progress(d.bytes);
        }
        try {
          r = concatParquet(
            parts.map((p) => `${p.dir}/${path}`),
            names,
            names.map((n) => staged.path(n)),
          );
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError(
            `Cannot merge ${path} from the parts: ${(e as Error).message}`,
          );
        }
      } else {
        const c = new Concatenation(names, names.map((n) => staged.path(n)));
        try {
          for (let k = 0; k < parts.length; k++) {
            const header = !path.endsWith(".csv")
              ? "none"
              : k === 0
              ? "write"
              : "skip";
            yield* c.append(
              `${parts[k].dir}/${path}`,
              parts[k].m.files[i0],
              header,
              progress,
            );
          }
        } catch (e) {
          c.abort();
          throw e;
        }
        r = c.close();
      }
      for (const name of names) {
        merged.push({
          path: name,
          bytes: r.bytes,
          rows: r.rows,
          sha256: r.sha256,
        });
      }
      yield;
    }
    merged.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    // The single run's manifest: the parts' inputs, the sums, the merged files (same
    // keys in the same order).
    const manifest = { ...first } as unknown as Record<string, unknown>;
    delete manifest.part;
    manifest.counts = {
      users: parts.reduce((a, p) => a + p.m.counts.users, 0),
      sessions: parts.reduce((a, p) => a + p.m.counts.sessions, 0),
      turns: parts.reduce((a, p) => a + p.m.counts.turns, 0),
    };
    manifest.files = merged;
    manifest.fingerprint = fingerprint(merged);
    // The checks verify makes of a manifest: parts whose recorded counts do not
    // add up to their files' rows would make a dataset verify calls damaged.
    const contradiction = countsContradiction(manifest as unknown as Manifest);
    if (contradiction) {
      throw new UsageError(
        `Cannot merge: the parts' part.json files do not add up (the merged manifest's ${contradiction}); regenerate the parts`,
      );
    }
    for (const f of datasetMetadata(manifest as unknown as Manifest)) {
      staged.writeText(f.path, f.text);
    }
    staged.commit();
    return {
      manifest: manifest as unknown as Manifest,
      out: staged.given,
      notes: [...staged.warnings],
    };
  } catch (e) {
    staged.abort();
    throw e;
  }
}
