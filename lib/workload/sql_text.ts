/**
 * The SQL files of the repository's `sql/` folder, read where the code lives (so a
 * command run from any folder finds them), and split into statements.
 *
 * @module
 */

const SQL_ROOT = new URL("../../sql/", import.meta.url);

/**
 * The text of a file under `sql/`.
 *
 * @param path Relative to `sql/`, e.g. "schema/star.sql".
 * @returns The file's text.
 * @throws {Deno.errors.NotFound} When the file is missing (a broken checkout).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(readSql("schema/star.sql").startsWith("-- Star schema"), true);
 * ```
 */
export function readSql(path: string): string {
  return Deno.readTextFileSync(new URL(path, SQL_ROOT));
}

/**
 * The statements of a SQL script: whole-line `--` comments dropped, split after each
 * `;` that ends a line, blank statements dropped. Enough for the scripts of `sql/`
 * (no `;` at a line end inside a string); not a general SQL parser.
 *
 * @param text A script.
 * @returns Its statements, without the final `;`, trimmed.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(splitStatements("-- a comment\nSELECT 1;\nSELECT\n  2;\n"), ["SELECT 1", "SELECT\n  2"]);
 * ```
 */
export function splitStatements(text: string): string[] {
  const body = text.split("\n").filter((l) => !/^\s*--/.test(l)).join("\n");
  return body.split(/;[ \t]*(?:\n|$)/).map((s) => s.trim()).filter((s) =>
    s !== ""
  );
}
