/**
 * The thread of {@linkcode BackgroundHashes} (lib/manifest/background_hash.ts): hashes
 * the files it is sent, one after the other, and answers each with its size and
 * SHA-256 or the error. Not imported: loaded by `new Worker`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { hashDatasetFile } from "./file_digest.ts";

/** A file to hash: the dataset folder and the file's path in it. */
export interface HashRequest {
  /** The dataset folder. */
  dir: string;
  /** The dataset path (echoed in the answer). */
  path: string;
}

self.onmessage = (e: MessageEvent<HashRequest>) => {
  self.postMessage(hashDatasetFile(e.data.dir, e.data.path));
};
