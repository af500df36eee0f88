/**
 * Schema-driven CSV row serialization: values looked up by column name, written in
 * schema column order with the shared formatter. Used for dimensions; the fact hot
 * path (`SessionRowWriter` in `session_rows.ts`) writes the same format directly, and
 * tests/consistency_test.ts rebuilds its fact rows with `csvRow` byte for byte.
 *
 * @module
 */
import type { Column, Table } from "../schema/table.ts";
import { csvField, fixed, integer } from "../number_format.ts";

/** A value of one cell before formatting. */
export type CellValue = string | number | boolean;

/**
 * Format one cell for CSV by its column type.
 *
 * @throws {TypeError} When the value does not fit the column type.
 *
 * @example
 * ```ts
 * const cell = formatCell({ name: "score", type: "number", description: "A score", decimals: 2 }, 0.5);
 * if (cell !== "0.50") throw new Error(`Unexpected ${cell}`);
 * ```
 */
export function formatCell(c: Column, v: CellValue): string {
  switch (c.type) {
    case "integer":
      if (typeof v !== "number") break;
      return integer(v);
    case "number":
      if (typeof v !== "number") break;
      return fixed(v, c.decimals ?? 4);
    case "boolean":
      if (typeof v !== "boolean") break;
      return v ? "true" : "false";
    case "string":
    case "date":
    case "datetime":
      if (typeof v !== "string") break;
      return csvField(v);
  }
  throw new TypeError(
    `Cannot format column ${c.name} (${c.type}): received ${JSON.stringify(v)}`,
  );
}

/**
 * One CSV line (no line ending) for a record keyed by column name.
 *
 * @throws {TypeError} When a column is missing from the record or has the wrong type.
 *
 * @example
 * ```ts
 * import { parse } from "csv-parse/sync";
 * import type { Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "dim_example",
 *   grain: "One example.",
 *   columns: [
 *     { name: "id", type: "integer", description: "Key" },
 *     { name: "label", type: "string", description: "Free text" },
 *     { name: "ok", type: "boolean", description: "A flag" },
 *   ],
 *   primaryKey: ["id"],
 *   foreignKeys: [],
 * };
 * // Written in column order whatever the record's key order; a strict parser reads it back.
 * const line = csvRow(t, { ok: true, label: 'a, "b"', id: 7 });
 * const [row] = parse(line, { relax_quotes: false });
 * if (JSON.stringify(row) !== JSON.stringify(["7", 'a, "b"', "true"])) throw new Error(line);
 * ```
 */
export function csvRow(t: Table, record: Record<string, CellValue>): string {
  let s = "";
  for (let i = 0; i < t.columns.length; i++) {
    const c = t.columns[i];
    const v = record[c.name];
    if (v === undefined) {
      throw new TypeError(
        `Cannot write ${t.name}: no value for column ${c.name}`,
      );
    }
    if (i > 0) s += ",";
    s += formatCell(c, v);
  }
  return s;
}
