/**
 * ZSTD compression on a second thread: a Web Worker running the runtime's zstd
 * (`node:zlib`), so the Parquet writer's pages are compressed while the generator
 * goes on. Compression is deterministic: the bytes are those `zstdCompressSync`
 * gives on the calling thread (tested).
 *
 * @module
 */

/** A reply of the worker. */
interface Reply {
  id: number;
  pages?: Uint8Array[];
  error?: string;
}

/**
 * One compression worker; requests are answered in the order sent.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { constants, zstdCompressSync } from "node:zlib";
 * const w = new ZstdWorker(3);
 * try {
 *   const page = new TextEncoder().encode("abc".repeat(1000));
 *   const expected = new Uint8Array(zstdCompressSync(page, {
 *     params: { [constants.ZSTD_c_compressionLevel]: 3 },
 *   }));
 *   const [out] = await w.compress([page.slice()]);
 *   deepStrictEqual(out, expected);
 * } finally {
 *   w.terminate();
 * }
 * ```
 */
export class ZstdWorker {
  readonly #level: number;
  readonly #worker: Worker;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (p: Uint8Array[]) => void; reject: (e: Error) => void }
  >();

  /**
   * Start the worker.
   *
   * @param level ZSTD compression level, 1..22.
   */
  constructor(level: number) {
    this.#level = level;
    this.#worker = new Worker(new URL("./zstd_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = this.#pending.get(e.data.id);
      if (!p) return;
      this.#pending.delete(e.data.id);
      if (e.data.pages) p.resolve(e.data.pages);
      else p.reject(new Error(`ZSTD compression failed: ${e.data.error}`));
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failAll(new Error(`ZSTD worker failed: ${e.message}`));
    };
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  /**
   * Compress pages (their buffers are transferred to the worker: do not use them
   * afterwards).
   *
   * @returns The compressed pages, in order.
   */
  compress(pages: Uint8Array[]): Promise<Uint8Array[]> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const buffers = [...new Set(pages.map((p) => p.buffer as ArrayBuffer))];
      this.#worker.postMessage(
        { id, level: this.#level, pages },
        { transfer: buffers },
      );
    });
  }

  /** Stop the worker; pending requests fail. */
  terminate(): void {
    this.#worker.terminate();
    this.#failAll(new Error("ZSTD worker stopped"));
  }
}
