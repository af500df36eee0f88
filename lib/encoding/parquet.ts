/**
 * The Parquet encoding: a table's {@linkcode RowBatch}es go into a DuckDB staging
 * table (appended in columnar chunks), which `COPY ... (FORMAT parquet)` writes as
 * one file, ZSTD-compressed, in row groups of a fixed size (docs/design.md §5).
 *
 * DuckDB (npm `@duckdb/node-api`) is imported lazily, inside the steps, so commands
 * that never write Parquet never load its native library. One in-memory DuckDB serves
 * every table of a dataset (`target.shared`, key `"duckdb"`); each table has its own
 * connection and staging table, dropped once the file is written.
 *
 * Column types (Parquet physical type, logical type):
 *
 * | column | staging type | Parquet |
 * |---|---|---|
 * | `integer` | `INTEGER` (`BIGINT` when `int64`) | INT32 (INT64) |
 * | `number` | `DECIMAL(precision, decimals)` | DECIMAL on INT32 / INT64 (precision ≤ 9 / ≤ 18) |
 * | `boolean` | `BOOLEAN` | BOOLEAN |
 * | `date` | `DATE` | DATE on INT32 |
 * | `datetime` | `TIMESTAMPTZ` | TIMESTAMP(MICROS, isAdjustedToUTC=true) on INT64 |
 * | `datetime`, `wallClock` | `TIMESTAMP` (the local wall-clock time) | TIMESTAMP(MICROS, isAdjustedToUTC=false) on INT64 |
 * | `string` | `VARCHAR` | BYTE_ARRAY, UTF-8 string |
 *
 * Every column is written OPTIONAL (DuckDB's choice) though it holds no null. A
 * dictionary column of a batch (codes into at most 65,535 distinct strings) is
 * appended as an ENUM of its distinct strings, which the appender casts to the
 * staging `VARCHAR`: the file is the same as for the same strings given as text.
 * (The staging column cannot be an ENUM itself: dictionaries arrive with the
 * batches, after the table is created.)
 *
 * Timestamps are microseconds: DuckDB writes a UTC-adjusted timestamp only from
 * `TIMESTAMPTZ`, whose unit is the microsecond (its millisecond type, `TIMESTAMP_MS`,
 * is written with isAdjustedToUTC=false). Values are whole milliseconds times 1,000.
 *
 * The bytes depend only on the rows and on DuckDB's version (recorded as
 * {@linkcode Encoding.writerVersion}; the file's `created_by` names it): the thread
 * count is fixed, insertion order is kept, and nothing time-, path- or
 * locale-dependent is written.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBType,
  DuckDBVector,
} from "@duckdb/node-api";
import type { Column, Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { SinkResult } from "../sink/file_sink.ts";
import { awaitStep, type Steps } from "../steps.ts";
import type { Encoding, EncodingTarget, TableEncoder } from "./encoding.ts";

type DuckModule = typeof import("@duckdb/node-api");

/** Rows in each Parquet row group but the last (DuckDB's default, 60 × 2,048). */
export const ROW_GROUP_SIZE = 122_880;

/** DuckDB threads of the Parquet writer, fixed so bytes never depend on the machine. */
export const PARQUET_THREADS = 1;

/** Rows per appended chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** Most distinct values of a dictionary column appended as an ENUM (else VARCHAR). */
const MAX_ENUM = 65_535;

/** Bytes read at a time when hashing a written file. */
const HASH_READ = 1 << 20;

/** Settings of a Parquet encoding made by {@linkcode parquetEncoding}. */
export interface ParquetOptions {
  /** DuckDB threads for writing, ≥ 1 (default {@linkcode PARQUET_THREADS}). */
  threads?: number;
  /** Rows per row group, ≥ 1 (default {@linkcode ROW_GROUP_SIZE}). */
  rowGroupSize?: number;
  /**
   * A folder where DuckDB may spill staging data beyond `memoryLimit` (its files
   * there are removed when done; the bytes written are the same). Default: none, so
   * every table being written must fit in memory, or writing fails.
   */
  spillDirectory?: string;
  /**
   * DuckDB `memory_limit`, e.g. "2GB" (default: DuckDB's, 80% of RAM). Writing needs
   * about one row group's worth of memory besides what it spills.
   */
  memoryLimit?: string;
}

/** The DuckDB instance a dataset's Parquet files share. */
interface SharedDuck {
  mod: DuckModule;
  instance: DuckDBInstance;
}

function* loadDuckDb(): Steps<DuckModule> {
  return yield* awaitStep(import("@duckdb/node-api"));
}

function* openDuck(options: ParquetOptions): Steps<SharedDuck> {
  const mod = yield* loadDuckDb();
  const config: Record<string, string> = {
    threads: String(options.threads ?? PARQUET_THREADS),
    preserve_insertion_order: "true",
    temp_directory: options.spillDirectory ?? "",
    // No extension is needed: never look for or download one.
    autoload_known_extensions: "false",
    autoinstall_known_extensions: "false",
  };
  if (options.memoryLimit !== undefined) {
    config.memory_limit = options.memoryLimit;
  }
  const instance = yield* awaitStep(
    mod.DuckDBInstance.create(":memory:", config),
  );
  return { mod, instance };
}

/** SQL identifier in double quotes. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQL string literal. */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The staging (and Parquet) type of a column: see the module table.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { col } from "../schema/table.ts";
 * strictEqual(parquetColumnType(col.num("confidence", 4, "NLU confidence")), "DECIMAL(5,4)");
 * strictEqual(parquetColumnType(col.ts("started_at", "Start")), "TIMESTAMPTZ");
 * strictEqual(parquetColumnType({ ...col.ts("local_at", "Local"), wallClock: true }), "TIMESTAMP");
 * ```
 */
export function parquetColumnType(c: Column): string {
  switch (c.type) {
    case "integer":
      return c.int64 ? "BIGINT" : "INTEGER";
    case "number": {
      const scale = c.decimals ?? 4;
      return `DECIMAL(${c.precision ?? scale + 1},${scale})`;
    }
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "DATE";
    case "datetime":
      return c.wallClock ? "TIMESTAMP" : "TIMESTAMPTZ";
    case "string":
      return "VARCHAR";
  }
}

/** Copies rows `s..s + n − 1` of a batch column into rows `0..n − 1` of a chunk's vector. */
type Fill = (v: DuckDBVector, batch: RowBatch, s: number, n: number) => void;

/** The fill of column `c` of `table` (values as {@linkcode RowBatch} holds them). */
function fillFor(mod: DuckModule, table: Table, c: number): Fill {
  const column = table.columns[c];
  switch (column.type) {
    case "integer":
      if (column.int64) {
        return (v, b, s, n) => {
          const x = b.numbers[c]!;
          for (let i = 0; i < n; i++) v.setItem(i, BigInt(x[s + i]));
        };
      }
      return (v, b, s, n) => {
        const x = b.numbers[c]!;
        for (let i = 0; i < n; i++) v.setItem(i, x[s + i]);
      };
    case "number": {
      const scale = column.decimals ?? 4;
      const width = column.precision ?? scale + 1;
      // DuckDB stores whatever fits the physical integer: check the precision here.
      const limit = 10 ** width;
      return (v, b, s, n) => {
        const x = b.numbers[c]!;
        for (let i = 0; i < n; i++) {
          const units = x[s + i];
          if (!(Math.abs(units) < limit)) {
            throw new RangeError(
              `${units} units do not fit DECIMAL(${width},${scale})`,
            );
          }
          v.setItem(i, new mod.DuckDBDecimalValue(BigInt(units), width, scale));
        }
      };
    }
    case "boolean":
      return (v, b, s, n) => {
        const x = b.flags[c]!;
        for (let i = 0; i < n; i++) v.setItem(i, x[s + i] === 1);
      };
    case "date":
      return (v, b, s, n) => {
        const x = b.numbers[c]!;
        for (let i = 0; i < n; i++) {
          v.setItem(i, new mod.DuckDBDateValue(x[s + i]));
        }
      };
    case "datetime":
      if (column.wallClock) {
        return (v, b, s, n) => {
          const x = b.numbers[c]!, off = b.offsets[c]!;
          for (let i = 0; i < n; i++) {
            const ms = x[s + i] + off[s + i] * 60_000;
            v.setItem(i, new mod.DuckDBTimestampValue(BigInt(ms) * 1000n));
          }
        };
      }
      return (v, b, s, n) => {
        const x = b.numbers[c]!;
        for (let i = 0; i < n; i++) {
          v.setItem(
            i,
            new mod.DuckDBTimestampTZValue(BigInt(x[s + i]) * 1000n),
          );
        }
      };
    case "string":
      return (v, b, s, n) => {
        const codes = b.codes[c];
        if (codes) {
          const dict = b.dictionaries[c]!;
          for (let i = 0; i < n; i++) {
            const text = dict[codes[s + i]];
            if (text === undefined) {
              throw new RangeError(
                `code ${
                  codes[s + i]
                } is not in its dictionary of ${dict.length}`,
              );
            }
            v.setItem(i, text);
          }
        } else {
          const x = b.texts[c]!;
          for (let i = 0; i < n; i++) v.setItem(i, x[s + i]);
        }
      };
  }
}

/** The message of an error, as one sentence fragment. */
function causeOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0].trim();
}

let stagingSerial = 0;

class ParquetTableEncoder implements TableEncoder {
  #duck: SharedDuck;
  #connection: DuckDBConnection;
  #appender: DuckDBAppender | undefined;
  /** The staging table's column types. */
  #types: DuckDBType[] = [];
  /** The chunk rows go through, and the dictionaries its ENUM columns hold. */
  #chunk: DuckDBDataChunk | undefined;
  #chunkDictionaries: (readonly string[] | undefined)[] = [];
  #fills: Fill[];
  #staging: string;
  #names: string[];
  #files: string[];
  #options: ParquetOptions;
  #rows = 0;
  #table: Table;
  #done = false;

  constructor(
    duck: SharedDuck,
    connection: DuckDBConnection,
    appender: DuckDBAppender,
    staging: string,
    table: Table,
    names: string[],
    files: string[],
    options: ParquetOptions,
  ) {
    this.#duck = duck;
    this.#connection = connection;
    this.#appender = appender;
    this.#staging = staging;
    this.#table = table;
    this.#names = names;
    this.#files = files;
    this.#options = options;
    for (let c = 0; c < appender.columnCount; c++) {
      this.#types.push(appender.columnType(c));
    }
    this.#fills = table.columns.map((_, c) => fillFor(duck.mod, table, c));
  }

  /**
   * A chunk for `batch`'s rows: the staging table's types, except that a dictionary
   * column with at most {@linkcode MAX_ENUM} distinct values is an ENUM of them
   * (codes are copied, not strings; the appender casts to VARCHAR). Made again only
   * when a batch brings other dictionaries.
   */
  #chunkFor(batch: RowBatch): DuckDBDataChunk {
    const dicts = batch.dictionaries;
    if (
      this.#chunk &&
      dicts.every((d, c) => d === this.#chunkDictionaries[c])
    ) {
      return this.#chunk;
    }
    const types = this.#types.map((t, c) => {
      const d = dicts[c];
      if (!d) return t;
      const distinct = [...new Set(d)];
      return distinct.length > 0 && distinct.length <= MAX_ENUM
        ? this.#duck.mod.ENUM(distinct)
        : t;
    });
    this.#chunk = this.#duck.mod.DuckDBDataChunk.create(types, CHUNK_ROWS);
    this.#chunkDictionaries = [...dicts];
    return this.#chunk;
  }

  #fail(e: unknown): Error {
    return new Error(`Cannot write ${this.#names[0]}: ${causeOf(e)}`, {
      cause: e,
    });
  }

  write(batch: RowBatch): void {
    if (batch.table.name !== this.#table.name) {
      throw new TypeError(
        `Cannot write ${
          this.#names[0]
        }: received a batch of table ${batch.table.name}`,
      );
    }
    const appender = this.#appender;
    if (!appender) {
      throw new TypeError(`Cannot write ${this.#names[0]}: already closed`);
    }
    try {
      for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, batch.length - start);
        const chunk = this.#chunkFor(batch);
        chunk.reset();
        chunk.rowCount = n;
        for (let c = 0; c < this.#fills.length; c++) {
          const v = chunk.getColumnVector(c);
          try {
            this.#fills[c](v, batch, start, n);
          } catch (e) {
            throw new Error(
              `column ${this.#table.columns[c].name}: ${causeOf(e)}`,
            );
          }
          v.flush();
        }
        appender.appendDataChunk(chunk);
        this.#rows += n;
      }
    } catch (e) {
      throw this.#fail(e);
    }
  }

  *close(): Steps<SinkResult> {
    const first = this.#files[0];
    try {
      const appender = this.#appender;
      if (!appender) {
        throw new TypeError("already closed");
      }
      this.#appender = undefined;
      appender.closeSync();
      const threads = this.#options.threads ?? PARQUET_THREADS;
      const groups = this.#options.rowGroupSize ?? ROW_GROUP_SIZE;
      yield* awaitStep(this.#connection.run(`SET threads = ${threads}`));
      yield* awaitStep(
        this.#connection.run(
          `COPY ${this.#staging} TO ${
            literal(first)
          } (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${groups})`,
        ),
      );
      yield* awaitStep(this.#connection.run(`DROP TABLE ${this.#staging}`));
      this.#release();
      for (const copy of this.#files.slice(1)) Deno.copyFileSync(first, copy);
      const { bytes, sha256 } = yield* hashFile(first);
      this.#done = true;
      return { names: this.#names, bytes, rows: this.#rows, sha256 };
    } catch (e) {
      this.abort();
      throw this.#fail(e);
    }
  }

  /** Close the connection (the staging table goes with the instance). */
  #release(): void {
    try {
      this.#connection.disconnectSync();
    } catch { /* already closed */ }
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    const appender = this.#appender;
    this.#appender = undefined;
    try {
      appender?.closeSync();
    } catch { /* dropped below */ }
    // Dropped asynchronously; releasing the shared instance drops it anyway.
    try {
      this.#connection.run(`DROP TABLE IF EXISTS ${this.#staging}`)
        .catch(() => {})
        .finally(() => this.#release());
    } catch {
      this.#release();
    }
    for (const f of this.#files) {
      try {
        Deno.removeSync(f);
      } catch { /* never written */ }
    }
  }
}

/** Size and SHA-256 of a file, read 1 MiB at a time. */
function* hashFile(path: string): Steps<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  const buf = new Uint8Array(HASH_READ);
  let bytes = 0;
  const f = Deno.openSync(path, { read: true });
  try {
    for (;;) {
      const n = f.readSync(buf);
      if (n === null || n === 0) break;
      hash.update(buf.subarray(0, n));
      bytes += n;
      yield;
    }
  } finally {
    f.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * A Parquet encoding with the given settings; {@linkcode PARQUET} uses the defaults,
 * which every dataset must (other settings give other bytes).
 *
 * @param options Thread count, row group size, spilling.
 * @returns The encoding.
 * @throws {RangeError} When `threads` or `rowGroupSize` is not a positive integer.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runStepsAsync } from "../steps.ts";
 * import { SharedResourcePool } from "./shared.ts";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const table: Table = {
 *   name: "dim_example",
 *   grain: "One example.",
 *   columns: [col.int("id", "Key"), col.str("label", "Label")],
 *   primaryKey: ["id"],
 *   foreignKeys: [],
 * };
 * const dir = Deno.makeTempDirSync();
 * const shared = new SharedResourcePool();
 * try {
 *   const target = {
 *     lines: () => { throw new Error("Not used"); },
 *     files: (names: string[]) => names.map((n) => `${dir}/${n}`),
 *     shared,
 *   };
 *   const enc = await runStepsAsync(
 *     parquetEncoding({ rowGroupSize: 1000 }).open(table, ["dim_example.parquet"], target),
 *   );
 *   const b = new RowBatch(table, 2);
 *   b.numbers[0]![0] = 1;
 *   b.texts[1]![0] = "one";
 *   b.numbers[0]![1] = 2;
 *   b.texts[1]![1] = "two";
 *   b.length = 2;
 *   enc.write(b);
 *   const r = await runStepsAsync(enc.close());
 *   strictEqual(r.rows, 2);
 *   strictEqual(r.bytes, Deno.statSync(`${dir}/dim_example.parquet`).size);
 * } finally {
 *   shared.releaseAll();
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function parquetEncoding(options: ParquetOptions = {}): Encoding {
  for (const key of ["threads", "rowGroupSize"] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new RangeError(`Parquet ${key} must be a positive integer: ${v}`);
    }
  }
  return {
    name: "parquet",
    format: "parquet",
    mediaType: "application/vnd.apache.parquet",
    *writerVersion(): Steps<string | undefined> {
      const mod = yield* loadDuckDb();
      return mod.version();
    },
    *open(
      table: Table,
      names: string[],
      target: EncodingTarget,
    ): Steps<TableEncoder> {
      const files = target.files(names);
      let connection: DuckDBConnection | undefined;
      const stagingName = `staging_${++stagingSerial}_${table.name}`;
      const staging = ident(stagingName);
      try {
        const duck = yield* target.shared.use(
          "duckdb",
          () => openDuck(options),
          (d) => d.instance.closeSync(),
        );
        connection = yield* awaitStep(duck.instance.connect());
        const columns = table.columns.map((c) =>
          `${ident(c.name)} ${parquetColumnType(c)} NOT NULL`
        );
        yield* awaitStep(
          connection.run(`CREATE TABLE ${staging} (${columns.join(", ")})`),
        );
        const appender = yield* awaitStep(
          connection.createAppender(stagingName),
        );
        return new ParquetTableEncoder(
          duck,
          connection,
          appender,
          staging,
          table,
          names,
          files,
          options,
        );
      } catch (e) {
        try {
          connection?.disconnectSync();
        } catch { /* closed with the instance */ }
        throw new Error(`Cannot write ${names[0]}: ${causeOf(e)}`, {
          cause: e,
        });
      }
    },
  };
}

/** The Parquet encoding of chatsynth datasets (default settings). */
export const PARQUET: Encoding = parquetEncoding();
