/**
 * Query results from DuckDB (`@duckdb/node-api`) and PostgreSQL (npm `postgres`) as
 * canonical rows, and their comparison: exact for integers, decimals (at their stored
 * scale), strings, booleans, dates and timestamps; a stated relative tolerance only
 * where one side is a floating-point value (an average, a percentile, a division).
 *
 * Canonical forms, the same whichever engine produced the value:
 * - integers and DECIMAL/NUMERIC values are one decimal string ({@linkcode canonicalDecimal}):
 *   INTEGER 16, BIGINT 16, HUGEINT 16, DECIMAL(5,2) 16.00 and PostgreSQL numeric `16`
 *   are all `"16"`;
 * - REAL/FLOAT values are the shortest decimal that identifies the single-precision
 *   value, read as a double (so DuckDB FLOAT 0.1 and PostgreSQL real 0.1 are both 0.1);
 * - DATE is `YYYY-MM-DD` (proleptic Gregorian, astronomical year numbering: 1 BC is
 *   year 0000, outside 0000..9999 a sign and at least four digits);
 * - TIMESTAMP WITH TIME ZONE is the UTC instant, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`,
 *   whatever the session's time zone; TIMESTAMP (without time zone) is the same
 *   wall-clock text without `Z`; fractional seconds lose trailing zeros;
 * - infinite dates and timestamps are `infinity` and `-infinity`.
 *
 * Two things the engines do differently that canonical rows cannot undo, so queries
 * compared across engines must avoid them: column names (DuckDB keeps an alias's case
 * and names an unaliased `count(*)` `count_star()`, PostgreSQL folds to lower case and
 * says `count`: alias every column in lower case), and the session time zone
 * (`EXTRACT` and `date_trunc` on TIMESTAMP WITH TIME ZONE use it, DuckDB defaults to
 * the machine's, PostgreSQL to the server's: `SET TimeZone = 'UTC'` in both).
 *
 * @module
 */

/**
 * One value of a result, by the way it compares:
 * - `null`: SQL NULL (equal only to NULL);
 * - `exact`: an integer or DECIMAL/NUMERIC as a canonical decimal string (no exponent,
 *   no leading zeros, no trailing fractional zeros, no `-0`; `NaN`, `Infinity` and
 *   `-Infinity` for PostgreSQL's special numeric values);
 * - `float`: a REAL/DOUBLE PRECISION value (NaN and infinities included);
 * - `text`: a string, compared code unit by code unit;
 * - `bool`: a boolean;
 * - `date`: `YYYY-MM-DD`;
 * - `timestamp`: a UTC instant, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`;
 * - `local_timestamp`: a wall-clock time without time zone, `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
 */
export type Cell =
  | { kind: "null" }
  | { kind: "exact"; value: string }
  | { kind: "float"; value: number }
  | { kind: "text"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "date"; value: string }
  | { kind: "timestamp"; value: string }
  | { kind: "local_timestamp"; value: string };

/** A query result: column names in select-list order, and rows of canonical cells. */
export interface ResultSet {
  /** Column names as the engine reports them (alias every column in lower case). */
  columns: string[];
  /** Rows in result order; every row has one cell per column. */
  rows: Cell[][];
}

/**
 * What `@duckdb/node-api`'s `DuckDBResultReader` (from
 * `connection.runAndReadAll(sql)`) offers that {@linkcode fromDuckDb} reads.
 */
export interface DuckDbRows {
  /** Column names in select-list order. */
  columnNames(): string[];
  /** Column types; `typeId` is a `DuckDBTypeId`, `toString()` its SQL name. */
  columnTypes(): readonly { typeId: number; toString(): string }[];
  /** Rows of driver values (`DuckDBValue`). */
  getRows(): readonly (readonly unknown[])[];
}

/** What a `@duckdb/node-api` `DuckDBConnection` offers that {@linkcode readDuckDb} uses. */
export interface DuckDbConnectionLike {
  /** Run one statement and read every row. */
  runAndReadAll(sql: string): Promise<DuckDbRows>;
}

/**
 * A result of npm `postgres`: an array of rows with the column descriptions
 * (`name`, and `type` = the PostgreSQL type OID). Rows are arrays (`.raw()` or
 * `.values()`) or objects keyed by column name (a plain query).
 */
export interface PostgresRows
  extends
    ReadonlyArray<readonly unknown[] | Readonly<Record<string, unknown>>> {
  /** Column descriptions in select-list order. */
  readonly columns: readonly { readonly name: string; readonly type: number }[];
}

/** What an npm `postgres` client (`postgres(url)`) offers that {@linkcode readPostgres} uses. */
export interface PostgresClientLike {
  /** Run one statement given as text; `.raw()` returns every value as its text bytes. */
  unsafe(query: string): { raw(): PromiseLike<PostgresRows> };
}

/** Options of {@linkcode compareResults}. */
export interface CompareOptions {
  /**
   * Tolerance where at least one side of a cell is a float: |a − b| ≤
   * tolerance · max(1, |a|, |b|). Default 1e-9. Exact cells never use it.
   */
  relativeTolerance?: number;
  /**
   * Sort both results by their cells before comparing (for an engine whose string
   * order differs, e.g. a PostgreSQL database whose collation is not C). Row numbers in
   * a difference then count sorted rows. Default false.
   */
  orderInsensitive?: boolean;
  /** Names of the two sides in the message; default "expected" and "actual". */
  names?: { expected: string; actual: string };
}

/**
 * The first way two results differ:
 * - `columns`: names or count of columns differ (`expected`, `actual`: the names);
 * - `row`: row `row` (1-based) differs first in column `column`; `expected` and
 *   `actual` are its cells rendered by {@linkcode formatCell} (row counts may differ too);
 * - `row_count`: every common row agrees but one side has more rows; `row` (1-based) is
 *   the first row only one side has, rendered in `expected` or `actual` (the other is
 *   `null`).
 *
 * `message` is one sentence saying the same, e.g. `Row 3 differs in column total:
 * expected ("a", 16), actual ("a", 17)`.
 */
export type Difference =
  | {
    kind: "columns";
    expected: string[];
    actual: string[];
    message: string;
  }
  | {
    kind: "row";
    row: number;
    column: string;
    expected: string[];
    actual: string[];
    expectedRows: number;
    actualRows: number;
    message: string;
  }
  | {
    kind: "row_count";
    row: number;
    expected: string[] | null;
    actual: string[] | null;
    expectedRows: number;
    actualRows: number;
    message: string;
  };

// ---------------------------------------------------------------------------
// Canonical values

/**
 * The canonical form of a decimal number written as text: optional sign, digits,
 * optional fraction; leading zeros of the integer part and trailing zeros of the
 * fraction removed, `-0` made `0`. PostgreSQL's `NaN`, `Infinity` and `-Infinity` are
 * kept as they are.
 *
 * @param text A decimal such as `"-007.500"` (no exponent).
 * @returns The canonical decimal, e.g. `"-7.5"`.
 * @throws {Error} If `text` is not a decimal number.
 * @example
 * ```ts
 * import { canonicalDecimal } from "./result_set.ts";
 * if (canonicalDecimal("16.00") !== "16") throw new Error("16.00");
 * if (canonicalDecimal("-0.0") !== "0") throw new Error("-0.0");
 * if (canonicalDecimal("+007.250") !== "7.25") throw new Error("007.250");
 * ```
 */
export function canonicalDecimal(text: string): string {
  if (text === "NaN" || text === "Infinity" || text === "-Infinity") {
    return text;
  }
  if (text === "+Infinity") return "Infinity";
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) {
    throw new Error(`"${text}" is not a decimal number`);
  }
  const whole = m[2].replace(/^0+/, "") || "0";
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  const digits = fraction === "" ? whole : `${whole}.${fraction}`;
  return m[1] === "-" && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** `value / 10^scale` as a canonical decimal string. */
function scaledDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(
    scale + 1,
    "0",
  );
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return canonicalDecimal(
    `${negative ? "-" : ""}${whole}${scale > 0 ? "." : ""}${fraction}`,
  );
}

/** The shortest decimal that rounds to the single-precision value `x`, as a double. */
function float32Value(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const single = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(single.toPrecision(digits));
    if (Math.fround(shortest) === single) return shortest;
  }
  return Number(single.toPrecision(9));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) +
    day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian, any year). */
function civilFromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const yyyy = year >= 0 && year <= 9999
    ? String(year).padStart(4, "0")
    : `${year < 0 ? "-" : "+"}${String(Math.abs(year)).padStart(4, "0")}`;
  return `${yyyy}-${pad2(month)}-${pad2(day)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

const MICROS_PER_DAY = 86_400_000_000n;

/** ISO text of microseconds since 1970-01-01 00:00:00, with `Z` when `utc`. */
function timestampText(micros: bigint, utc: boolean): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY;
  }
  const seconds = Number(rest / 1_000_000n);
  const fraction = String(Number(rest % 1_000_000n)).padStart(6, "0").replace(
    /0+$/,
    "",
  );
  const time = `${pad2(Math.floor(seconds / 3600))}:${
    pad2(Math.floor(seconds / 60) % 60)
  }:${pad2(seconds % 60)}${fraction === "" ? "" : `.${fraction}`}`;
  return `${civilFromDays(Number(days))}T${time}${utc ? "Z" : ""}`;
}

// ---------------------------------------------------------------------------
// DuckDB

/** `DuckDBTypeId` values this module reads (`@duckdb/node-api` 1.5). */
const DUCK = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  HUGEINT: 16,
  VARCHAR: 17,
  DECIMAL: 19,
  TIMESTAMP_TZ: 31,
  UHUGEINT: 32,
  SQLNULL: 36,
} as const;

/** DuckDB's infinite DATE (days) and TIMESTAMP (microseconds) sentinels. */
const DUCK_DATE_INFINITY = 2147483647;
const DUCK_TIMESTAMP_INFINITY = 9223372036854775807n;

type Convert = (value: unknown) => Cell;

function duckConverter(typeId: number, column: string, type: string): Convert {
  const bad = (value: unknown): never => {
    throw new Error(
      `Column ${column} (${type}) holds an unexpected driver value ${
        String(value)
      }`,
    );
  };
  switch (typeId) {
    case DUCK.BOOLEAN:
      return (v) =>
        typeof v === "boolean" ? { kind: "bool", value: v } : bad(v);
    case DUCK.TINYINT:
    case DUCK.SMALLINT:
    case DUCK.INTEGER:
    case DUCK.UTINYINT:
    case DUCK.USMALLINT:
    case DUCK.UINTEGER:
    case DUCK.BIGINT:
    case DUCK.UBIGINT:
    case DUCK.HUGEINT:
    case DUCK.UHUGEINT:
      return (v) =>
        (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint"
          ? { kind: "exact", value: canonicalDecimal(v.toString()) }
          : bad(v);
    case DUCK.DECIMAL:
      return (v) => {
        const d = v as { value?: unknown; scale?: unknown };
        return typeof d.value === "bigint" && typeof d.scale === "number"
          ? { kind: "exact", value: scaledDecimal(d.value, d.scale) }
          : bad(v);
      };
    case DUCK.FLOAT:
      return (v) =>
        typeof v === "number"
          ? { kind: "float", value: float32Value(v) }
          : bad(v);
    case DUCK.DOUBLE:
      return (v) =>
        typeof v === "number" ? { kind: "float", value: v } : bad(v);
    case DUCK.VARCHAR:
      return (v) => typeof v === "string" ? { kind: "text", value: v } : bad(v);
    case DUCK.DATE:
      return (v) => {
        const days = (v as { days?: unknown }).days;
        if (typeof days !== "number") return bad(v);
        return {
          kind: "date",
          value: Math.abs(days) === DUCK_DATE_INFINITY
            ? (days > 0 ? "infinity" : "-infinity")
            : civilFromDays(days),
        };
      };
    case DUCK.TIMESTAMP:
    case DUCK.TIMESTAMP_TZ: {
      const utc = typeId === DUCK.TIMESTAMP_TZ;
      return (v) => {
        const micros = (v as { micros?: unknown }).micros;
        if (typeof micros !== "bigint") return bad(v);
        const value = micros === DUCK_TIMESTAMP_INFINITY
          ? "infinity"
          : micros === -DUCK_TIMESTAMP_INFINITY
          ? "-infinity"
          : timestampText(micros, utc);
        return utc ? { kind: "timestamp", value } : {
          kind: "local_timestamp",
          value,
        };
      };
    }
    case DUCK.SQLNULL:
      return bad;
    default:
      throw new Error(
        `Column ${column} has type ${type}, which results cannot compare; cast it to VARCHAR, a number, DATE or TIMESTAMP`,
      );
  }
}

/**
 * Canonical rows of a DuckDB result.
 *
 * @param result What `connection.runAndReadAll(sql)` returns (a `DuckDBResultReader`,
 *   every row read).
 * @returns Column names and canonical cells.
 * @throws {Error} Naming the column and its type, for a type other than BOOLEAN,
 *   TINYINT..HUGEINT, UTINYINT..UHUGEINT, DECIMAL, FLOAT, DOUBLE, VARCHAR, DATE,
 *   TIMESTAMP, TIMESTAMP WITH TIME ZONE (a column of bare NULLs is allowed).
 * @example
 * ```ts
 * import { DuckDBInstance } from "@duckdb/node-api";
 * const connection = await (await DuckDBInstance.create(":memory:")).connect();
 * const result = fromDuckDb(await connection.runAndReadAll("SELECT 16.00::DECIMAL(5,2) AS x"));
 * const cell = result.rows[0][0];
 * if (cell.kind !== "exact" || cell.value !== "16") throw new Error(JSON.stringify(cell));
 * ```
 */
export function fromDuckDb(result: DuckDbRows): ResultSet {
  const columns = result.columnNames();
  const converters = result.columnTypes().map((t, i) =>
    duckConverter(t.typeId, columns[i], t.toString())
  );
  const rows = result.getRows().map((row) =>
    converters.map((convert, i): Cell =>
      row[i] === null ? { kind: "null" } : convert(row[i])
    )
  );
  return { columns, rows };
}

/**
 * Run one SELECT in DuckDB and return its canonical rows.
 *
 * @param connection A `@duckdb/node-api` `DuckDBConnection`.
 * @param sql One statement.
 * @returns Column names and canonical cells ({@linkcode fromDuckDb}).
 * @throws Whatever DuckDB throws for the statement, or {@linkcode fromDuckDb}'s errors.
 * @example
 * ```ts
 * import { DuckDBInstance } from "@duckdb/node-api";
 * const connection = await (await DuckDBInstance.create(":memory:")).connect();
 * const r = await readDuckDb(connection, "SELECT 1 + 1 AS two, 'a' AS letter");
 * if (JSON.stringify(r.columns) !== '["two","letter"]' || r.rows.length !== 1) throw new Error(JSON.stringify(r));
 * ```
 */
export async function readDuckDb(
  connection: DuckDbConnectionLike,
  sql: string,
): Promise<ResultSet> {
  return fromDuckDb(await connection.runAndReadAll(sql));
}

// ---------------------------------------------------------------------------
// PostgreSQL

/** PostgreSQL type OIDs this module reads, with their names for messages. */
const PG_TYPES: Record<number, string> = {
  16: "boolean",
  19: "name",
  20: "bigint",
  21: "smallint",
  23: "integer",
  25: "text",
  700: "real",
  701: "double precision",
  1042: "character",
  1043: "character varying",
  1082: "date",
  1114: "timestamp without time zone",
  1184: "timestamp with time zone",
  1700: "numeric",
};

const UTF8 = new TextDecoder("utf-8", { fatal: true });

const PG_DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const PG_TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::(\d{2})(?::(\d{2}))?)?)?( BC)?$/;
const PG_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Microseconds since 1970-01-01 of PostgreSQL's ISO timestamp text, or undefined. */
function pgMicros(text: string, zoned: boolean): bigint | undefined {
  const m = PG_TIMESTAMP.exec(text);
  if (m === null || (m[8] !== undefined) !== zoned) return undefined;
  const year = m[12] === undefined ? Number(m[1]) : 1 - Number(m[1]);
  const days = daysFromCivil(year, Number(m[2]), Number(m[3]));
  const seconds = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  const offset = m[8] === undefined ? 0 : (m[8] === "-" ? -1 : 1) *
    (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  return BigInt(days) * MICROS_PER_DAY +
    BigInt(seconds - offset) * 1_000_000n +
    BigInt((m[7] ?? "").padEnd(6, "0"));
}

function pgFloat(text: string): number | undefined {
  if (text === "NaN") return NaN;
  if (text === "Infinity") return Infinity;
  if (text === "-Infinity") return -Infinity;
  return PG_FLOAT.test(text) ? Number(text) : undefined;
}

/** A canonical cell of one PostgreSQL value given as text, or undefined if malformed. */
function pgTextCell(oid: number, text: string): Cell | undefined {
  switch (oid) {
    case 20:
    case 21:
    case 23:
    case 1700:
      return /^(?:[+-]?\d+(?:\.\d*)?|NaN|-?Infinity)$/.test(text)
        ? { kind: "exact", value: canonicalDecimal(text) }
        : undefined;
    case 700:
    case 701: {
      const value = pgFloat(text);
      if (value === undefined) return undefined;
      return {
        kind: "float",
        value: oid === 700 ? float32Value(value) : value,
      };
    }
    case 16:
      return text === "t" || text === "f"
        ? { kind: "bool", value: text === "t" }
        : undefined;
    case 19:
    case 25:
    case 1042:
    case 1043:
      return { kind: "text", value: text };
    case 1082: {
      if (text === "infinity" || text === "-infinity") {
        return { kind: "date", value: text };
      }
      const m = PG_DATE.exec(text);
      if (m === null) return undefined;
      const year = m[4] === undefined ? Number(m[1]) : 1 - Number(m[1]);
      return {
        kind: "date",
        value: civilFromDays(daysFromCivil(year, Number(m[2]), Number(m[3]))),
      };
    }
    case 1114:
    case 1184: {
      const kind = oid === 1184 ? "timestamp" : "local_timestamp";
      if (text === "infinity" || text === "-infinity") {
        return { kind, value: text };
      }
      const micros = pgMicros(text, oid === 1184);
      return micros === undefined
        ? undefined
        : { kind, value: timestampText(micros, oid === 1184) };
    }
  }
  return undefined;
}

function pgCell(
  oid: number,
  value: unknown,
  column: string,
  type: string,
): Cell {
  if (value === null || value === undefined) return { kind: "null" };
  let cell: Cell | undefined;
  if (typeof value === "string") cell = pgTextCell(oid, value);
  else if (value instanceof Uint8Array) {
    cell = pgTextCell(oid, UTF8.decode(value));
  } else if (typeof value === "boolean" && oid === 16) {
    cell = { kind: "bool", value };
  } else if (
    typeof value === "number" && (oid === 21 || oid === 23) &&
    Number.isInteger(value)
  ) {
    cell = { kind: "exact", value: canonicalDecimal(String(value)) };
  } else if (typeof value === "number" && (oid === 700 || oid === 701)) {
    cell = { kind: "float", value: oid === 700 ? float32Value(value) : value };
  } else if (value instanceof Date) {
    throw new Error(
      `Column ${column} (${type}) arrived as a JavaScript Date, which drops microseconds and depends on the local time zone; query with .raw() (readPostgres does)`,
    );
  }
  if (cell === undefined) {
    throw new Error(
      `Column ${column} (${type}) holds ${
        typeof value === "string" ? `"${value}"` : String(value)
      }, which is not in PostgreSQL's default text format (DateStyle ISO)`,
    );
  }
  return cell;
}

/**
 * Canonical rows of an npm `postgres` result. Values are best read with `.raw()`
 * (every value as its text bytes, whatever parsers the client has); strings (e.g.
 * `.values()` for bigint, numeric, text), and the client's default numbers and
 * booleans are read too. Timestamps with time zone may be in any session time zone
 * (the offset is applied); dates and timestamps must be in DateStyle ISO (the default).
 *
 * @param rows What `await sql.unsafe(text).raw()` (or `.values()`, or a plain query
 *   whose column names are distinct) returns.
 * @returns Column names and canonical cells.
 * @throws {Error} Naming the column and its type for a type other than smallint,
 *   integer, bigint, numeric, real, double precision, text, character varying,
 *   character, name, boolean, date, timestamp and timestamp with time zone; for a
 *   value parsed into a JavaScript `Date`; for text not in that type's ISO form; and
 *   for object rows whose column names repeat.
 * @example
 * Not run as a doc test: it needs a running PostgreSQL server.
 *
 * ```ts ignore
 * const sql = postgres(url);
 * const result = fromPostgres(await sql.unsafe("SELECT 16::numeric AS x").raw());
 * result.rows[0][0]; // { kind: "exact", value: "16" }
 * ```
 */
export function fromPostgres(rows: PostgresRows): ResultSet {
  const described = rows.columns ?? [];
  const columns = described.map((c) => c.name);
  const types = described.map((c) => {
    const type = PG_TYPES[c.type];
    if (type === undefined) {
      throw new Error(
        `Column ${c.name} has PostgreSQL type OID ${c.type}, which results cannot compare; cast it to text, a number, date or timestamp`,
      );
    }
    return type;
  });
  const byName = rows.length > 0 && !Array.isArray(rows[0]);
  if (byName && new Set(columns).size !== columns.length) {
    throw new Error(
      `Columns ${
        columns.join(", ")
      } repeat a name, so rows keyed by name lose values; query with .raw()`,
    );
  }
  return {
    columns,
    rows: rows.map((row) =>
      described.map((c, i) =>
        pgCell(
          c.type,
          Array.isArray(row)
            ? row[i]
            : (row as Readonly<Record<string, unknown>>)[c.name],
          c.name,
          types[i],
        )
      )
    ),
  };
}

/**
 * Run one SELECT in PostgreSQL and return its canonical rows; values are read as
 * text (`.raw()`), so the client's type parsers do not matter.
 *
 * @param sql An npm `postgres` client.
 * @param text One statement.
 * @returns Column names and canonical cells ({@linkcode fromPostgres}).
 * @throws Whatever PostgreSQL throws for the statement, or {@linkcode fromPostgres}'s
 *   errors.
 * @example
 * Not run as a doc test: it needs a running PostgreSQL server.
 *
 * ```ts ignore
 * const rows = await readPostgres(postgres(url), "SELECT count(*) AS turns FROM star.fact_turn");
 * ```
 */
export async function readPostgres(
  sql: PostgresClientLike,
  text: string,
): Promise<ResultSet> {
  return fromPostgres(await sql.unsafe(text).raw());
}

// ---------------------------------------------------------------------------
// Comparison and rendering

/**
 * A cell as text: `NULL`, a number as written (`16`, `2.5`, `NaN`), a string in double
 * quotes with JSON escapes (`"it's \"é\""`), `true`/`false`, a date or timestamp as its
 * ISO text.
 *
 * @param cell The cell.
 * @returns One line of text.
 * @example
 * ```ts
 * import { formatCell } from "./result_set.ts";
 * if (formatCell({ kind: "text", value: "a\nb" }) !== '"a\\nb"') throw new Error("text");
 * if (formatCell({ kind: "null" }) !== "NULL") throw new Error("null");
 * ```
 */
export function formatCell(cell: Cell): string {
  switch (cell.kind) {
    case "null":
      return "NULL";
    case "float":
      return String(cell.value);
    case "text":
      return JSON.stringify(cell.value);
    case "bool":
      return cell.value ? "true" : "false";
    default:
      return cell.value;
  }
}

/**
 * A row as text: its cells by {@linkcode formatCell}, comma-separated, in parentheses.
 *
 * @param cells The row.
 * @returns One line, e.g. `("web", 16, 2.5)`.
 * @example
 * ```ts
 * import { formatRow } from "./result_set.ts";
 * const row = formatRow([{ kind: "text", value: "web" }, { kind: "exact", value: "16" }]);
 * if (row !== '("web", 16)') throw new Error(row);
 * ```
 */
export function formatRow(cells: readonly Cell[]): string {
  return `(${cells.map(formatCell).join(", ")})`;
}

function isNumeric(
  cell: Cell,
): cell is Extract<Cell, { kind: "exact" | "float" }> {
  return cell.kind === "exact" || cell.kind === "float";
}

/**
 * Whether two cells agree: NULL only with NULL; two exact numbers by their canonical
 * decimal; a float with a float or an exact number within the relative tolerance
 * (NaN equals NaN, an infinity only the same infinity); anything else when kind and
 * value are the same.
 *
 * @param a One cell.
 * @param b The other.
 * @param relativeTolerance For floats: |a − b| ≤ tolerance · max(1, |a|, |b|).
 * @returns True if they agree.
 * @example
 * ```ts
 * import { cellsEqual } from "./result_set.ts";
 * if (!cellsEqual({ kind: "float", value: 2.5 }, { kind: "exact", value: "2.5" }, 1e-9)) {
 *   throw new Error("2.5");
 * }
 * ```
 */
export function cellsEqual(
  a: Cell,
  b: Cell,
  relativeTolerance: number,
): boolean {
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === "exact" && b.kind === "exact") return a.value === b.value;
    const x = Number(a.value);
    const y = Number(b.value);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return Number.isNaN(x) && Number.isNaN(y);
    }
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    return Math.abs(x - y) <=
      relativeTolerance * Math.max(1, Math.abs(x), Math.abs(y));
  }
  if (a.kind === "null" || b.kind === "null") return a.kind === b.kind;
  return a.kind === b.kind && a.value === (b as typeof a).value;
}

const KIND_ORDER: Record<Cell["kind"], number> = {
  null: 0,
  exact: 1,
  float: 1,
  text: 2,
  bool: 3,
  date: 4,
  local_timestamp: 5,
  timestamp: 6,
};

/** A total order of cells for sorting (numbers by value, NaN last; text by code unit). */
function compareCells(a: Cell, b: Cell): number {
  const rank = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (rank !== 0 || a.kind === "null" || b.kind === "null") return rank;
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a.value);
    const y = Number(b.value);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
    }
    if (x !== y) return x < y ? -1 : 1;
    if (a.kind === "exact" && b.kind === "exact" && a.value !== b.value) {
      return a.value < b.value ? -1 : 1;
    }
    return 0;
  }
  const x = String(a.value);
  const y = String((b as typeof a).value);
  return x === y ? 0 : x < y ? -1 : 1;
}

function compareRows(a: readonly Cell[], b: readonly Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareCells(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Compare two results: the same column names in the same order, then row by row with
 * {@linkcode cellsEqual}; the first difference is returned.
 *
 * @param expected The reference result (e.g. the raw representation's).
 * @param actual The result checked against it.
 * @param options Tolerance for floats (default 1e-9), order-insensitive comparison,
 *   names of the two sides in the message.
 * @returns `undefined` if they agree, else the first {@linkcode Difference}.
 * @example
 * ```ts
 * import { compareResults, type ResultSet } from "./result_set.ts";
 * const raw: ResultSet = {
 *   columns: ["channel", "turns"],
 *   rows: [[{ kind: "text", value: "web" }, { kind: "exact", value: "16" }]],
 * };
 * const star: ResultSet = {
 *   columns: ["channel", "turns"],
 *   rows: [[{ kind: "text", value: "web" }, { kind: "exact", value: "17" }]],
 * };
 * const difference = compareResults(raw, star, { names: { expected: "raw", actual: "star" } });
 * if (difference?.message !== 'Row 1 differs in column turns: raw ("web", 16), star ("web", 17)') {
 *   throw new Error(difference?.message);
 * }
 * if (compareResults(raw, raw) !== undefined) throw new Error("raw differs from itself");
 * ```
 */
export function compareResults(
  expected: ResultSet,
  actual: ResultSet,
  options: CompareOptions = {},
): Difference | undefined {
  const tolerance = options.relativeTolerance ?? 1e-9;
  const names = options.names ?? { expected: "expected", actual: "actual" };
  if (
    expected.columns.length !== actual.columns.length ||
    expected.columns.some((c, i) => c !== actual.columns[i])
  ) {
    return {
      kind: "columns",
      expected: [...expected.columns],
      actual: [...actual.columns],
      message: `Columns differ: ${names.expected} (${
        expected.columns.join(", ")
      }), ${names.actual} (${actual.columns.join(", ")})`,
    };
  }
  const sorted = (rows: Cell[][]) =>
    options.orderInsensitive ? [...rows].sort(compareRows) : rows;
  const e = sorted(expected.rows);
  const a = sorted(actual.rows);
  const counts = e.length === a.length
    ? ""
    : ` (${names.expected} has ${e.length} rows, ${names.actual} ${a.length})`;
  const sortedNote = options.orderInsensitive ? " after sorting both" : "";
  const common = Math.min(e.length, a.length);
  for (let r = 0; r < common; r++) {
    const column = e[r].findIndex((cell, i) =>
      !cellsEqual(cell, a[r][i], tolerance)
    );
    if (column < 0) continue;
    return {
      kind: "row",
      row: r + 1,
      column: expected.columns[column],
      expected: e[r].map(formatCell),
      actual: a[r].map(formatCell),
      expectedRows: e.length,
      actualRows: a.length,
      message: `Row ${r + 1}${sortedNote} differs in column ${
        expected.columns[column]
      }: ${names.expected} ${formatRow(e[r])}, ${names.actual} ${
        formatRow(a[r])
      }${counts}`,
    };
  }
  if (e.length === a.length) return undefined;
  const longer = e.length > a.length ? names.expected : names.actual;
  const extra = (e.length > a.length ? e : a)[common];
  return {
    kind: "row_count",
    row: common + 1,
    expected: e.length > common ? e[common].map(formatCell) : null,
    actual: a.length > common ? a[common].map(formatCell) : null,
    expectedRows: e.length,
    actualRows: a.length,
    message:
      `Row counts differ: ${names.expected} has ${e.length}, ${names.actual} ${a.length}; row ${
        common + 1
      }${sortedNote} is only in ${longer}: ${formatRow(extra)}`,
  };
}
