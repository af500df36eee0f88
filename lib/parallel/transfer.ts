/**
 * What crosses between the main thread and the generator workers: a unit's text
 * files as UTF-8 bytes, its rows for Parquet as typed columns (docs/design.md §12).
 *
 * @module
 */
import type { RowBatch } from "../schema/row_batch.ts";
import type { RowSink, SinkResult } from "../sink/file_sink.ts";
import type { SentBatch } from "../encoding/parquet_worker.ts";

const encoder = new TextEncoder();
/** Characters joined and encoded at a time (as `FileSink` does): no huge strings. */
/** Buffers a sink keeps for reuse: one per unit in flight (see `IN_FLIGHT_PER_WORKER`). */
export const MAX_SPARE = 2;
const FLUSH_CHARS = 1 << 16;

/**
 * A line sink that keeps a unit's lines in memory as UTF-8: {@linkcode CollectSink.take}
 * returns the bytes the file would get for them. Lines are joined and encoded every
 * 64 Ki characters into a byte buffer that grows by doubling, so no string larger than
 * that is ever built. The header is not kept (the main thread's file writes its own).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const s = new CollectSink();
 * s.row("a,b");
 * s.row("é");
 * const { bytes, rows } = s.take();
 * strictEqual(new TextDecoder().decode(bytes), "a,b\né\n");
 * strictEqual(rows, 2);
 * ```
 */
export class CollectSink implements RowSink {
  #lines: string[] = [];
  #chars = 0;
  #rows = 0;
  #buf: Uint8Array;
  #used = 0;
  /** The size the last unit needed: the next starts with room for it. */
  #capacity: number;

  /** Buffers given back after writing, at most {@linkcode MAX_SPARE}. */
  readonly #spare: ArrayBuffer[] = [];

  /**
   * A sink for one file's lines.
   *
   * @param capacity Bytes of the first buffer (it grows as needed).
   */
  constructor(capacity = 1 << 16) {
    this.#capacity = capacity;
    this.#buf = this.#fresh();
  }

  /**
   * Take back a buffer of an earlier {@linkcode CollectSink.take}, written by the
   * receiver: the next units reuse it instead of faulting in fresh pages. One too
   * small for the current capacity, or beyond {@linkcode MAX_SPARE}, is dropped.
   */
  giveBack(buffer: ArrayBuffer): void {
    if (
      buffer.byteLength >= this.#capacity && this.#spare.length < MAX_SPARE
    ) this.#spare.push(buffer);
  }

  /** A buffer of at least the current capacity: a spare one, or a new one. */
  #fresh(): Uint8Array {
    while (this.#spare.length) {
      const b = this.#spare.pop()!;
      if (b.byteLength >= this.#capacity) return new Uint8Array(b);
    }
    return new Uint8Array(this.#capacity);
  }

  row(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    this.#rows++;
    if (this.#chars >= FLUSH_CHARS) this.#flush();
  }

  #flush(): void {
    if (this.#lines.length === 0) return;
    // An empty last entry gives the final line break without copying the chunk.
    this.#lines.push("");
    const s = this.#lines.join("\n");
    this.#lines.length = 0;
    this.#chars = 0;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#buf.length - this.#used < s.length * 3) {
      let size = this.#buf.length * 2;
      while (size - this.#used < s.length * 3) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(this.#buf.subarray(0, this.#used));
      this.#buf = bigger;
    }
    this.#used += encoder.encodeInto(s, this.#buf.subarray(this.#used)).written;
  }

  /**
   * The lines since the last call, each ending in "\n", as UTF-8 (a view on a buffer
   * of its own, to transfer), and their count.
   */
  take(): { bytes: Uint8Array; rows: number } {
    this.#flush();
    const bytes = this.#buf.subarray(0, this.#used);
    const rows = this.#rows;
    // The next unit gets room for this one and an eighth more, in whole 64 KiB
    // steps: capacities only grow and soon stop, so given-back buffers fit again.
    const want = this.#used + (this.#used >> 3);
    if (want > this.#capacity) this.#capacity = Math.ceil(want / 65536) * 65536;
    this.#buf = this.#fresh();
    this.#used = 0;
    this.#rows = 0;
    return { bytes, rows };
  }

  close(): SinkResult {
    throw new Error("A collected unit is not a file: it has no digest");
  }

  abort(): void {
    this.#lines.length = 0;
    this.#used = 0;
    this.#rows = 0;
  }
}

/**
 * A copy of a batch's rows for `postMessage`, with the buffers to transfer.
 *
 * @param withDictionaries Send the dictionaries (the receiver keeps the first ones).
 */
export function packBatch(
  batch: RowBatch,
  withDictionaries: boolean,
): { packed: SentBatch; transfer: ArrayBuffer[] } {
  const n = batch.length;
  const packed: SentBatch = {
    length: n,
    numbers: batch.numbers.map((x) => x?.slice(0, n)),
    flags: batch.flags.map((x) => x?.slice(0, n)),
    texts: batch.texts.map((x) => x?.slice(0, n)),
    codes: batch.codes.map((x) => x?.slice(0, n)),
    offsets: batch.offsets.map((x) => x?.slice(0, n)),
    dictionaries: withDictionaries ? [...batch.dictionaries] : [],
  };
  const transfer: ArrayBuffer[] = [];
  for (
    const v of [packed.numbers, packed.flags, packed.codes, packed.offsets]
  ) {
    for (const x of v) if (x) transfer.push(x.buffer as ArrayBuffer);
  }
  return { packed, transfer };
}

/**
 * Point `batch`'s columns at a {@linkcode packBatch} copy's (no copy): the batch then
 * holds the copy's rows, over its own dictionaries.
 *
 * @param batch A batch of the same table, made with the dictionaries the copy's
 *   sender used (or none).
 */
export function adoptBatch(batch: RowBatch, packed: SentBatch): RowBatch {
  for (let c = 0; c < batch.kinds.length; c++) {
    batch.numbers[c] = packed.numbers[c];
    batch.flags[c] = packed.flags[c];
    batch.texts[c] = packed.texts[c];
    batch.codes[c] = packed.codes[c];
    batch.offsets[c] = packed.offsets[c];
  }
  batch.length = packed.length;
  return batch;
}
