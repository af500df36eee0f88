/**
 * Reading a chatsynth Parquet file back (docs/design.md §11): DuckDB streams
 * `SELECT * FROM read_parquet(?)` chunk by chunk (never the whole table in memory),
 * and every value is converted to the {@linkcode RowBatch} convention exactly:
 *
 * | Parquet (as DuckDB reads it) | batch value |
 * |---|---|
 * | `INTEGER`, `BIGINT` | the integer |
 * | `DECIMAL(p,s)` | the unscaled integer (units of 10^−s), no floating point on the way |
 * | `BOOLEAN` | 0 or 1 |
 * | `DATE` | days since 1970-01-01 |
 * | `TIMESTAMP WITH TIME ZONE` | ms since the epoch |
 * | `TIMESTAMP` (a `wallClock` column) | the UTC instant of its `localOf` column, plus the offset in minutes east (local − UTC) |
 * | `VARCHAR` (or an `ENUM`) | the text |
 *
 * Since the values are equal, the lines {@linkcode TextLines} makes of decoded batches
 * are byte for byte those the text encoding (CSV or JSON Lines) writes for the same
 * rows. A file whose columns or types are not the schema table's is refused with a
 * {@linkcode UsageError} naming the file.
 *
 * `@duckdb/node-api` is imported on first use only, so commands that never read
 * Parquet never load DuckDB's native library.
 *
 * @module
 */
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBResult,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBType,
} from "@duckdb/node-api";
import type { Column, Table } from "../schema/table.ts";
import { RowBatch } from "../schema/row_batch.ts";
import type { Encoding, EncodingTarget } from "./encoding.ts";
import { csvHeader, sqlType } from "../schema/table.ts";
import type { RowSink } from "../sink/file_sink.ts";
import { runSteps } from "../steps.ts";
import { isPermissionError, UsageError } from "../errors.ts";
import { escapeControls } from "../wording.ts";

/** The largest integer a batch holds exactly, 2^53 − 1, as a bigint. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** DuckDB's vector size: rows per chunk, and per batch. */
export const PARQUET_BATCH_ROWS = 2048;

type DuckDBModule = typeof import("@duckdb/node-api");
let duckdbModule: Promise<DuckDBModule> | undefined;

/** `@duckdb/node-api`, imported once, on first use. */
function duckdb(): Promise<DuckDBModule> {
  duckdbModule ??= import("@duckdb/node-api");
  return duckdbModule;
}

/**
 * The version of the DuckDB library this process reads and writes Parquet with, e.g.
 * "v1.5.0" (what DuckDB's `version()` says).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * ok((await duckdbVersion()).length > 0);
 * ```
 */
export async function duckdbVersion(): Promise<string> {
  return (await duckdb()).version();
}

/** A DuckDB column type as the SQL of `sql/schema/` names it (an ENUM is a VARCHAR). */
function typeName(t: DuckDBType, ids: DuckDBModule["DuckDBTypeId"]): string {
  switch (t.typeId) {
    case ids.ENUM:
    case ids.VARCHAR:
      return "VARCHAR";
    case ids.TIMESTAMP_TZ:
      return "TIMESTAMP WITH TIME ZONE";
    default:
      return t.toString();
  }
}

/** How a cell is converted, by column. */
const Conv = {
  Int: 0,
  BigInt: 1,
  Decimal: 2,
  Bool: 3,
  Date: 4,
  Instant: 5,
  WallClock: 6,
  Text: 7,
} as const;
type Conv = typeof Conv[keyof typeof Conv];

function convOf(c: Column): Conv {
  switch (c.type) {
    case "integer":
      return c.int64 ? Conv.BigInt : Conv.Int;
    case "number":
      return Conv.Decimal;
    case "boolean":
      return Conv.Bool;
    case "date":
      return Conv.Date;
    case "datetime":
      return c.wallClock ? Conv.WallClock : Conv.Instant;
    case "string":
      return Conv.Text;
  }
}

/**
 * A file path as a DuckDB file pattern matching only that file: `read_parquet` reads
 * its argument as a glob, so `*`, `?` and `[` become one-character classes (a folder
 * named `a*b` must not also read `axb`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(literalPattern("data/a*b/t[1].parquet"), "data/a[*]b/t[[]1].parquet");
 * ```
 */
export function literalPattern(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** The first line of an error's message, control characters escaped. */
function firstLine(e: unknown): string {
  return escapeControls(String((e as Error)?.message ?? e).split("\n")[0]);
}

/**
 * A chatsynth Parquet file read as {@linkcode RowBatch}es of its schema table, one
 * DuckDB chunk (up to {@linkcode PARQUET_BATCH_ROWS} rows) at a time.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.num("p", 4, "Probability")],
 * };
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const db = await DuckDBInstance.create(":memory:");
 *   const con = await db.connect();
 *   await con.run(`COPY (SELECT 7::INTEGER AS id, 0.0500::DECIMAL(5,4) AS p) TO '${dir}/e.parquet'`);
 *   con.closeSync();
 *   db.closeSync();
 *   const r = await ParquetTableReader.open(`${dir}/e.parquet`, t);
 *   const b = (await r.next())!;
 *   strictEqual(b.length, 1);
 *   strictEqual(b.numbers[1]![0], 500); // 0.0500 in units of 10^-4
 *   strictEqual(await r.next(), undefined);
 *   r.close();
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class ParquetTableReader {
  /** The schema table the file holds. */
  readonly table: Table;
  /** The file as messages name it. */
  readonly shown: string;
  /** Data rows read so far. */
  rows = 0;
  #instance: DuckDBInstance;
  #connection: DuckDBConnection;
  #result: DuckDBResult;
  #batch: RowBatch;
  #convs: Conv[];
  /** For each wall-clock column, the index of its UTC column. */
  #utcOf: number[];
  /** Local wall-clock ms of the current chunk, by column (wall-clock columns only). */
  #local: (Float64Array | undefined)[];
  #closed = false;

  private constructor(
    table: Table,
    shown: string,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    result: DuckDBResult,
  ) {
    this.table = table;
    this.shown = shown;
    this.#instance = instance;
    this.#connection = connection;
    this.#result = result;
    this.#batch = new RowBatch(table, PARQUET_BATCH_ROWS);
    this.#convs = table.columns.map(convOf);
    this.#utcOf = table.columns.map((c) => {
      if (!c.wallClock) return -1;
      const i = table.columns.findIndex((u) => u.name === c.localOf);
      const u = table.columns[i];
      if (!u || u.type !== "datetime" || u.wallClock) {
        throw new TypeError(
          `Column ${table.name}.${c.name} is a wall-clock time without a UTC column (localOf ${c.localOf})`,
        );
      }
      return i;
    });
    this.#local = table.columns.map((c) =>
      c.wallClock ? new Float64Array(PARQUET_BATCH_ROWS) : undefined
    );
  }

  /**
   * Open `path` and check its columns against `table`.
   *
   * @param path The Parquet file.
   * @param table The schema table it must hold (names, order and SQL types of
   *   `sql/schema/`; an ENUM passes for a VARCHAR).
   * @param shown The file as messages name it (default `path`), e.g. a dataset path.
   * @throws {UsageError} When the file cannot be read as Parquet, or its columns or
   *   types differ from the table's (naming the file and the first column that does),
   *   or DuckDB cannot be loaded for want of `--allow-ffi`.
   */
  static async open(
    path: string,
    table: Table,
    shown = path,
  ): Promise<ParquetTableReader> {
    let mod: DuckDBModule, instance: DuckDBInstance;
    try {
      mod = await duckdb();
      instance = await mod.DuckDBInstance.create(":memory:", {
        threads: "1",
      });
    } catch (e) {
      if (!isPermissionError(e)) throw e;
      throw new UsageError(
        `Cannot read "${shown}": reading Parquet loads DuckDB's native library, which needs --allow-ffi (-P grants it)`,
      );
    }
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      let result: DuckDBResult;
      const pattern = literalPattern(path);
      try {
        const files = await connection.runAndReadAll(
          "SELECT file FROM glob(?)",
          [pattern],
        );
        if (files.currentRowCount !== 1) {
          throw new Error(`no such file`);
        }
        result = await connection.stream("SELECT * FROM read_parquet(?)", [
          pattern,
        ]);
      } catch (e) {
        throw new UsageError(
          `Cannot read "${shown}" as Parquet: ${firstLine(e)}`,
        );
      }
      checkColumns(result, table, shown, mod.DuckDBTypeId);
      return new ParquetTableReader(
        table,
        shown,
        instance,
        connection,
        result,
      );
    } catch (e) {
      connection?.closeSync();
      instance.closeSync();
      throw e;
    }
  }

  /**
   * The next rows, or undefined after the last. The batch is reused: read it before
   * calling `next` again.
   *
   * @throws {UsageError} When a value is null or cannot be held (naming the file, row
   *   and column), or DuckDB fails to read the file.
   */
  async next(): Promise<RowBatch | undefined> {
    if (this.#closed) return undefined;
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await this.#result.fetchChunk();
    } catch (e) {
      throw new UsageError(`Cannot read "${this.shown}": ${firstLine(e)}`);
    }
    if (!chunk || chunk.rowCount === 0) return undefined;
    const b = this.#batch;
    b.clear();
    const n = chunk.rowCount;
    const cols = this.table.columns;
    for (let c = 0; c < cols.length; c++) {
      this.#column(chunk, c, n);
    }
    for (let c = 0; c < cols.length; c++) {
      const u = this.#utcOf[c];
      if (u < 0) continue;
      const local = this.#local[c]!, utc = b.numbers[u]!;
      const ms = b.numbers[c]!, off = b.offsets[c]!;
      for (let r = 0; r < n; r++) {
        const minutes = (local[r] - utc[r]) / 60_000;
        if (!Number.isInteger(minutes) || Math.abs(minutes) > 18 * 60) {
          this.#bad(
            r,
            c,
            `is not a whole-minute UTC offset from ${cols[u].name}`,
          );
        }
        ms[r] = utc[r];
        off[r] = minutes;
      }
    }
    b.length = n;
    this.rows += n;
    return b;
  }

  #bad(r: number, c: number, why: string): never {
    throw new UsageError(
      `Cannot read "${this.shown}": row ${this.rows + r + 1}, column ${
        this.table.columns[c].name
      } ${why}`,
    );
  }

  /**
   * Convert column `c` of `chunk` (rows 0..n−1) into the batch: one loop per column
   * type, so the per-value work is a read and a store.
   */
  #column(chunk: DuckDBDataChunk, c: number, n: number): void {
    const v = chunk.getColumnVector(c);
    const b = this.#batch;
    const nums = b.numbers[c]!;
    switch (this.#convs[c]) {
      case Conv.Int:
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as number | null;
          if (x === null) this.#bad(r, c, "is null");
          nums[r] = x;
        }
        return;
      case Conv.BigInt:
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as bigint | null;
          if (x === null) this.#bad(r, c, "is null");
          if (x > MAX_SAFE || x < -MAX_SAFE) {
            this.#bad(r, c, `is ${x}, beyond 2^53 − 1`);
          }
          nums[r] = Number(x);
        }
        return;
      case Conv.Decimal:
        // The unscaled integer: the units of 10^−scale the batch holds, exactly.
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as DuckDBDecimalValue | null;
          if (x === null) this.#bad(r, c, "is null");
          nums[r] = Number(x.value);
        }
        return;
      case Conv.Bool: {
        const flags = b.flags[c]!;
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as boolean | null;
          if (x === null) this.#bad(r, c, "is null");
          flags[r] = x ? 1 : 0;
        }
        return;
      }
      case Conv.Date:
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as DuckDBDateValue | null;
          if (x === null) this.#bad(r, c, "is null");
          nums[r] = x.days;
        }
        return;
      case Conv.Instant:
      case Conv.WallClock: {
        const out = this.#convs[c] === Conv.Instant ? nums : this.#local[c]!;
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as
            | DuckDBTimestampTZValue
            | DuckDBTimestampValue
            | null;
          if (x === null) this.#bad(r, c, "is null");
          const micros = x.micros;
          if (micros % 1000n !== 0n) {
            this.#bad(r, c, "is not a whole millisecond");
          }
          out[r] = Number(micros / 1000n);
        }
        return;
      }
      case Conv.Text: {
        const texts = b.texts[c]!;
        for (let r = 0; r < n; r++) {
          const x = v.getItem(r) as string | null;
          if (x === null) this.#bad(r, c, "is null");
          texts[r] = x;
        }
        return;
      }
    }
  }

  /** Release DuckDB (idempotent; never throws). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#connection.closeSync();
    } catch { /* already closed */ }
    try {
      this.#instance.closeSync();
    } catch { /* already closed */ }
  }
}

function checkColumns(
  result: DuckDBResult,
  table: Table,
  shown: string,
  ids: DuckDBModule["DuckDBTypeId"],
): void {
  const names = result.columnNames();
  const types = result.columnTypes();
  const want = table.columns;
  for (let i = 0; i < Math.max(names.length, want.length); i++) {
    const c = want[i];
    if (i >= names.length) {
      throw new UsageError(
        `Cannot read "${shown}" as ${table.name}: it has ${names.length} columns, the table ${want.length} (no ${c.name})`,
      );
    }
    if (!c) {
      throw new UsageError(
        `Cannot read "${shown}" as ${table.name}: unexpected column ${
          names[i]
        } (the table has ${want.length} columns)`,
      );
    }
    const got = typeName(types[i], ids);
    if (names[i] !== c.name || got !== sqlType(c)) {
      throw new UsageError(
        `Cannot read "${shown}" as ${table.name}: column ${i + 1} is ${
          names[i]
        } ${got}, expected ${c.name} ${sqlType(c)}`,
      );
    }
  }
}

/**
 * Rows as the lines a text encoding writes them (CSV or JSON Lines, through the
 * encoding itself), collected instead of written: the lines of a decoded Parquet file
 * are then byte for byte those of the text file of the same rows.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { CSV } from "./csv.ts";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.str("label", "Label")],
 * };
 * const lines = new TextLines(t, CSV);
 * const b = new RowBatch(t, 1);
 * b.numbers[0]![0] = 7;
 * b.texts[1]![0] = "a, b";
 * b.length = 1;
 * deepStrictEqual(lines.header(), ["id,label"]);
 * deepStrictEqual(lines.lines(b), ['7,"a, b"']);
 * ```
 */
export class TextLines {
  #out: string[] = [];
  #header: string[];
  #encoder;

  /**
   * Lines of `table`'s rows in `encoding`.
   *
   * @param table The table of the batches.
   * @param encoding A line-oriented text encoding (CSV or JSON Lines).
   * @throws Whatever opening the encoding throws (a binary encoding has no lines).
   */
  constructor(table: Table, encoding: Encoding) {
    const out = this.#out;
    const header: string[] = [];
    const sink: RowSink = {
      row: (l) => void out.push(l),
      close: () => ({ names: [], bytes: 0, rows: 0, sha256: "" }),
      abort() {},
    };
    const target: EncodingTarget = {
      lines: (_names, h) => {
        if (h !== undefined) header.push(h);
        return sink;
      },
      files: () => {
        throw new TypeError(`${encoding.name} is not a text encoding`);
      },
      shared: {
        use: () => {
          throw new TypeError(`${encoding.name} is not a text encoding`);
        },
      },
    };
    this.#encoder = runSteps(
      encoding.open(table, [`${table.name}.${encoding.name}`], target),
    );
    this.#header = header;
    // CSV's header is the table's; checked so a future encoding cannot drift silently.
    if (encoding.name === "csv" && header[0] !== csvHeader(table)) {
      throw new TypeError(`Unexpected CSV header for ${table.name}`);
    }
  }

  /** The lines before the first row (the CSV header; none for JSON Lines). */
  header(): string[] {
    return [...this.#header];
  }

  /** Rows `0..batch.length − 1` as lines (without line endings). */
  lines(batch: RowBatch): string[] {
    this.#out.length = 0;
    this.#encoder.write(batch);
    return this.#out.splice(0);
  }
}

/**
 * A chatsynth Parquet file as the text lines its text encoding would have: the
 * header line first (CSV), then one line per row, a chunk at a time.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { JSONL } from "./jsonl.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["at"], foreignKeys: [],
 *   columns: [col.ts("at", "When"), col.bool("ok", "Flag")],
 * };
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const db = await DuckDBInstance.create(":memory:");
 *   const con = await db.connect();
 *   await con.run(`COPY (SELECT TIMESTAMPTZ '2025-01-02 03:04:05.006+00' AS at, true AS ok) TO '${dir}/e.parquet'`);
 *   con.closeSync();
 *   db.closeSync();
 *   const r = await ParquetLines.open(`${dir}/e.parquet`, t, JSONL);
 *   deepStrictEqual(await r.next(), ['{"at":"2025-01-02T03:04:05.006Z","ok":true}']);
 *   deepStrictEqual(await r.next(), undefined);
 *   r.close();
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class ParquetLines {
  #reader: ParquetTableReader;
  #lines: TextLines;
  #header: string[] | undefined;

  private constructor(reader: ParquetTableReader, lines: TextLines) {
    this.#reader = reader;
    this.#lines = lines;
    this.#header = lines.header();
  }

  /**
   * Open `path` (see {@linkcode ParquetTableReader.open}) for the lines of `encoding`.
   *
   * @throws {UsageError} As {@linkcode ParquetTableReader.open}.
   */
  static async open(
    path: string,
    table: Table,
    encoding: Encoding,
    shown = path,
  ): Promise<ParquetLines> {
    const lines = new TextLines(table, encoding);
    const reader = await ParquetTableReader.open(path, table, shown);
    return new ParquetLines(reader, lines);
  }

  /** Data rows decoded so far. */
  get rows(): number {
    return this.#reader.rows;
  }

  /**
   * The next lines (the header with the first rows), or undefined after the last.
   *
   * @throws {UsageError} As {@linkcode ParquetTableReader.next}.
   */
  async next(): Promise<string[] | undefined> {
    const batch = await this.#reader.next();
    const head = this.#header;
    this.#header = undefined;
    if (!batch) return head?.length ? head : undefined;
    const lines = this.#lines.lines(batch);
    return head?.length ? [...head, ...lines] : lines;
  }

  /** Release DuckDB (idempotent; never throws). */
  close(): void {
    this.#reader.close();
  }
}
