/**
 * Read and check a dataset's `manifest.json` before trusting anything in it: shape,
 * types, and safe relative paths (docs/design.md §6.3).
 *
 * @module
 */
import type { Manifest } from "./manifest.ts";
import { isPermissionError, readDeniedError, UsageError } from "../errors.ts";
import { notRegularFileReason } from "./regular_file.ts";
import {
  ENCODING_CHOICES,
  type EncodingChoice,
  type Format,
  FORMATS,
} from "../config/schema.ts";
import { encodingOf, encodingOfPath, ENCODINGS } from "../encoding/mod.ts";
import { inFolder, trimSlashes } from "../wording.ts";
import { brokenLink } from "../symlinks.ts";

/** Files that belong to a dataset folder but are not data files. */
export const METADATA_FILES = [
  "manifest.json",
  "SHA256SUMS",
  "MANIFEST.md",
  "datapackage.json",
];

/** The report `validate` writes (into the dataset folder unless `--report DIR`). */
export const VALIDATION_FILES = [
  "validation.md",
  "validation.json",
  "report.html",
];

/**
 * The reports `bench` writes into the dataset folder, in the order the help lists
 * them (docs/design.md §10.3).
 */
export const BENCH_FILES: readonly string[] = [
  "bench.json",
  "bench.md",
  "bench.svg",
];

/**
 * Reports written into a dataset folder after generation (docs/design.md §5.5): not part of the
 * dataset, ignored by name by `verify`.
 */
export const REPORT_FILES = [...VALIDATION_FILES, ...BENCH_FILES];

/**
 * `Deno.statSync` with the two failures a user can cause as one-sentence usage errors.
 *
 * @param path The path to stat.
 * @param subject The start of every message, e.g. `No dataset folder "out"`.
 * @param notFound What follows it when nothing is at `path`, e.g. "no such folder".
 * @throws {UsageError} When `path` does not exist (a link to nothing or a loop of links
 *   named as such) or may not be read.
 */
function statOrUsageError(
  path: string,
  subject: string,
  notFound: string,
): Deno.FileInfo {
  try {
    return Deno.statSync(path);
  } catch (e) {
    const broken = brokenLink(path);
    if (broken) throw new UsageError(`${subject}: it is ${broken.text}`);
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`${subject}: ${notFound}`);
    }
    if (e instanceof Deno.errors.FilesystemLoop) {
      throw new UsageError(
        `Cannot read "${path}": a loop of symbolic links on the way to it`,
      );
    }
    throw readDeniedError(e, path, "it") ?? e;
  }
}

function fail(path: string, why: string): never {
  throw new UsageError(`Cannot use manifest "${path}": ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Check that a manifest path is relative, forward-slashed and stays inside the folder.
 *
 * @returns An error fragment, or `undefined` when the path is safe.
 */
export function unsafePathReason(p: string): string | undefined {
  if (p.length === 0) return "an empty path";
  if (p.includes("\\")) return `a backslash in "${p}"`;
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) {
    return `an absolute path "${p}"`;
  }
  if (p.split("/").some((s) => s === ".." || s === "." || s === "")) {
    return `a path that is not a plain relative path "${p}"`;
  }
  if (/[\r\n\0]/.test(p)) return `a control character in ${JSON.stringify(p)}`;
  return undefined;
}

/**
 * Read `DIR/manifest.json`.
 *
 * @param dir Dataset folder.
 * @returns The manifest and its exact bytes.
 * @throws {UsageError} When the file is missing or unreadable, has CR characters, is not
 *   JSON, lacks a field `verify` needs, or lists an absolute, backslashed or
 *   escaping path, or the same path twice.
 *
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const { manifest } = readManifest(out);
 *   // Every listed file is on disk with the listed size.
 *   for (const f of manifest.files) {
 *     if (Deno.statSync(`${out}/${f.path}`).size !== f.bytes) throw new Error(f.path);
 *   }
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function readManifest(
  dir: string,
): { manifest: Manifest; bytes: Uint8Array } {
  const info = statOrUsageError(
    dir,
    `No dataset folder "${dir}"`,
    "no such folder",
  );
  if (!info.isDirectory) {
    throw new UsageError(
      `"${dir}" is a file, not a dataset folder (give the folder holding manifest.json)`,
    );
  }
  return readManifestFile(dir, "manifest.json");
}

/**
 * Read a manifest file (see {@linkcode readManifest}).
 *
 * @param dir The folder holding it (the dataset folder it describes).
 * @param name Its file name in that folder, usually "manifest.json".
 */
export function readManifestFile(
  dir: string,
  name: string,
): { manifest: Manifest; bytes: Uint8Array } {
  const path = inFolder(dir, name);
  let bytes: Uint8Array;
  try {
    const why = notRegularFileReason(dir, name);
    if (why === "missing") {
      if (
        name === "manifest.json" &&
        notRegularFileReason(dir, "part.json") === undefined
      ) {
        throw new UsageError(
          `No manifest.json in "${dir}": it is a part folder (part.json) of generate --shard K/N, not a dataset; check it with sha256sum -c SHA256SUMS, or merge the parts (merge PART... --out DIR) and use the merged folder`,
        );
      }
      throw new UsageError(
        `No ${name} in "${dir}": not a chatsynth ${
          name === "manifest.json" ? "dataset" : "part"
        } folder (or the wrong folder)`,
      );
    }
    if (why) fail(path, `it is ${why}`);
    bytes = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (isPermissionError(e)) {
      fail(path, "permission denied (grant --allow-read for this folder)");
    }
    throw e;
  }
  if (bytes.includes(13)) {
    fail(path, "it has CR line endings (CRLF); manifests use LF");
  }
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    fail(path, `not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(m)) fail(path, "not a JSON object");
  if (m.manifest_version !== 1) {
    fail(
      path,
      `unknown manifest_version ${JSON.stringify(m.manifest_version)}`,
    );
  }
  const need = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (!ok(m[key])) fail(path, `"${key}" must be ${what}`);
  };
  const isInt = (v: unknown) =>
    typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  need("seed", isInt, "a non-negative integer");
  need(
    "sessions",
    (v) => isInt(v) && (v as number) >= 1 && (v as number) <= 100_000_000_000,
    "an integer from 1 to 100000000000",
  );
  need(
    "users",
    (v) => isInt(v) && (v as number) >= 1 && (v as number) <= 100_000_000,
    "an integer from 1 to 100000000",
  );
  need(
    "counts",
    (v) => isRecord(v) && isInt(v.users) && isInt(v.sessions) && isInt(v.turns),
    "an object with users, sessions and turns",
  );
  need(
    "formats",
    (v) =>
      Array.isArray(v) && v.length > 0 &&
      v.every((x) => (FORMATS as readonly unknown[]).includes(x)) &&
      new Set(v).size === v.length,
    "a non-empty list of distinct formats among raw, star, snowflake",
  );
  need(
    "config",
    (v) =>
      isRecord(v) && typeof v.text === "string" && typeof v.sha256 === "string",
    "an object with text and sha256",
  );
  need("parameters", isRecord, "an object");
  // Recorded since Parquet; a manifest without it was written with text only.
  const params = m.parameters as Record<string, unknown>;
  const choices = "encodings" in params ? params.encodings : ["text"];
  if (
    !Array.isArray(choices) || choices.length === 0 ||
    !choices.every((x) =>
      (ENCODING_CHOICES as readonly unknown[]).includes(x)
    ) ||
    new Set(choices).size !== choices.length
  ) {
    fail(
      path,
      `"parameters.encodings" must be a non-empty list of distinct encodings among ${
        ENCODING_CHOICES.join(", ")
      }`,
    );
  }
  need(
    "generator",
    (v) => isRecord(v) && typeof v.version === "string",
    "an object with a version",
  );
  need("runtime", isRecord, "an object");
  need("dependencies", isRecord, "an object");
  need("files", Array.isArray, "a list");
  if (
    m.writers !== undefined &&
    !(isRecord(m.writers) &&
      Object.values(m.writers).every((v) => typeof v === "string"))
  ) {
    fail(path, "writers must be an object of version strings");
  }
  need("fingerprint", (v) => typeof v === "string", "a string");
  const seen = new Set<string>();
  for (const [i, f] of (m.files as unknown[]).entries()) {
    if (
      !isRecord(f) || typeof f.path !== "string" || !isInt(f.bytes) ||
      !isInt(f.rows) ||
      typeof f.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)
    ) {
      fail(path, `files[${i}] must have path, bytes, rows and a hex sha256`);
    }
    const why = unsafePathReason(f.path);
    if (why) fail(path, `files[${i}] has ${why}`);
    const folder = f.path.split("/");
    const encoding = encodingOfPath(f.path);
    if (
      folder.length !== 2 || !(m.formats as string[]).includes(folder[0]) ||
      !encoding
    ) {
      fail(
        path,
        `files[${i}] "${f.path}" is not a ${
          Object.keys(ENCODINGS).map((e) => `.${e}`).join(", ")
        } file in a format folder (${(m.formats as string[]).join(", ")})`,
      );
    }
    const rep = folder[0] as Format;
    if (
      !(choices as EncodingChoice[]).some((c) =>
        encodingOf(rep, c).name === encoding.name
      )
    ) {
      fail(
        path,
        `files[${i}] "${f.path}" is a ${encoding.name} file, but the manifest records the encodings ${
          (choices as string[]).join(", ")
        }`,
      );
    }
    if (seen.has(f.path)) fail(path, `files lists "${f.path}" twice`);
    if (METADATA_FILES.includes(f.path) || REPORT_FILES.includes(f.path)) {
      fail(path, `files lists the metadata file "${f.path}"`);
    }
    seen.add(f.path);
  }
  return { manifest: m as unknown as Manifest, bytes };
}

/**
 * Read a manifest given either its file or the folder holding `manifest.json`
 * (`generate --from-manifest`).
 *
 * @returns The manifest, its bytes and the folder it sits in.
 * @throws {UsageError} When nothing usable is at `location`.
 */
export function readManifestAt(
  location: string,
): { manifest: Manifest; bytes: Uint8Array; dir: string } {
  const loc = trimSlashes(location);
  const info = statOrUsageError(
    loc,
    `No manifest at "${location}"`,
    "no such file or folder",
  );
  if (info.isDirectory) return { ...readManifest(loc), dir: loc };
  const slash = loc.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : loc.slice(0, slash);
  const name = slash < 0 ? loc : loc.slice(slash + 1);
  return { ...readManifestFile(dir, name), dir };
}
