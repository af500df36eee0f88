/**
 * The worker behind {@linkcode ZstdWorker}: compresses the pages of each message with
 * ZSTD (`node:zlib`, the runtime's zstd library) and sends them back in order.
 * Not imported: loaded by `new Worker`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { constants, zstdCompressSync } from "node:zlib";

/** A request: compress `pages` at `level`. */
interface Request {
  id: number;
  level: number;
  pages: Uint8Array[];
}

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, level, pages } = e.data;
  try {
    const params = { [constants.ZSTD_c_compressionLevel]: level };
    // Copies: the library's buffers may share a pool that must not be transferred.
    const out = pages.map((p) =>
      new Uint8Array(zstdCompressSync(p, { params }))
    );
    self.postMessage({ id, pages: out }, out.map((o) => o.buffer));
  } catch (err) {
    self.postMessage({
      id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
};
