/**
 * Load one representation of a dataset into DuckDB with the repository's own scripts:
 * `sql/schema/<rep>.sql` (tables with primary keys, foreign keys and NOT NULL, all
 * enforced by DuckDB on insert), then `sql/load/duckdb/<rep>.sql` (text files) or
 * `sql/load/duckdb/<rep>_parquet.sql` (Parquet files) one statement at a time, each
 * relative file path made absolute in the dataset folder (docs/design.md §10.2).
 *
 * @module
 */
import type { EncodingChoice } from "../config/schema.ts";
import { CheckFailure } from "../errors.ts";
import type { Table } from "../schema/table.ts";
import {
  dataFile,
  loadOrder,
  qualified,
  representationTables,
  sqlType,
} from "./ddl.ts";
import type { Representation } from "./representation.ts";
import { readSql, splitStatements } from "./sql_text.ts";

/**
 * What loading needs of a `@duckdb/node-api` `DuckDBConnection` (structural, so callers
 * and tests may pass any connection with these two methods).
 */
export interface DuckDbSession {
  /** Run one or more statements. */
  run(sql: string): Promise<unknown>;
  /** Run one statement and read all its rows. */
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

/** What loading one representation took and gave. */
export interface LoadResult {
  /** The representation loaded (its SQL schema name). */
  representation: Representation;
  /** The encoding of the files loaded: "text" (JSON Lines, CSV) or "parquet". */
  encoding: EncodingChoice;
  /** Wall time of the DDL and every load statement, ms. */
  ms: number;
  /** Rows loaded, over all of its tables. */
  rows: number;
  /** Rows per table, in load order. */
  tables: { name: string; rows: number }[];
}

/** A value inside a SQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The one-sentence reason a load statement failed, naming the table and, for a
 * foreign-key violation, the key, its value and the table it should be in.
 *
 * @param rep The representation being loaded.
 * @param table The table the statement loads.
 * @param message The database's error message (DuckDB's, or PostgreSQL's message,
 *   detail and context, one per line).
 * @param encoding The encoding of the file loaded, "text" (the default) or "parquet".
 * @returns E.g. `Loading star/fact_turn.csv into star.fact_turn failed: intent_key 999
 *   has no row in star.dim_intent (foreign key violated)`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { STAR_TABLES } from "../schema/tables.ts";
 * const turn = STAR_TABLES.find((t) => t.name === "fact_turn")!;
 * const sentence =
 *   "Loading star/fact_turn.csv into star.fact_turn failed: intent_key 999 has no row in star.dim_intent (foreign key violated)";
 * strictEqual(
 *   loadFailure("star", turn, 'Constraint Error: Violates foreign key constraint because key "intent_key: 999" does not exist in the referenced table'),
 *   sentence,
 * );
 * // The same sentence, from PostgreSQL's message and detail.
 * strictEqual(
 *   loadFailure("star", turn, 'insert or update on table "fact_turn" violates foreign key constraint "fact_turn_intent_key_fkey"\nKey (intent_key)=(999) is not present in table "dim_intent".'),
 *   sentence,
 * );
 * ```
 */
export function loadFailure(
  rep: Representation,
  table: Table,
  message: string,
  encoding: EncodingChoice = "text",
): string {
  const head = `Loading ${dataFile(rep, table, encoding)} into ${
    qualified(rep, table.name)
  } failed`;
  // DuckDB: ... because key "intent_key: 999" does not exist in the referenced table;
  // PostgreSQL (detail): Key (intent_key)=(999) is not present in table "dim_intent".
  const fk = /foreign key constraint because key "([A-Za-z_]+): ([^"]*)"/i.exec(
    message,
  ) ??
    /Key \(([A-Za-z_]+)\)=\((.*)\) is not present in table "/.exec(message);
  if (fk) {
    const ref = table.foreignKeys.find((k) => k.fields[0] === fk[1]);
    const target = ref ? qualified(rep, ref.table) : "the referenced table";
    return `${head}: ${fk[1]} ${
      fk[2]
    } has no row in ${target} (foreign key violated)`;
  }
  const first = message.split("\n").map((l) => l.trim()).filter((l) => l !== "")
    .slice(0, 3).join(" ");
  return `${head}: ${first}`;
}

/** The CSV header a table's file must start with. */
function expectHeader(dir: string, rep: Representation, table: Table): void {
  const file = `${dir}/${dataFile(rep, table)}`;
  let head: string;
  try {
    const f = Deno.openSync(file);
    try {
      const buf = new Uint8Array(4096);
      const n = f.readSync(buf) ?? 0;
      head = new TextDecoder().decode(buf.subarray(0, n)).split(/\r?\n/)[0];
    } finally {
      f.close();
    }
  } catch (e) {
    throw new CheckFailure(
      `Cannot load ${qualified(rep, table.name)}: cannot read "${file}" (${
        e instanceof Error ? e.message : String(e)
      })`,
    );
  }
  const want = table.columns.map((c) => c.name).join(",");
  if (head !== want) {
    throw new CheckFailure(
      `Cannot load ${
        qualified(rep, table.name)
      }: "${file}" starts with the header "${
        head.slice(0, 200)
      }", not the schema's "${want}"`,
    );
  }
}

/**
 * Check a Parquet file's columns against the table's: the same names in the same
 * order, each of the DDL's type (DuckDB's `DESCRIBE` of `read_parquet`), so that
 * loading casts nothing.
 */
async function expectParquetColumns(
  connection: DuckDbSession,
  file: string,
  rep: Representation,
  table: Table,
): Promise<void> {
  const shown = dataFile(rep, table, "parquet");
  let rows: unknown[][];
  try {
    rows = (await connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`,
    )).getRows();
  } catch (e) {
    throw new CheckFailure(
      `Cannot load ${
        qualified(rep, table.name)
      }: cannot read "${shown}" as Parquet (${
        (e instanceof Error ? e.message : String(e)).split("\n")[0]
      })`,
    );
  }
  const got = rows.map((r) => `${r[0]} ${r[1]}`).join(", ");
  const want = table.columns.map((c) => `${c.name} ${sqlType(c)}`).join(", ");
  if (got !== want) {
    const i = table.columns.findIndex((c, i) =>
      rows[i] === undefined || `${rows[i][0]} ${rows[i][1]}` !==
        `${c.name} ${sqlType(c)}`
    );
    const at = i < 0 ? rows[table.columns.length] : rows[i];
    const expected = i < 0
      ? "no further column"
      : `${table.columns[i].name} ${sqlType(table.columns[i])}`;
    throw new CheckFailure(
      `Cannot load ${qualified(rep, table.name)}: "${shown}" has column ${
        (i < 0 ? table.columns.length : i) + 1
      } ${
        at === undefined ? "missing" : `"${at[0]} ${at[1]}"`
      }, not the schema's "${expected}"`,
    );
  }
}

/**
 * Create one representation's schema in DuckDB and load its files from a dataset
 * folder. Replaces the schema when it exists.
 *
 * @param connection An open DuckDB connection.
 * @param datasetDir The dataset folder (holding `raw/`, `star/`, `snowflake/`).
 * @param rep The representation to load.
 * @param encoding Which of its files: "text" (JSON Lines and CSV, the default) or
 *   "parquet".
 * @returns Time and row counts.
 * @throws {CheckFailure} When a file is missing, its CSV header or Parquet columns
 *   differ from the schema, or a row breaks a type, NOT NULL, primary key or foreign
 *   key: the message names the file, the table and, for a foreign key, the key and
 *   its value.
 *
 * @example
 * ```ts
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { readManifest } from "../manifest/read_manifest.ts";
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const db = await DuckDBInstance.create(":memory:");
 *   const r = await loadDuckDb(await db.connect(), out, "star");
 *   // Rows loaded into star.fact_session = data rows the manifest lists for its file.
 *   const listed = readManifest(out).manifest.files.find((f) => f.path === "star/fact_session.csv")!;
 *   if (r.tables.find((t) => t.name === "fact_session")?.rows !== listed.rows) throw new Error("Rows");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function loadDuckDb(
  connection: DuckDbSession,
  datasetDir: string,
  rep: Representation,
  encoding: EncodingChoice = "text",
): Promise<LoadResult> {
  const tables = loadOrder(representationTables(rep));
  const abs = await Deno.realPath(datasetDir);
  if (encoding === "parquet") {
    for (const t of tables) {
      await expectParquetColumns(
        connection,
        `${abs}/${dataFile(rep, t, encoding)}`,
        rep,
        t,
      );
    }
  } else if (rep !== "raw") {
    for (const t of tables) {
      expectHeader(datasetDir, rep, t);
    }
  }
  const script = `load/duckdb/${rep}${
    encoding === "parquet" ? "_parquet" : ""
  }.sql`;
  const statements = splitStatements(readSql(script));
  if (statements.length !== tables.length) {
    throw new Error(
      `sql/${script} has ${statements.length} statements for ${tables.length} tables`,
    );
  }
  const started = performance.now();
  await connection.run(`DROP SCHEMA IF EXISTS ${rep} CASCADE`);
  await connection.run(readSql(`schema/${rep}.sql`));
  for (const [i, statement] of statements.entries()) {
    // The script's relative path, made absolute as a quoted literal: a folder name
    // may hold a comma (file_search_path is a list) or a quote.
    const file = dataFile(rep, tables[i], encoding);
    const rel = `'${file}'`;
    if (!statement.includes(rel)) {
      throw new Error(`sql/${script}: no ${rel} in statement ${i + 1}`);
    }
    try {
      await connection.run(statement.replace(rel, sqlString(`${abs}/${file}`)));
    } catch (e) {
      throw new CheckFailure(
        loadFailure(
          rep,
          tables[i],
          e instanceof Error ? e.message : String(e),
          encoding,
        ),
      );
    }
  }
  const ms = performance.now() - started;
  const counts: { name: string; rows: number }[] = [];
  for (const t of tables) {
    const r = await connection.runAndReadAll(
      `SELECT count(*) FROM ${qualified(rep, t.name)}`,
    );
    counts.push({ name: t.name, rows: Number(r.getRows()[0][0]) });
  }
  return {
    representation: rep,
    encoding,
    ms,
    rows: counts.reduce((a, t) => a + t.rows, 0),
    tables: counts,
  };
}
