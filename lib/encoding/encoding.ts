/**
 * What an encoding is: a way to turn a table's typed rows ({@linkcode RowBatch}) into
 * the bytes of one file. Representation (which tables and rows: raw, star, snowflake)
 * is decided elsewhere; an encoding sees one table at a time (docs/design.md §11).
 *
 * @module
 */
import type { Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { RowSink, SinkResult } from "../sink/file_sink.ts";
import type { Steps } from "../steps.ts";

/** Names of the encodings (file extensions without the dot). */
export type EncodingName = "csv" | "jsonl" | "parquet";

/** Writes one table's rows, batch by batch, then reports the file. */
export interface TableEncoder {
  /** Encode rows `0..batch.length − 1` of `batch` (of the table it was opened for). */
  write(batch: RowBatch): void;
  /**
   * End the current row group here (a no-op when it holds no rows); later row
   * counts (the row-group size, a page's byte budget) start again from this point,
   * so what follows a cut depends only on the rows written after it. Encoders
   * without row groups (CSV, JSON Lines) leave it undefined (docs/design.md §11.3).
   */
  cut?(): void;
  /**
   * Finish the file: steps that may wait for a database (see `awaitStep`), ending
   * with its size, data rows and SHA-256 (the same for every one of its names).
   */
  close(): Steps<SinkResult>;
  /** Release everything after a failure; never throws. */
  abort(): void;
  /**
   * A promise to wait for before writing more, when the encoder has work under way
   * elsewhere (pages being compressed on the thread pool) and enough of it; else
   * undefined. Bounds the memory such work holds.
   */
  drain?(): Promise<void> | undefined;
  /**
   * Append rows already encoded by this encoding elsewhere (a generator worker): the
   * exact bytes {@linkcode TableEncoder.write} would have produced for them.
   * Line-oriented text encodings have it.
   *
   * @param bytes UTF-8 lines, each ending in "\n".
   * @param rows Lines in `bytes`.
   */
  writeEncoded?(bytes: Uint8Array, rows: number): void;
}

/**
 * Resources shared by every table of one dataset (a database session, say), opened
 * on first use and released once, when the dataset is done or has failed.
 */
export interface SharedResources {
  /**
   * The resource under `key`, opened by `open` the first time.
   *
   * @param release Called once at the end with the resource; must not throw.
   */
  use<T>(key: string, open: () => Steps<T>, release: (r: T) => void): Steps<T>;
}

/** Where an encoder's bytes go. */
export interface EncodingTarget {
  /**
   * A line sink writing (or only hashing, or comparing) the files `names`, for
   * line-oriented text encodings: `header` is the first line, if any.
   */
  lines(names: string[], header?: string): RowSink;
  /**
   * Absolute paths a binary encoder writes `names` to, one each (it writes the first
   * and copies it to the rest). A target that keeps no files (`verify`) gives scratch
   * paths, which it reads afterwards and removes.
   */
  files(names: string[]): string[];
  /** Resources shared across the dataset's tables. */
  shared: SharedResources;
}

/**
 * One encoding, as the registry in `mod.ts` lists it (docs/design.md §11.5).
 *
 * @example
 * ```ts
 * // A toy line encoding: one line per row, its first column (a sketch of what a
 * // new encoding implements; the registry's CSV and JSON Lines are the same shape).
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * import { runSteps, stepsOf } from "../steps.ts";
 * import type { RowSink } from "../sink/file_sink.ts";
 * const FIRST: Encoding = {
 *   name: "csv", // a real one adds its own name to EncodingName
 *   format: "text",
 *   mediaType: "text/plain",
 *   writerVersion: () => stepsOf(undefined),
 *   open: (_table, names, target) => {
 *     const sink = target.lines(names);
 *     return stepsOf({
 *       write(b: RowBatch) {
 *         for (let r = 0; r < b.length; r++) sink.row(String(b.numbers[0]![r]));
 *       },
 *       close: () => stepsOf(sink.close()),
 *       abort: () => sink.abort(),
 *     });
 *   },
 * };
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key")],
 * };
 * const lines: string[] = [];
 * const sink: RowSink = {
 *   row: (l) => void lines.push(l),
 *   close: () => ({ names: ["example.txt"], bytes: 0, rows: lines.length, sha256: "" }),
 *   abort() {},
 * };
 * const target = { lines: () => sink, files: () => [], shared: { use: () => { throw new Error("unused"); } } };
 * const enc = runSteps(FIRST.open(t, ["example.txt"], target));
 * const b = new RowBatch(t, 2);
 * b.numbers[0]!.set([4, 5]);
 * b.length = 2;
 * enc.write(b);
 * strictEqual(runSteps(enc.close()).rows, 2);
 * strictEqual(lines.join(","), "4,5");
 * ```
 */
export interface Encoding {
  /** The encoding's name, also the files' extension (without the dot). */
  name: EncodingName;
  /** Frictionless `format` of a resource, e.g. "csv". */
  format: string;
  /** IANA media type, e.g. "text/csv". */
  mediaType: string;
  /**
   * The version of the writer when bytes depend on a library's version (recorded in
   * the manifest; `verify` names a difference), else undefined.
   */
  writerVersion(): Steps<string | undefined>;
  /**
   * Start a file of `table`'s rows under `names` (relative dataset paths ending in
   * `.<name>`; a fact table shared by star and snowflake has two).
   *
   * @throws Whatever opening the target throws.
   */
  open(
    table: Table,
    names: string[],
    target: EncodingTarget,
  ): Steps<TableEncoder>;
}
