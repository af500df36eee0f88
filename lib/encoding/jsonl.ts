/**
 * The JSON Lines encoding: one JSON object per row, members in column order, no
 * spaces, LF after each line: the raw turn log in the `text` encoding. Bytes are
 * those chatsynth has always written (docs/design.md §5.3).
 *
 * @module
 */
import type { Encoding, EncodingTarget, TableEncoder } from "./encoding.ts";
import type { Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import { TextCells } from "./text_cells.ts";
import type { RowSink, SinkResult } from "../sink/file_sink.ts";
import { type Steps, stepsOf } from "../steps.ts";

/** A table's JSON lines, into a line sink. */
class JsonlEncoder implements TableEncoder {
  #cells: TextCells;
  #sink: RowSink;
  #columns: number;

  constructor(table: Table, sink: RowSink) {
    // Each cell comes with its key: `{"name":` for the first column, `,"name":`
    // for the others.
    this.#cells = new TextCells(
      table,
      { string: JSON.stringify, time: '"' },
      table.columns.map((c, i) =>
        (i === 0 ? "{" : ",") + JSON.stringify(c.name) + ":"
      ),
    );
    this.#sink = sink;
    this.#columns = table.columns.length;
  }

  write(batch: RowBatch): void {
    const cells = this.#cells, n = this.#columns;
    for (let r = 0; r < batch.length; r++) {
      let line = cells.cell(batch, 0, r);
      for (let c = 1; c < n; c++) line += cells.cell(batch, c, r);
      this.#sink.row(line + "}");
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
 * JSON Lines: `{"column":value,…}` per row; strings, dates and times as JSON strings,
 * decimals as JSON numbers at their column's scale.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * import { runSteps } from "../steps.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.num("p", 4, "Probability"), col.bool("ok", "Flag")],
 * };
 * const lines: string[] = [];
 * const sink = {
 *   row: (l: string) => void lines.push(l),
 *   close: () => ({ names: ["example.jsonl"], bytes: 0, rows: lines.length, sha256: "" }),
 *   abort() {},
 * };
 * const target = { lines: () => sink, files: () => [], shared: { use: () => { throw new Error("unused"); } } };
 * const enc = runSteps(JSONL.open(t, ["example.jsonl"], target));
 * const b = new RowBatch(t, 1);
 * b.numbers[0]![0] = 7;
 * b.numbers[1]![0] = 500;
 * b.flags[2]![0] = 1;
 * b.length = 1;
 * enc.write(b);
 * strictEqual(lines[0], '{"id":7,"p":0.0500,"ok":true}');
 * // A strict parser agrees.
 * strictEqual(JSON.parse(lines[0]).p, 0.05);
 * ```
 */
export const JSONL: Encoding = {
  name: "jsonl",
  format: "jsonl",
  mediaType: "application/jsonl",
  writerVersion: () => stepsOf(undefined),
  open: (table: Table, names: string[], target: EncodingTarget) =>
    stepsOf<TableEncoder>(new JsonlEncoder(table, target.lines(names))),
};
