/**
 * Table definitions: the one source for CSV headers, the data dictionary, the
 * Frictionless `datapackage.json` and (later) the SQL DDL (docs/design.md §5).
 *
 * @module
 */

/** Column types, named as Frictionless Table Schema types. */
export type ColumnType =
  | "integer"
  | "number"
  | "string"
  | "boolean"
  | "date"
  | "datetime";

/** One column. */
export interface Column {
  /** Column name, snake_case, e.g. "latency_ms". */
  name: string;
  /** Value type (Frictionless Table Schema). */
  type: ColumnType;
  /** What the value means. */
  description: string;
  /** Unit, e.g. "ms", "days", "probability", "years"; omitted for unitless values. */
  unit?: string;
  /** Digits after the decimal point, for `number` columns (the SQL scale). */
  decimals?: number;
  /**
   * Total significant digits, for `number` columns (the SQL precision of
   * `DECIMAL(precision, decimals)`); `decimals + 1` when omitted (values below 10 in
   * magnitude, as probabilities and scores in [−1, 1] are).
   */
  precision?: number;
  /**
   * Values may exceed 2^31 − 1 (session and user keys, milliseconds): SQL `BIGINT`
   * instead of `INTEGER`, for `integer` columns.
   */
  int64?: boolean;
  /**
   * A `datetime` written with its UTC offset whose meaning is the local wall-clock time
   * (e.g. `2025-03-11T11:17:24.936-05:00`): SQL `TIMESTAMP` without time zone holding
   * the wall-clock time, where other datetimes are UTC instants.
   */
  wallClock?: boolean;
  /**
   * For a `wallClock` column: the name of the UTC `datetime` column of the same row
   * whose instant this is the local time of (e.g. "session_start"). An encoding that
   * stores only the wall-clock time (Parquet `TIMESTAMP`) recovers the UTC offset as
   * the difference between the two, in minutes.
   */
  localOf?: string;
  /**
   * No two rows share a value (a natural key besides the primary key); declared as
   * a Frictionless `unique` constraint.
   */
  unique?: boolean;
}

/** A foreign key: `fields` of this table reference `fields` of `table`. */
export interface ForeignKey {
  /** Columns of this table. */
  fields: string[];
  /** Name of the referenced table, e.g. "dim_user". */
  table: string;
  /** Columns of the referenced table, in the order of `fields`. */
  references: string[];
}

/** One table (a CSV file) or the raw JSONL record. */
export interface Table {
  /** File name without extension, e.g. "fact_turn". */
  name: string;
  /** One sentence: what a row is (the grain). */
  grain: string;
  /** Columns in file order. */
  columns: Column[];
  /** Columns whose values identify a row. */
  primaryKey: string[];
  /** References to other tables of the same schema. */
  foreignKeys: ForeignKey[];
}

/** Shorthand constructors keep the table literals readable. */
export const col = {
  int: (name: string, description: string, unit?: string): Column => ({
    name,
    type: "integer",
    description,
    ...(unit ? { unit } : {}),
    ...(unit === "ms" ? { int64: true } : {}),
  }),
  num: (
    name: string,
    decimals: number,
    description: string,
    unit?: string,
  ): Column => ({
    name,
    type: "number",
    decimals,
    description,
    ...(unit ? { unit } : {}),
  }),
  str: (name: string, description: string): Column => ({
    name,
    type: "string",
    description,
  }),
  bool: (name: string, description: string): Column => ({
    name,
    type: "boolean",
    description,
  }),
  date: (name: string, description: string): Column => ({
    name,
    type: "date",
    description,
  }),
  ts: (name: string, description: string): Column => ({
    name,
    type: "datetime",
    description,
  }),
};

/**
 * The column with a uniqueness constraint added.
 *
 * @example
 * ```ts
 * const email = unique(col.str("email", "E-mail address"));
 * if (email.unique !== true || email.name !== "email") throw new Error(JSON.stringify(email));
 * ```
 */
export function unique(c: Column): Column {
  return { ...c, unique: true };
}

/**
 * The column marked as possibly beyond 32 bits (SQL `BIGINT`).
 *
 * @example
 * ```ts
 * if (int64(col.int("session_key", "Session surrogate key")).int64 !== true) throw new Error("Expected int64");
 * ```
 */
export function int64(c: Column): Column {
  return { ...c, int64: true };
}

/** `fields` → `table(references)`; `references` defaults to `fields`. */
export function fk(
  fields: string | string[],
  table: string,
  references?: string | string[],
): ForeignKey {
  const f = Array.isArray(fields) ? fields : [fields];
  const r = references === undefined
    ? f
    : Array.isArray(references)
    ? references
    : [references];
  return { fields: f, table, references: r };
}

/** The CSV header line of a table: column names in schema order. */
export function csvHeader(t: Table): string {
  return t.columns.map((c) => c.name).join(",");
}

/**
 * The SQL type of a column, the same in DuckDB and PostgreSQL.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 *
 * strictEqual(sqlType(col.num("confidence", 4, "NLU confidence")), "DECIMAL(5,4)");
 * ```
 */
export function sqlType(c: Column): string {
  switch (c.type) {
    case "integer":
      return c.int64 ? "BIGINT" : "INTEGER";
    case "number": {
      const scale = c.decimals ?? 4;
      return `DECIMAL(${c.precision ?? scale + 1},${scale})`;
    }
    case "string":
      return "VARCHAR";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "DATE";
    case "datetime":
      return c.wallClock ? "TIMESTAMP" : "TIMESTAMP WITH TIME ZONE";
  }
}
