/**
 * The part manifest, `part.json`: what `generate --shard K/N` wrote and from which
 * inputs, so `merge` can refuse parts that do not belong together (docs/design.md §12).
 *
 * It is the dataset manifest the part's files would have had on their own (same keys,
 * same order: the part's counts and files, and their fingerprint), followed by
 * `part: { index, count }`. `merge` checks that every key but `counts`, `files`,
 * `fingerprint` and `part` is the same in all parts.
 *
 * @module
 */
import { type Manifest, manifestJson } from "../manifest/manifest.ts";
import { readManifestFile } from "../manifest/read_manifest.ts";
import { UsageError } from "../errors.ts";
import { MAX_PARTS, type Part } from "./blocks.ts";
import { inFolder } from "../wording.ts";

/** The part manifest's file name in a part folder. */
export const PART_FILE = "part.json";

/** Contents of `part.json`. */
export interface PartManifest extends Manifest {
  /** Which part of how many (1-based). */
  part: Part;
}

/**
 * `part.json`'s text: the manifest's JSON with `part` last.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * const m = { manifest_version: 1, part: { index: 2, count: 3 } };
 * ok(partManifestJson(m as never).includes('"part": {'));
 * ```
 */
export function partManifestJson(m: PartManifest): string {
  return manifestJson(m as Manifest);
}

/**
 * Read and check `dir/part.json`.
 *
 * @returns The part manifest.
 * @throws {UsageError} When the folder or file is missing or unreadable, not a
 *   chatsynth manifest, or its `part` is not K of N with 1 ≤ K ≤ N (one sentence,
 *   naming the path).
 */
export function readPartManifest(dir: string): PartManifest {
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.statSync(`${dir}/${PART_FILE}`);
  } catch { /* below */ }
  if (!info) {
    let folder = false;
    try {
      folder = Deno.statSync(dir).isDirectory;
    } catch { /* below */ }
    throw new UsageError(
      folder
        ? `"${dir}" holds no ${PART_FILE}, so it is not a part folder (write parts with generate --shard K/N)`
        : `No part folder "${dir}"`,
    );
  }
  const { manifest } = readManifestFile(dir, PART_FILE);
  const part = (manifest as Partial<PartManifest>).part;
  if (
    !part || !Number.isSafeInteger(part.count) ||
    !Number.isSafeInteger(part.index) || part.count < 1 || part.index < 1 ||
    part.index > part.count || part.count > MAX_PARTS
  ) {
    throw new UsageError(
      `"${
        inFolder(dir, PART_FILE)
      }" names no part K of N with 1 <= K <= N <= ${MAX_PARTS} (received ${
        JSON.stringify(part)
      })`,
    );
  }
  return manifest as PartManifest;
}
