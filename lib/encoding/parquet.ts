/**
 * The Parquet encoding: chatsynth's own writer of Apache Parquet files (format
 * specification: `apache/parquet-format`, `src/main/thrift/parquet.thrift`), run on
 * a second thread. The generator hands each table's {@linkcode RowBatch}es (copies
 * of their filled rows) to a worker (`parquet_worker.ts`), which gathers them by
 * column into row groups of {@linkcode ROW_GROUP_SIZE} rows and encodes,
 * compresses and writes each full group (`parquet_file.ts`) while the generator
 * goes on (docs/design.md §11).
 *
 * Columns (all REQUIRED, one data page per column chunk, format version 1 pages):
 *
 * | column | physical type | logical type | encoding |
 * |---|---|---|---|
 * | `integer` | INT32 (INT64 when `int64`) | INTEGER(32/64, signed) | PLAIN |
 * | `number` | INT32 (precision ≤ 9) or INT64 | DECIMAL(precision, decimals), unscaled units | PLAIN |
 * | `boolean` | BOOLEAN | — | PLAIN (bit-packed) |
 * | `date` | INT32 | DATE (days since 1970-01-01) | PLAIN |
 * | `datetime` | INT64 | TIMESTAMP(MILLIS, isAdjustedToUTC=true) | PLAIN |
 * | `datetime`, `wallClock` | INT64 | TIMESTAMP(MILLIS, isAdjustedToUTC=false): the local wall-clock time | PLAIN |
 * | `string` | BYTE_ARRAY | STRING (UTF-8) | PLAIN, or RLE_DICTIONARY for a batch dictionary |
 *
 * Pages are compressed with ZSTD at level {@linkcode ZSTD_LEVEL} by the zstd library
 * of the Deno runtime (`node:zlib`). The bytes depend only on the rows, this module
 * and that library: nothing of the clock, the machine, the thread, the time zone or
 * the locale enters a file. The footer's `created_by` and
 * {@linkcode Encoding.writerVersion} name the generator version and the runtime.
 *
 * Errors found on the worker (a value a column cannot hold) surface at the next
 * `write`, `drain` or `close` of that file, naming the file and the column; the
 * files are removed.
 *
 * @module
 */
import type { Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { SinkResult } from "../sink/file_sink.ts";
import { awaitStep, type Steps, stepsOf } from "../steps.ts";
import type { Encoding, EncodingTarget, TableEncoder } from "./encoding.ts";
import { CREATED_BY, ROW_GROUP_SIZE } from "./parquet_file.ts";
import type { Request, SentBatch } from "./parquet_worker.ts";
import { UsageError } from "../errors.ts";

/** The path of a `file:` URL (percent-decoded). */
function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

export {
  parquetColumnType,
  ROW_GROUP_SIZE,
  ZSTD_LEVEL,
} from "./parquet_file.ts";

/** Batches a file may have in flight to the worker before `drain` waits. */
const MAX_IN_FLIGHT = 4;

/** A reply of the worker: `ok`, or an `error` naming the file, with a result. */
export interface Reply {
  /** The file the request was about. */
  id: number;
  /** The request succeeded. */
  ok?: boolean;
  /** Why it failed, one sentence. */
  error?: string;
  /** What `finish` reported. */
  result?: SinkResult;
}

/**
 * The Parquet worker of one dataset: one thread for every table's file, requests
 * answered in order.
 */
export class ParquetWorker {
  readonly #worker: Worker;
  #next = 0;
  /** Per file: callbacks of its requests in flight, oldest first. */
  readonly #waiting = new Map<number, ((r: Reply) => void)[]>();
  /** Paths of the files not finished (removed when the thread is stopped). */
  readonly #unfinished = new Map<number, string[]>();

  /**
   * Start the thread.
   *
   * @throws {UsageError} When this process may not read the thread's module (a
   *   `--allow-read` list without the program's folder).
   */
  constructor() {
    const url = new URL("./parquet_worker.ts", import.meta.url);
    if (
      url.protocol === "file:" &&
      Deno.permissions.querySync({ name: "read", path: url }).state !==
        "granted"
    ) {
      throw new UsageError(
        `Cannot write Parquet: the writer's thread needs read access to ${
          fromFileUrl(url)
        } (give --allow-read the program's folder as well)`,
      );
    }
    this.#worker = new Worker(url, { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<Reply>) => {
      const q = this.#waiting.get(e.data.id);
      q?.shift()?.(e.data);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failAll(`the Parquet worker failed: ${e.message}`);
    };
  }

  /** Why the thread is gone, once it is: later requests fail at once. */
  #dead: string | undefined;

  #failAll(why: string): void {
    this.#dead ??= why;
    for (const q of this.#waiting.values()) {
      for (const cb of q.splice(0)) cb({ id: -1, error: why });
    }
  }

  /**
   * A new file id, for a file written to `paths`: removed when the thread is stopped
   * unless {@linkcode ParquetWorker.finished} was called.
   */
  newId(paths: string[]): number {
    this.#waiting.set(this.#next, []);
    this.#unfinished.set(this.#next, paths);
    return this.#next++;
  }

  /** File `id` is complete: keep it. */
  finished(id: number): void {
    this.#unfinished.delete(id);
  }

  /** Send a request; `onReply` is called with its answer. */
  send(
    request: Request,
    onReply: (r: Reply) => void,
    transfer: Transferable[] = [],
  ): void {
    if (this.#dead !== undefined) {
      onReply({ id: request.id, error: this.#dead });
      return;
    }
    this.#waiting.get(request.id)!.push(onReply);
    this.#worker.postMessage(request, { transfer });
  }

  /** Requests of file `id` not yet answered. */
  inFlight(id: number): number {
    return this.#waiting.get(id)?.length ?? 0;
  }

  /**
   * Stop the thread; unanswered requests fail, and every file not finished is
   * removed (the thread may have been writing it when an abort was sent).
   */
  terminate(): void {
    this.#worker.terminate();
    this.#failAll("the Parquet worker was stopped");
    for (const paths of this.#unfinished.values()) {
      for (const p of paths) {
        try {
          Deno.removeSync(p);
        } catch {
          // Not created, or already gone.
        }
      }
    }
    this.#unfinished.clear();
  }
}

/** One table's Parquet file, written by the worker. */
class ParquetTableEncoder implements TableEncoder {
  readonly #worker: ParquetWorker;
  readonly #id: number;
  readonly #names: string[];
  readonly #paths: string[];
  /** Dictionaries already sent, by column. */
  readonly #sent: (readonly string[] | undefined)[];
  #error: string | undefined;
  #waiter: (() => void) | undefined;
  #done = false;

  constructor(
    worker: ParquetWorker,
    table: Table,
    names: string[],
    paths: string[],
    groupRows: number,
  ) {
    this.#worker = worker;
    this.#id = worker.newId(paths);
    this.#names = names;
    this.#paths = paths;
    this.#sent = new Array(table.columns.length);
    worker.send(
      { op: "open", id: this.#id, table, names, paths, groupRows },
      (r) => this.#answered(r),
    );
  }

  #answered(r: Reply): void {
    if (r.error !== undefined) this.#error ??= r.error;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #check(): void {
    if (this.#error === undefined) return;
    this.abort();
    throw new Error(
      this.#error.startsWith("Cannot write ")
        ? this.#error
        : `Cannot write ${this.#names[0]}: ${this.#error}`,
    );
  }

  write(batch: RowBatch): void {
    this.#check();
    const n = batch.length;
    const sent: SentBatch = {
      length: n,
      numbers: batch.numbers.map((x) => x?.slice(0, n)),
      flags: batch.flags.map((x) => x?.slice(0, n)),
      texts: batch.texts.map((x) => x?.slice(0, n)),
      codes: batch.codes.map((x) => x?.slice(0, n)),
      offsets: batch.offsets.map((x) => x?.slice(0, n)),
      dictionaries: batch.dictionaries.map((d, c) => {
        if (!d || d === this.#sent[c]) return undefined;
        this.#sent[c] = d;
        return d;
      }),
    };
    const transfer: Transferable[] = [];
    for (const v of [sent.numbers, sent.flags, sent.codes, sent.offsets]) {
      for (const x of v) if (x) transfer.push(x.buffer as ArrayBuffer);
    }
    this.#worker.send(
      { op: "write", id: this.#id, batch: sent },
      (r) => this.#answered(r),
      transfer,
    );
  }

  cut(): void {
    this.#check();
    this.#worker.send({ op: "cut", id: this.#id }, (r) => this.#answered(r));
  }

  drain(): Promise<void> | undefined {
    this.#check();
    if (this.#worker.inFlight(this.#id) < MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  *close(): Steps<SinkResult> {
    this.#check();
    const result = yield* awaitStep(
      new Promise<Reply>((resolve) =>
        this.#worker.send({ op: "finish", id: this.#id }, (r) => {
          this.#answered(r);
          resolve(r);
        })
      ),
    );
    this.#check();
    this.#done = true;
    this.#worker.finished(this.#id);
    return result.result!;
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#worker.send({ op: "abort", id: this.#id }, () => {});
    } catch {
      // The worker is gone.
    }
    // The worker may be stopped before it gets the request: remove the files here too.
    for (const p of this.#paths) {
      try {
        Deno.removeSync(p);
      } catch {
        // Not created, or already gone.
      }
    }
  }
}

/** Options of {@linkcode parquetEncoding}. */
export interface ParquetOptions {
  /** Rows in each row group but the last (default {@linkcode ROW_GROUP_SIZE}). */
  rowGroupSize?: number;
}

/**
 * A Parquet encoding with other settings than {@linkcode PARQUET}'s (tests: small
 * row groups). Other settings give other bytes.
 *
 * @throws {RangeError} When `rowGroupSize` is not a positive integer.
 */
export function parquetEncoding(options: ParquetOptions = {}): Encoding {
  const groupRows = options.rowGroupSize ?? ROW_GROUP_SIZE;
  if (!Number.isInteger(groupRows) || groupRows < 1) {
    throw new RangeError(`Row group size must be ≥ 1: received ${groupRows}`);
  }
  return {
    name: "parquet",
    format: "parquet",
    mediaType: "application/vnd.apache.parquet",
    writerVersion: () => stepsOf(CREATED_BY),
    *open(table: Table, names: string[], target: EncodingTarget) {
      const worker = yield* target.shared.use(
        "parquet",
        () => stepsOf(new ParquetWorker()),
        (w) => w.terminate(),
      );
      const paths = target.files(names);
      // Created here, so a path that cannot be written is an error at once (the
      // worker opens them again).
      paths.forEach((p, i) => {
        try {
          Deno.writeFileSync(p, new Uint8Array(0));
        } catch (e) {
          for (const q of paths.slice(0, i)) {
            try {
              Deno.removeSync(q);
            } catch {
              // Already gone.
            }
          }
          const why = e instanceof Error ? e.message : String(e);
          throw new Error(`Cannot write ${names[0]}: ${why}`, { cause: e });
        }
      });
      return new ParquetTableEncoder(worker, table, names, paths, groupRows);
    },
  };
}

/**
 * Parquet, as `--encoding parquet` writes it: row groups of
 * {@linkcode ROW_GROUP_SIZE} rows, ZSTD level {@linkcode ZSTD_LEVEL}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * import { runStepsAsync } from "../steps.ts";
 * import { SharedResourcePool } from "./shared.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.str("label", "Label")],
 * };
 * const dir = Deno.makeTempDirSync();
 * const shared = new SharedResourcePool();
 * try {
 *   const target = {
 *     lines: () => { throw new Error("unused"); },
 *     files: (names: string[]) => names.map((n) => `${dir}/${n}`),
 *     shared,
 *   };
 *   const enc = await runStepsAsync(PARQUET.open(t, ["example.parquet"], target));
 *   const b = new RowBatch(t, 2);
 *   b.numbers[0]!.set([1, 2]);
 *   b.texts[1]![0] = "a";
 *   b.texts[1]![1] = "b";
 *   b.length = 2;
 *   enc.write(b);
 *   const r = await runStepsAsync(enc.close());
 *   const bytes = Deno.readFileSync(`${dir}/example.parquet`);
 *   strictEqual(r.rows, 2);
 *   strictEqual(r.bytes, bytes.length);
 *   // A Parquet file starts and ends with PAR1.
 *   strictEqual(new TextDecoder().decode(bytes.subarray(-4)), "PAR1");
 * } finally {
 *   shared.releaseAll();
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export const PARQUET: Encoding = parquetEncoding();
