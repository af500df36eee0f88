/**
 * SQL text derived from the table definitions (lib/schema/tables.ts): the portable DDL
 * of each representation and the load scripts for DuckDB (text and Parquet files) and
 * PostgreSQL (text files)
 * (docs/design.md §10). `deno task sql` writes them into `sql/`; a test fails when the
 * committed files differ from what this module derives, so the DDL cannot drift from
 * the CSV headers.
 *
 * Types: `integer` → `INTEGER` (`BIGINT` for keys and milliseconds that may pass
 * 2^31 − 1), `number` → `DECIMAL(precision, decimals)` (values are written as fixed
 * decimals), `string` → `VARCHAR`, `boolean` → `BOOLEAN`, `date` → `DATE`, `datetime`
 * → `TIMESTAMP WITH TIME ZONE` (UTC instants; the raw `session_start_local`, a local
 * wall-clock time, is a `TIMESTAMP`). Every column is `NOT NULL`.
 *
 * @module
 */
import { sqlType, type Table } from "../schema/table.ts";

export { sqlType };
import { RAW_TURN, SNOWFLAKE_TABLES, STAR_TABLES } from "../schema/tables.ts";
import type { EncodingChoice } from "../config/schema.ts";
import type { Representation } from "./representation.ts";

/** The tables of a representation, in the order the files list them. */
export function representationTables(rep: Representation): readonly Table[] {
  return rep === "raw"
    ? [RAW_TURN]
    : rep === "star"
    ? STAR_TABLES
    : SNOWFLAKE_TABLES;
}

/**
 * Tables in load order: every table after the tables its foreign keys reference,
 * otherwise in the given order (a stable topological sort).
 *
 * @param tables Tables of one schema.
 * @returns The same tables, referenced before referencing.
 * @throws {Error} When the foreign keys form a cycle or name a table not in `tables`.
 *
 * @example
 * ```ts
 * import { STAR_TABLES } from "../schema/tables.ts";
 * const order = loadOrder(STAR_TABLES).map((t) => t.name);
 * // A table loads after the tables its foreign keys reference.
 * if (!(order.indexOf("fact_session") < order.indexOf("fact_turn"))) throw new Error(order.join());
 * ```
 */
export function loadOrder(tables: readonly Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const order: Table[] = [];
  const visit = (t: Table, path: string[]) => {
    if (done.has(t.name)) return;
    if (path.includes(t.name)) {
      throw new Error(
        `Foreign keys form a cycle: ${[...path, t.name].join(" → ")}`,
      );
    }
    for (const fk of t.foreignKeys) {
      if (fk.table === t.name) continue;
      const parent = byName.get(fk.table);
      if (!parent) {
        throw new Error(
          `Table "${t.name}" references "${fk.table}", which is not in the schema`,
        );
      }
      visit(parent, [...path, t.name]);
    }
    done.add(t.name);
    order.push(t);
  };
  for (const t of tables) visit(t, []);
  return order;
}

/** A comment's text: one line, and no `;` (scripts are split at a `;` ending a line). */
function comment(text: string): string {
  return text.replace(/\s+/g, " ").replaceAll(";", ",").trim();
}

const HEADER: Record<Representation, string> = {
  raw:
    "The raw log: one row per turn (a JSONL line), session and user context denormalized.",
  star: "Star schema: two facts and denormalized dimensions.",
  snowflake:
    "Snowflake schema: the same facts, dimensions normalized into hierarchies.",
};

const GENERATED =
  "Generated from lib/schema/tables.ts by `deno task sql`; do not edit.";

/** `schema.table` as written in every SQL file. */
export function qualified(rep: Representation, table: string): string {
  return `${rep}.${table}`;
}

/**
 * The DDL of one representation: `CREATE SCHEMA IF NOT EXISTS <rep>;` and one
 * `CREATE TABLE` per table in load order, with column comments, `NOT NULL` on every
 * column, the primary key, unique constraints and foreign keys. Runs unchanged in
 * DuckDB and PostgreSQL 15.
 *
 * @param rep "raw", "star" or "snowflake" (the SQL schema name).
 * @returns SQL text ending in a newline.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(schemaDdl("star").includes("CREATE TABLE star.fact_turn ("), true);
 * ```
 */
export function schemaDdl(rep: Representation): string {
  const lines = [
    `-- ${HEADER[rep]}`,
    `-- ${GENERATED}`,
    "-- Runs unchanged in DuckDB and PostgreSQL. TIMESTAMP WITH TIME ZONE columns hold UTC instants.",
    `CREATE SCHEMA IF NOT EXISTS ${rep};`,
  ];
  for (const t of loadOrder(representationTables(rep))) {
    const items: string[] = t.columns.map((c) => {
      const unit = c.unit ? ` (${c.unit})` : "";
      return `  ${c.name} ${sqlType(c)} NOT NULL, -- ${
        comment(c.description)
      }${unit}`;
    });
    const constraints = [
      `PRIMARY KEY (${t.primaryKey.join(", ")})`,
      ...t.columns.filter((c) => c.unique).map((c) => `UNIQUE (${c.name})`),
      ...t.foreignKeys.map((fk) =>
        `FOREIGN KEY (${fk.fields.join(", ")}) REFERENCES ${
          qualified(rep, fk.table)
        } (${fk.references.join(", ")})`
      ),
    ];
    lines.push(
      "",
      `-- ${comment(t.grain)}`,
      `CREATE TABLE ${qualified(rep, t.name)} (`,
      ...items,
      ...constraints.map((c, i) =>
        `  ${c}${i < constraints.length - 1 ? "," : ""}`
      ),
      ");",
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The data file of a table, relative to the dataset folder: in text, JSON Lines for
 * the raw log and CSV for the schemas; in Parquet, `<rep>/<table>.parquet`.
 *
 * @param rep The representation.
 * @param table The table (only its name is read).
 * @param encoding "text" (the default) or "parquet".
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(dataFile("raw", { name: "turns" }), "raw/turns.jsonl");
 * strictEqual(dataFile("star", { name: "dim_user" }, "parquet"), "star/dim_user.parquet");
 * ```
 */
export function dataFile(
  rep: Representation,
  table: Pick<Table, "name">,
  encoding: EncodingChoice = "text",
): string {
  const ext = encoding === "parquet"
    ? "parquet"
    : rep === "raw"
    ? "jsonl"
    : "csv";
  return `${rep}/${table.name}.${ext}`;
}

/** The `read_json` column types of the raw record: the SQL types, wall clocks as text. */
function rawJsonColumns(): string {
  return RAW_TURN.columns.map((c) =>
    `    ${c.name}: '${c.wallClock ? "VARCHAR" : sqlType(c)}'`
  ).join(",\n");
}

/**
 * The DuckDB load script of one representation: one statement per table in load
 * order, paths relative to the dataset folder (run it from there, or after `SET
 * file_search_path = '<folder>'`). CSV files load with `COPY`; the raw JSONL with
 * `read_json` and every column's type given (no type detection); a wall-clock column
 * keeps the text's first 23 characters (date and time to the millisecond, offset
 * dropped).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(duckdbLoadScript("star").includes("COPY star.dim_user FROM 'star/dim_user.csv'"), true);
 * ```
 */
export function duckdbLoadScript(rep: Representation): string {
  const lines = [
    `-- Load the ${rep} representation into DuckDB, after sql/schema/${rep}.sql.`,
    `-- ${GENERATED}`,
    "-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.",
  ];
  for (const t of loadOrder(representationTables(rep))) {
    const file = dataFile(rep, t);
    if (rep === "raw") {
      const select = t.columns.map((c) =>
        c.wallClock
          ? `CAST(left(${c.name}, 23) AS TIMESTAMP) AS ${c.name}`
          : c.name
      );
      lines.push(
        `INSERT INTO ${qualified(rep, t.name)}`,
        `SELECT ${select.join(", ")}`,
        `FROM read_json('${file}', format = 'newline_delimited', columns = {`,
        rawJsonColumns(),
        "});",
      );
    } else {
      lines.push(
        `COPY ${
          qualified(rep, t.name)
        } FROM '${file}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The DuckDB load script of one representation's Parquet files: one `INSERT INTO …
 * BY NAME SELECT * FROM read_parquet(…)` per table in load order, paths relative to
 * the dataset folder (as in {@linkcode duckdbLoadScript}). Columns are matched by
 * name; the files hold the DDL's types, so nothing is cast (`bench` checks each
 * file's columns and types before loading it).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(
 *   duckdbParquetLoadScript("star").includes(
 *     "INSERT INTO star.dim_user BY NAME SELECT * FROM read_parquet('star/dim_user.parquet');",
 *   ),
 *   true,
 * );
 * ```
 */
export function duckdbParquetLoadScript(rep: Representation): string {
  const lines = [
    `-- Load the ${rep} representation's Parquet files into DuckDB, after sql/schema/${rep}.sql.`,
    `-- ${GENERATED}`,
    "-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.",
  ];
  for (const t of loadOrder(representationTables(rep))) {
    lines.push(
      `INSERT INTO ${
        qualified(rep, t.name)
      } BY NAME SELECT * FROM read_parquet('${dataFile(rep, t, "parquet")}');`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The PostgreSQL load script of the star or snowflake representation: psql `\copy`
 * meta-commands in load order, paths relative to the dataset folder (run `psql -f`
 * from there). `HEADER match` makes PostgreSQL check each CSV header against the
 * table's columns.
 *
 * @throws {Error} For "raw": the raw log loads into DuckDB only.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(
 *   postgresLoadScript("star").includes(
 *     "\\copy star.fact_turn FROM 'star/fact_turn.csv' WITH (FORMAT csv, HEADER match)",
 *   ),
 *   true,
 * );
 * ```
 */
export function postgresLoadScript(rep: Representation): string {
  if (rep === "raw") {
    throw new Error("The raw log has no PostgreSQL load script");
  }
  const lines = [
    `-- Load the ${rep} representation into PostgreSQL, after sql/schema/${rep}.sql:`,
    "-- psql -v ON_ERROR_STOP=1 -f <this file>, from the dataset folder.",
    `-- ${GENERATED}`,
  ];
  for (const t of loadOrder(representationTables(rep))) {
    lines.push(
      `\\copy ${qualified(rep, t.name)} FROM '${
        dataFile(rep, t)
      }' WITH (FORMAT csv, HEADER match)`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Every file under `sql/` that this module derives, by path relative to `sql/`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(Object.keys(derivedSqlFiles()).includes("schema/star.sql"), true);
 * ```
 */
export function derivedSqlFiles(): Record<string, string> {
  return {
    "schema/raw.sql": schemaDdl("raw"),
    "schema/star.sql": schemaDdl("star"),
    "schema/snowflake.sql": schemaDdl("snowflake"),
    "load/duckdb/raw.sql": duckdbLoadScript("raw"),
    "load/duckdb/star.sql": duckdbLoadScript("star"),
    "load/duckdb/snowflake.sql": duckdbLoadScript("snowflake"),
    "load/duckdb/raw_parquet.sql": duckdbParquetLoadScript("raw"),
    "load/duckdb/star_parquet.sql": duckdbParquetLoadScript("star"),
    "load/duckdb/snowflake_parquet.sql": duckdbParquetLoadScript("snowflake"),
    "load/postgres/star.sql": postgresLoadScript("star"),
    "load/postgres/snowflake.sql": postgresLoadScript("snowflake"),
  };
}
