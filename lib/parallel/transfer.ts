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

/**
 * A line sink that keeps a unit's lines in memory: {@linkcode CollectSink.take}
 * returns them as the bytes the file would get. The header is not kept (the main
 * thread's file writes its own).
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

  row(line: string): void {
    this.#lines.push(line);
  }

  /** The lines since the last call, each ending in "\n", as UTF-8; and their count. */
  take(): { bytes: Uint8Array; rows: number } {
    const rows = this.#lines.length;
    if (rows === 0) return { bytes: new Uint8Array(0), rows };
    const bytes = encoder.encode(this.#lines.join("\n") + "\n");
    this.#lines.length = 0;
    return { bytes, rows };
  }

  close(): SinkResult {
    throw new Error("A collected unit is not a file: it has no digest");
  }

  abort(): void {
    this.#lines.length = 0;
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
