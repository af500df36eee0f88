/**
 * The CSV encoding (RFC 4180 with LF line endings and a header line): star and
 * snowflake tables in the `text` encoding. Bytes are those chatsynth has always
 * written (docs/design.md §5.3).
 *
 * @module
 */
import type { Encoding, EncodingTarget, TableEncoder } from "./encoding.ts";
import { csvHeader, type Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import { csvField } from "../number_format.ts";
import { TextCells } from "./text_cells.ts";
import type { RowSink, SinkResult } from "../sink/file_sink.ts";
import { type Steps, stepsOf } from "../steps.ts";

/** A table's CSV lines, into a line sink. */
class CsvEncoder implements TableEncoder {
  #cells: TextCells;
  #sink: RowSink;
  #columns: number;

  constructor(table: Table, sink: RowSink) {
    this.#cells = new TextCells(
      table,
      { string: csvField, time: "" },
      table.columns.map((_, i) => i === 0 ? "" : ","),
    );
    this.#sink = sink;
    this.#columns = table.columns.length;
  }

  write(batch: RowBatch): void {
    const cells = this.#cells, n = this.#columns;
    for (let r = 0; r < batch.length; r++) {
      let line = cells.cell(batch, 0, r);
      for (let c = 1; c < n; c++) line += cells.cell(batch, c, r);
      this.#sink.row(line);
    }
  }

  close(): Steps<SinkResult> {
    return stepsOf(this.#sink.close());
  }

  writeEncoded(bytes: Uint8Array, rows: number): void {
    if (!this.#sink.append) {
      throw new Error(
        "Cannot append encoded rows to a sink that compares lines",
      );
    }
    this.#sink.append(bytes, rows);
  }

  abort(): void {
    this.#sink.abort();
  }
}

/**
 * CSV: a header line of the column names, then one line per row; strings quoted
 * only when they hold a comma, quote or line break.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * import { runSteps } from "../steps.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.str("label", "Label")],
 * };
 * const lines: string[] = [];
 * const sink = {
 *   row: (l: string) => void lines.push(l),
 *   close: () => ({ names: ["example.csv"], bytes: 0, rows: lines.length, sha256: "" }),
 *   abort() {},
 * };
 * const target = { lines: (_n: string[], h?: string) => (lines.push(h!), sink), files: () => [], shared: { use: () => { throw new Error("unused"); } } };
 * const enc = runSteps(CSV.open(t, ["example.csv"], target));
 * const b = new RowBatch(t, 1);
 * b.numbers[0]![0] = 7;
 * b.texts[1]![0] = "a, b";
 * b.length = 1;
 * enc.write(b);
 * runSteps(enc.close());
 * strictEqual(lines.join("\n"), 'id,label\n7,"a, b"');
 * ```
 */
export const CSV: Encoding = {
  name: "csv",
  format: "csv",
  mediaType: "text/csv",
  writerVersion: () => stepsOf(undefined),
  open: (table: Table, names: string[], target: EncodingTarget) =>
    stepsOf<TableEncoder>(
      new CsvEncoder(table, target.lines(names, csvHeader(table))),
    ),
};
