/**
 * One cell of a {@linkcode RowBatch} as text, the way every text encoding writes it
 * (docs/design.md §5.3): integers plain, decimals at their column's scale, `true` /
 * `false`, dates `YYYY-MM-DD`, instants ISO 8601 UTC with ms and `Z`, wall-clock
 * times with their offset, strings through the encoding's quoting. CSV and JSONL
 * differ only in how a string (and a date or time) is quoted.
 *
 * @module
 */
import type { RowBatch } from "../schema/row_batch.ts";
import type { Table } from "../schema/table.ts";
import { decimal, integer, timestamp } from "../number_format.ts";
import { formatIsoDate } from "../calendar/iso_date.ts";
import { localTimestamp } from "../calendar/time_zone.ts";

/** How a text encoding quotes. */
export interface TextQuoting {
  /** A string as it appears in the file (CSV: quoted only when needed; JSON: always). */
  string(s: string): string;
  /** The quote around dates and times ("" in CSV, `"` in JSON). */
  time: string;
}

/** How a cell is written, by column. */
const Cell = {
  Integer: 0,
  Decimal: 1,
  Boolean: 2,
  Date: 3,
  Instant: 4,
  WallClock: 5,
  Text: 6,
} as const;
type Cell = typeof Cell[keyof typeof Cell];

/**
 * Cells of one table as text, each after its column's prefix (a separator or a JSON
 * key, so that a line is one concatenation per cell). Values repeat down a column (a
 * session's start and its user's name on each of its turns), so each column remembers
 * its last value and text; dictionary columns keep each entry's text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["at"], foreignKeys: [],
 *   columns: [col.ts("at", "When"), col.num("score", 4, "Score"), col.str("label", "Label")],
 * };
 * const b = new RowBatch(t, 1);
 * b.numbers[0]![0] = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
 * b.numbers[1]![0] = -1235;
 * b.texts[2]![0] = 'a "b"';
 * b.length = 1;
 * const json = new TextCells(t, { string: JSON.stringify, time: '"' });
 * strictEqual(json.cell(b, 0, 0), '"2025-01-02T03:04:05.006Z"');
 * strictEqual(json.cell(b, 1, 0), "-0.1235");
 * strictEqual(json.cell(b, 2, 0), '"a \\"b\\""');
 * // With a prefix per column (CSV's separators), returned with each cell.
 * const csv = new TextCells(t, { string: (s) => s, time: "" }, ["", ",", ","]);
 * strictEqual(csv.cell(b, 1, 0), ",-0.1235");
 * ```
 */
export class TextCells {
  #kinds: Cell[];
  #decimals: number[];
  #quoting: TextQuoting;
  #lastValue: Float64Array;
  #lastOffset: Int32Array;
  #lastText: string[];
  #lastString: (string | undefined)[];
  #prefixes: readonly string[];
  /** By column: the dictionary last seen, and its entries as prefixed cells. */
  #dictionary: (readonly string[] | undefined)[];
  #quoted: string[][];
  /** By column: the prefixed cells `false` and `true`. */
  #booleans: string[][];

  /**
   * Cells of `table`, quoted as `quoting` says.
   *
   * @param table The table whose batches this formats.
   * @param quoting The encoding's quoting.
   * @param prefixes Text before each cell, by column (default none).
   * @throws {RangeError} When `prefixes` does not have one entry per column.
   */
  constructor(
    table: Table,
    quoting: TextQuoting,
    prefixes?: readonly string[],
  ) {
    this.#quoting = quoting;
    const n = table.columns.length;
    this.#prefixes = prefixes ?? new Array<string>(n).fill("");
    if (this.#prefixes.length !== n) {
      throw new RangeError(
        `Expected ${n} cell prefixes for table ${table.name}: received ${this.#prefixes.length}`,
      );
    }
    this.#dictionary = new Array(n).fill(undefined);
    this.#quoted = new Array<string[]>(n).fill([]);
    this.#booleans = this.#prefixes.map((p) => [p + "false", p + "true"]);
    this.#kinds = table.columns.map((c) => {
      switch (c.type) {
        case "integer":
          return Cell.Integer;
        case "number":
          return Cell.Decimal;
        case "boolean":
          return Cell.Boolean;
        case "date":
          return Cell.Date;
        case "datetime":
          return c.wallClock ? Cell.WallClock : Cell.Instant;
        case "string":
          return Cell.Text;
      }
    });
    this.#decimals = table.columns.map((c) => c.decimals ?? 0);
    this.#lastValue = new Float64Array(n).fill(NaN);
    this.#lastOffset = new Int32Array(n);
    this.#lastText = new Array<string>(n).fill("");
    this.#lastString = new Array<string | undefined>(n).fill(undefined);
  }

  /**
   * Cell `c` of row `r` of `batch`, as text after column `c`'s prefix.
   *
   * @throws {RangeError} When a value cannot be written (a non-integer in an integer
   *   column, a time outside years 1970..9999).
   */
  cell(batch: RowBatch, c: number, r: number): string {
    const kind: Cell = this.#kinds[c];
    if (kind === Cell.Text) {
      const codes = batch.codes[c];
      if (codes) return this.#dictionaryText(batch, c, codes[r]);
      const v = batch.texts[c]![r];
      // A user's name repeats on each turn of a session: the same string object.
      if (v === this.#lastString[c]) return this.#lastText[c];
      const text = this.#prefixes[c] + this.#quoting.string(v);
      this.#lastString[c] = v;
      this.#lastText[c] = text;
      return text;
    }
    if (kind === Cell.Boolean) {
      return this.#booleans[c][batch.flags[c]![r] ? 1 : 0];
    }
    const v = batch.numbers[c]![r];
    const off = kind === Cell.WallClock ? batch.offsets[c]![r] : 0;
    if (v === this.#lastValue[c] && off === this.#lastOffset[c]) {
      return this.#lastText[c];
    }
    const q = this.#quoting.time;
    const text = this.#prefixes[c] +
      (kind === Cell.Integer
        ? integer(v)
        : kind === Cell.Decimal
        ? decimal(v, this.#decimals[c])
        : kind === Cell.Date
        ? q + formatIsoDate(v) + q
        : kind === Cell.Instant
        ? q + timestamp(v) + q
        : q + localTimestamp(v, off) + q);
    this.#lastValue[c] = v;
    this.#lastOffset[c] = off;
    this.#lastText[c] = text;
    return text;
  }

  #dictionaryText(batch: RowBatch, c: number, code: number): string {
    const dict = batch.dictionaries[c]!;
    if (dict !== this.#dictionary[c]) {
      const prefix = this.#prefixes[c];
      this.#quoted[c] = dict.map((s) => prefix + this.#quoting.string(s));
      this.#dictionary[c] = dict;
    }
    return this.#quoted[c][code];
  }
}
