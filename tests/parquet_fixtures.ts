/**
 * Parquet fixtures made by DuckDB itself, independently of chatsynth's encoder: a
 * text dataset's CSV and JSONL files converted with `read_csv` / `read_json` and
 * `COPY ... TO (FORMAT parquet)`, every column typed as `sql/schema/` types it.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlType } from "../lib/workload/ddl.ts";
import {
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../lib/schema/tables.ts";
import type { Table } from "../lib/schema/table.ts";
import {
  fingerprint,
  type Manifest,
  type ManifestFile,
  manifestJson,
} from "../lib/manifest/manifest.ts";
import { sha256File, sha256Hex } from "../lib/manifest/file_digest.ts";

/** An SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The schema table of a data file path such as "star/fact_turn.csv". */
export function tableOfPath(path: string): Table {
  const [rep, file] = path.split("/");
  const name = file.slice(0, file.lastIndexOf("."));
  const tables = rep === "raw"
    ? [RAW_TURN]
    : rep === "star"
    ? STAR_TABLES
    : SNOWFLAKE_TABLES;
  return tables.find((t) => t.name === name)!;
}

/** The SELECT reading a text data file with every column typed. */
export function typedTextSelect(abs: string, table: Table): string {
  const jsonl = abs.endsWith(".jsonl");
  const columns = table.columns.map((c) =>
    `${c.name}: '${jsonl && c.wallClock ? "VARCHAR" : sqlType(c)}'`
  ).join(", ");
  const select = table.columns.map((c) =>
    c.wallClock ? `CAST(left(${c.name}, 23) AS TIMESTAMP) AS ${c.name}` : c.name
  ).join(", ");
  return jsonl
    ? `SELECT ${select} FROM read_json(${
      sqlString(abs)
    }, format = 'newline_delimited', columns = {${columns}})`
    : `SELECT ${select} FROM read_csv(${
      sqlString(abs)
    }, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`;
}

/** Run `fn` with a fresh in-memory DuckDB connection (one thread: rows keep their order). */
export async function withDuckDB<T>(
  fn: (
    run: (sql: string) => Promise<unknown[][]>,
  ) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await db.connect();
  try {
    return await fn(async (sql) => (await con.runAndReadAll(sql)).getRows());
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Add a `.parquet` file beside each text data file of the dataset in `dir` (converted
 * by DuckDB), list them in `manifest.json` and record the encodings; with
 * `parquetOnly`, remove the text files. Returns the new manifest.
 */
export async function addParquet(
  dir: string,
  opts: { parquetOnly?: boolean } = {},
): Promise<Manifest> {
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`)) as
    & Manifest
    & { parameters: { encodings?: string[] } };
  const added: ManifestFile[] = [];
  await withDuckDB(async (run) => {
    for (const f of m.files) {
      const out = f.path.replace(/\.(csv|jsonl)$/, ".parquet");
      const abs = `${dir}/${out}`;
      await run(
        `COPY (${
          typedTextSelect(`${dir}/${f.path}`, tableOfPath(f.path))
        }) TO ${sqlString(abs)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      const d = sha256File(abs);
      added.push({ path: out, bytes: d.bytes, rows: f.rows, sha256: d.sha256 });
    }
  });
  if (opts.parquetOnly) {
    for (const f of m.files) Deno.removeSync(`${dir}/${f.path}`);
    m.files = added;
    m.parameters.encodings = ["parquet"];
  } else {
    m.files = [...m.files, ...added];
    m.parameters.encodings = ["text", "parquet"];
  }
  // The config text records the encodings, so the manifest's inputs still agree.
  m.config.text = m.config.text.replace(/^encodings:.*\n/m, "") +
    `encodings: [${m.parameters.encodings.join(", ")}]\n`;
  m.config.sha256 = sha256Hex(m.config.text);
  m.files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  m.fingerprint = fingerprint(m.files);
  Deno.writeTextFileSync(`${dir}/manifest.json`, manifestJson(m));
  return m;
}
