/**
 * Rows given as records keyed by column name (dimensions, users) into a
 * {@linkcode RowBatch}: the one place such a record's values are checked against
 * their column's type.
 *
 * @module
 */
import type { RowBatch } from "../schema/row_batch.ts";
import type { CellValue } from "./csv_row.ts";
import { decimalUnits } from "../number_format.ts";
import { parseIsoDate } from "../calendar/iso_date.ts";

/**
 * Append one record as the next row of `batch`: integers as they are, numbers as
 * units at their column's decimals (as `fixed` prints them), booleans, dates given
 * as `YYYY-MM-DD` strings, strings.
 *
 * @throws {TypeError} When a column is missing from the record or has the wrong type
 *   (the message names table, column and value).
 * @throws {RangeError} When the batch is full.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "dim_example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.num("p", 4, "Share"), col.date("day", "Day")],
 * };
 * const b = new RowBatch(t, 2);
 * appendRecord(b, { id: 1, p: 0.25, day: "1970-01-02" });
 * strictEqual(b.length, 1);
 * strictEqual(b.numbers[1]![0], 2500);
 * strictEqual(b.numbers[2]![0], 1);
 * ```
 */
export function appendRecord(
  batch: RowBatch,
  record: Record<string, CellValue>,
): void {
  const t = batch.table, r = batch.length;
  if (r >= batch.capacity) {
    throw new RangeError(`Batch of ${t.name} is full (${batch.capacity} rows)`);
  }
  for (let c = 0; c < t.columns.length; c++) {
    const col = t.columns[c];
    const v = record[col.name];
    const wrong = () =>
      new TypeError(
        `Cannot write ${t.name}.${col.name} (${col.type}): received ${
          JSON.stringify(v)
        }`,
      );
    switch (col.type) {
      case "integer":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) throw wrong();
        batch.numbers[c]![r] = v;
        break;
      case "number":
        if (typeof v !== "number") throw wrong();
        batch.numbers[c]![r] = decimalUnits(v, col.decimals ?? 4);
        break;
      case "boolean":
        if (typeof v !== "boolean") throw wrong();
        batch.flags[c]![r] = v ? 1 : 0;
        break;
      case "date": {
        const day = typeof v === "string" ? parseIsoDate(v) : undefined;
        if (day === undefined) throw wrong();
        batch.numbers[c]![r] = day;
        break;
      }
      case "datetime": {
        const ms = typeof v === "string" && /Z$/.test(v) ? Date.parse(v) : NaN;
        if (!Number.isFinite(ms)) throw wrong();
        batch.numbers[c]![r] = ms;
        break;
      }
      case "string":
        if (typeof v !== "string") throw wrong();
        batch.texts[c]![r] = v;
        break;
    }
  }
  batch.length = r + 1;
}
