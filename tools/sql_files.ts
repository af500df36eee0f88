/**
 * Write the SQL files derived from the table definitions into `sql/` (`deno task sql`):
 * the DDL of each representation and the DuckDB and PostgreSQL load scripts. The
 * reference queries in `sql/queries/` are written by hand and left alone.
 *
 * @module
 */
import { derivedSqlFiles } from "../lib/workload/ddl.ts";

const root = new URL("../sql/", import.meta.url);
for (const [path, text] of Object.entries(derivedSqlFiles())) {
  const url = new URL(path, root);
  await Deno.mkdir(new URL(".", url), { recursive: true });
  await Deno.writeTextFile(url, text);
  console.log(`sql/${path}`);
}
