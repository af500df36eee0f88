/**
 * The metadata files of a dataset folder, as text: `manifest.json`, `MANIFEST.md`,
 * `datapackage.json`, then `SHA256SUMS` over the data files and those three
 * (docs/design.md §5.5). `generate` and `merge` write exactly these.
 *
 * @module
 */
import {
  type Manifest,
  manifestJson,
  manifestMarkdown,
  metadataEntry,
  sha256sums,
} from "./manifest.ts";
import { dataPackageJson } from "./datapackage.ts";

/** One metadata file: its path in the dataset folder and its text. */
export interface MetadataFile {
  /** Relative path, e.g. "manifest.json". */
  path: string;
  /** Its whole text (UTF-8 when written). */
  text: string;
}

/**
 * The metadata files of the dataset `m` describes, in the order they are written.
 */
export function datasetMetadata(m: Manifest): MetadataFile[] {
  return withSums(m, [
    { path: "manifest.json", text: manifestJson(m) },
    { path: "MANIFEST.md", text: manifestMarkdown(m) },
    { path: "datapackage.json", text: dataPackageJson(m) },
  ]);
}

/**
 * `files` followed by `SHA256SUMS` over the data files `m` lists and `files`.
 *
 * @param m The manifest whose data files the sums cover.
 * @param files Metadata files written before the sums.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { Manifest } from "./manifest.ts";
 * const m = { files: [{ path: "raw/turns.jsonl", bytes: 0, rows: 0, sha256: "0".repeat(64) }] };
 * const out = withSums(m as unknown as Manifest, [{ path: "part.json", text: "{}" }]);
 * strictEqual(out.at(-1)!.path, "SHA256SUMS");
 * strictEqual(out.at(-1)!.text.split("\n").filter((l) => l).length, 2);
 * ```
 */
export function withSums(m: Manifest, files: MetadataFile[]): MetadataFile[] {
  const enc = new TextEncoder();
  const entries = files.map((f) => metadataEntry(f.path, enc.encode(f.text)));
  return [...files, {
    path: "SHA256SUMS",
    text: sha256sums([...m.files, ...entries]),
  }];
}
