/**
 * DuckDB views over the part folders of a sharded dataset (`--shard K/N`), so the
 * reference queries in `sql/queries/` run unchanged on the parts without merging
 * them (docs/design.md §12). Each table becomes a view of the same schema-qualified
 * name over a glob, `parts/* /<rep>/<table>.<ext>`, typed as in `sql/schema/`:
 * CSV through `read_csv` with every column's type given (no detection), the raw
 * JSONL through `read_json` (its wall-clock column cut to the millisecond, as the
 * load script does), Parquet through `read_parquet`.
 *
 * Run `deno run --allow-read=. --allow-write=sql/parts tools/parts_sql.ts` to write
 * `sql/parts/duckdb/<rep>.sql` and `<rep>_parquet.sql`; a test fails when the
 * committed files differ from what this module derives.
 *
 * @module
 */
import {
  dataFile,
  representationTables,
  sqlType,
} from "../lib/workload/ddl.ts";
import {
  type Representation,
  REPRESENTATIONS,
} from "../lib/workload/representation.ts";
import type { EncodingChoice } from "../lib/config/schema.ts";

/** The folder holding the part folders, as the views name it (relative). */
export const PARTS_ROOT = "parts";

const GENERATED =
  "Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.";

/** `'...'` with single quotes doubled. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The DuckDB script creating one representation's views over the part folders:
 * `CREATE SCHEMA IF NOT EXISTS <rep>;` then one `CREATE OR REPLACE VIEW` per table.
 * Paths are relative (`parts/* /...`): run it from the folder holding `parts/`, or
 * replace `'parts/` by an absolute path. DuckDB checks a glob when the view is
 * created, so run only the scripts of representations the parts hold.
 *
 * @param rep "raw", "star" or "snowflake".
 * @param encoding "text" (CSV and JSONL) or "parquet".
 * @returns SQL text ending in a newline, one statement per `;`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(
 *   partsViewsScript("star", "parquet").includes(
 *     "CREATE OR REPLACE VIEW star.fact_turn AS",
 *   ),
 *   true,
 * );
 * ```
 */
export function partsViewsScript(
  rep: Representation,
  encoding: EncodingChoice,
): string {
  const lines = [
    `-- DuckDB views of the ${rep} representation over the part folders parts/*/ (${
      encoding === "parquet" ? "Parquet files" : "text files"
    }).`,
    `-- ${GENERATED}`,
    "-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.",
    `CREATE SCHEMA IF NOT EXISTS ${rep};`,
  ];
  for (const t of representationTables(rep)) {
    const glob = literal(`${PARTS_ROOT}/*/${dataFile(rep, t, encoding)}`);
    const names = t.columns.map((c) => c.name);
    lines.push("", `CREATE OR REPLACE VIEW ${rep}.${t.name} AS`);
    if (encoding === "parquet") {
      lines.push(
        `SELECT ${names.join(", ")}`,
        `FROM read_parquet(${glob});`,
      );
    } else if (rep === "raw") {
      const select = t.columns.map((c) =>
        c.wallClock
          ? `CAST(left(${c.name}, 23) AS TIMESTAMP) AS ${c.name}`
          : c.name
      );
      lines.push(
        `SELECT ${select.join(", ")}`,
        `FROM read_json(${glob}, format = 'newline_delimited', columns = {`,
        t.columns.map((c) =>
          `    ${c.name}: '${c.wallClock ? "VARCHAR" : sqlType(c)}'`
        ).join(",\n"),
        "});",
      );
    } else {
      lines.push(
        `SELECT ${names.join(", ")}`,
        `FROM read_csv(${glob}, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {`,
        t.columns.map((c) => `    ${c.name}: '${sqlType(c)}'`).join(",\n"),
        "});",
      );
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * Every views script, keyed by its path below `sql/`:
 * `parts/duckdb/<rep>.sql` (text) and `parts/duckdb/<rep>_parquet.sql`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(Object.keys(partsSqlFiles()).length, 6);
 * ```
 */
export function partsSqlFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rep of REPRESENTATIONS) {
    files[`parts/duckdb/${rep}.sql`] = partsViewsScript(rep, "text");
    files[`parts/duckdb/${rep}_parquet.sql`] = partsViewsScript(
      rep,
      "parquet",
    );
  }
  return files;
}

if (import.meta.main) {
  const root = new URL("../sql/", import.meta.url);
  for (const [path, text] of Object.entries(partsSqlFiles())) {
    const url = new URL(path, root);
    await Deno.mkdir(new URL(".", url), { recursive: true });
    await Deno.writeTextFile(url, text);
    console.log(`sql/${path}`);
  }
}
