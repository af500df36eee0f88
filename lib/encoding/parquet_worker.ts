/**
 * The Parquet writer's thread: receives a dataset's row batches from the generator
 * (`parquet.ts`), and encodes, compresses and writes each table's file
 * ({@linkcode ParquetFileWriter}) while the generator goes on. Not imported: loaded
 * by `new Worker`. Requests are handled in the order sent; each is answered.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { ParquetFileWriter } from "./parquet_file.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { Table } from "../schema/table.ts";

/** The columns of a batch as sent: only its rows, dictionaries when they change. */
export interface SentBatch {
  /** Rows. */
  length: number;
  /** As `RowBatch.numbers`, `length` rows. */
  numbers: (Float64Array | undefined)[];
  /** As `RowBatch.flags`, `length` rows. */
  flags: (Uint8Array | undefined)[];
  /** As `RowBatch.texts`, `length` rows. */
  texts: (string[] | undefined)[];
  /** As `RowBatch.codes`, `length` rows. */
  codes: (Int32Array | undefined)[];
  /** As `RowBatch.offsets`, `length` rows. */
  offsets: (Int16Array | undefined)[];
  /** A column's dictionary, sent with its first batch (and if it changes). */
  dictionaries: (readonly string[] | undefined)[];
}

/** A request to the worker. */
export type Request =
  | {
    op: "open";
    id: number;
    table: Table;
    names: string[];
    paths: string[];
    groupRows: number;
  }
  | { op: "write"; id: number; batch: SentBatch }
  | { op: "cut"; id: number }
  | { op: "finish"; id: number }
  | { op: "abort"; id: number };

const writers = new Map<number, ParquetFileWriter>();
/** Per file: the dictionary last received for each column, and a stand-in batch. */
const batches = new Map<number, RowBatch>();

function reply(id: number, body: Record<string, unknown>): void {
  self.postMessage({ id, ...body });
}

self.onmessage = (e: MessageEvent<Request>) => {
  const r = e.data;
  try {
    switch (r.op) {
      case "open": {
        writers.set(
          r.id,
          // The main thread created the files and removes them on failure, maybe
          // before this request is read: never create one here.
          new ParquetFileWriter(
            r.table,
            r.names,
            r.paths,
            r.groupRows,
            undefined,
            true,
          ),
        );
        batches.set(r.id, {
          table: r.table,
          dictionaries: new Array(r.table.columns.length),
        } as unknown as RowBatch);
        reply(r.id, { ok: true });
        break;
      }
      case "write": {
        const w = writers.get(r.id);
        if (!w) return reply(r.id, { ok: true });
        const b = batches.get(r.id)! as unknown as Record<string, unknown>;
        const dicts = b.dictionaries as (readonly string[] | undefined)[];
        r.batch.dictionaries.forEach((d, c) => {
          if (d) dicts[c] = d;
        });
        b.length = r.batch.length;
        b.numbers = r.batch.numbers;
        b.flags = r.batch.flags;
        b.texts = r.batch.texts;
        b.codes = r.batch.codes;
        b.offsets = r.batch.offsets;
        w.write(b as unknown as RowBatch);
        reply(r.id, { ok: true });
        break;
      }
      case "cut": {
        writers.get(r.id)?.cut();
        reply(r.id, { ok: true });
        break;
      }
      case "finish": {
        const w = writers.get(r.id);
        writers.delete(r.id);
        batches.delete(r.id);
        if (!w) return reply(r.id, { error: "file already failed" });
        reply(r.id, { ok: true, result: w.finish() });
        break;
      }
      case "abort": {
        writers.get(r.id)?.abort();
        writers.delete(r.id);
        batches.delete(r.id);
        reply(r.id, { ok: true });
        break;
      }
    }
  } catch (err) {
    // The writer removed its files; later requests for it are answered as done.
    writers.delete(r.id);
    batches.delete(r.id);
    reply(r.id, { error: err instanceof Error ? err.message : String(err) });
  }
};
