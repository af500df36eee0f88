/**
 * The thread of {@linkcode BackgroundHashes} (lib/manifest/background_hash.ts): hashes
 * the files it is sent, one after the other, and answers each with its size and
 * SHA-256 or the error. Not imported: loaded by `new Worker`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { sha256File } from "./file_digest.ts";

/** A file to hash: its path in the dataset and on disk. */
export interface HashRequest {
  /** The dataset path (echoed in the answer). */
  path: string;
  /** Where it is on disk. */
  file: string;
}

/** The answer for one file: its digest, or why it could not be read. */
export interface HashAnswer {
  /** The dataset path of the request. */
  path: string;
  /** Bytes and lowercase hex SHA-256, when read. */
  digest?: { bytes: number; sha256: string };
  /** "missing", or the error's first line, when not. */
  problem?: string;
}

self.onmessage = (e: MessageEvent<HashRequest>) => {
  const { path, file } = e.data;
  let answer: HashAnswer;
  try {
    answer = { path, digest: sha256File(file) };
  } catch (err) {
    answer = {
      path,
      problem: err instanceof Deno.errors.NotFound
        ? "missing"
        : (err instanceof Error ? err.message : String(err)).split("\n")[0],
    };
  }
  self.postMessage(answer);
};
