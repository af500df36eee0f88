/**
 * Typed rows of one schema table, held by column: what projections fill and what
 * every encoding (`lib/encoding/`) turns into bytes. A batch knows nothing of CSV,
 * JSON or Parquet; an encoder knows nothing of the model.
 *
 * Values by column type (docs/design.md §11):
 *
 * | column type | storage | value |
 * |---|---|---|
 * | `integer` | `numbers` (Float64Array) | the integer, exact up to 2^53 − 1 |
 * | `number` | `numbers` | integer units of 10^−decimals (0.1234 at 4 decimals is 1234) |
 * | `boolean` | `flags` (Uint8Array) | 0 or 1 |
 * | `date` | `numbers` | days since 1970-01-01 |
 * | `datetime` | `numbers` | ms since the epoch (UTC instant); a `wallClock` column adds `offsets`, minutes east of UTC |
 * | `string` | `texts` (string[]) or `codes` (Int32Array) into a dictionary | the text |
 *
 * A `number` is held as units, not as a float, so every encoding writes the same
 * decimal: CSV `0.1234`, JSON `0.1234`, Parquet `DECIMAL(5,4)` unscaled 1234.
 *
 * @module
 */
import type { Column, Table } from "./table.ts";

/**
 * A column's storage kind in a {@linkcode RowBatch}: see the module table.
 * `dictionary` is a `string` column whose values are codes into a fixed list.
 */
export type VectorKind = "number" | "flag" | "text" | "dictionary";

/** Dictionaries of a batch's string columns, by column name. */
export type Dictionaries = Readonly<Record<string, readonly string[]>>;

/**
 * Rows of `table`, by column, up to `capacity` rows; `length` are filled.
 *
 * Producers write `batch.numbers[c][row]` and so on for each column index `c`
 * (see {@linkcode RowBatch.index}), then set `length`. Consumers read rows
 * `0..length − 1`. A batch is reused: {@linkcode RowBatch.clear} only resets
 * `length`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { col, type Table } from "./table.ts";
 * const t: Table = {
 *   name: "dim_example",
 *   grain: "One example.",
 *   columns: [col.int("id", "Key"), col.num("score", 2, "Score"), col.str("label", "Label")],
 *   primaryKey: ["id"],
 *   foreignKeys: [],
 * };
 * const b = new RowBatch(t, 4, { label: ["low", "high"] });
 * b.numbers[0]![0] = 7;
 * b.numbers[1]![0] = 125; // 1.25 at 2 decimals
 * b.codes[2]![0] = 1; // "high"
 * b.length = 1;
 * strictEqual(b.kinds[2], "dictionary");
 * strictEqual(b.text(2, 0), "high");
 * ```
 */
export class RowBatch {
  /** The table whose columns these are. */
  readonly table: Table;
  /** Rows the vectors hold. */
  readonly capacity: number;
  /** Rows filled, 0..capacity. */
  length = 0;
  /** Storage kind by column index. */
  readonly kinds: readonly VectorKind[];
  /** `integer`, `number`, `date` and `datetime` values by column index. */
  readonly numbers: (Float64Array | undefined)[];
  /** `boolean` values (0 or 1) by column index. */
  readonly flags: (Uint8Array | undefined)[];
  /** Free `string` values by column index. */
  readonly texts: (string[] | undefined)[];
  /** Dictionary `string` values: indices into `dictionaries[c]`. */
  readonly codes: (Int32Array | undefined)[];
  /** The dictionary of each dictionary column. */
  readonly dictionaries: (readonly string[] | undefined)[];
  /** UTC offsets in minutes east, for `wallClock` datetime columns. */
  readonly offsets: (Int16Array | undefined)[];
  #index: Map<string, number>;

  /**
   * Empty storage for `capacity` rows of `table`.
   *
   * @param table The table.
   * @param capacity Rows to hold, ≥ 1.
   * @param dictionaries Fixed value lists of some `string` columns, by name (their
   *   values are then written as codes).
   * @throws {RangeError} When `capacity` is not a positive integer.
   * @throws {TypeError} When a dictionary names a column the table lacks or that is
   *   not a `string` column.
   */
  constructor(table: Table, capacity: number, dictionaries: Dictionaries = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Batch capacity must be ≥ 1: received ${capacity}`);
    }
    this.table = table;
    this.capacity = capacity;
    this.#index = new Map(table.columns.map((c, i) => [c.name, i]));
    for (const name of Object.keys(dictionaries)) {
      const c = table.columns[this.#index.get(name) ?? -1];
      if (c?.type !== "string") {
        throw new TypeError(
          `Cannot give ${table.name}.${name} a dictionary: not a string column`,
        );
      }
    }
    const n = table.columns.length;
    this.numbers = new Array(n);
    this.flags = new Array(n);
    this.texts = new Array(n);
    this.codes = new Array(n);
    this.dictionaries = new Array(n);
    this.offsets = new Array(n);
    const kinds: VectorKind[] = [];
    table.columns.forEach((c, i) => {
      const k = vectorKind(c, dictionaries[c.name] !== undefined);
      kinds.push(k);
      if (k === "number") this.numbers[i] = new Float64Array(capacity);
      if (k === "flag") this.flags[i] = new Uint8Array(capacity);
      if (k === "text") this.texts[i] = new Array<string>(capacity).fill("");
      if (k === "dictionary") {
        this.codes[i] = new Int32Array(capacity);
        this.dictionaries[i] = dictionaries[c.name];
      }
      if (c.type === "datetime" && c.wallClock) {
        this.offsets[i] = new Int16Array(capacity);
      }
    });
    this.kinds = kinds;
  }

  /**
   * Column index of `name`.
   *
   * @throws {TypeError} When the table has no such column.
   */
  index(name: string): number {
    const i = this.#index.get(name);
    if (i === undefined) {
      throw new TypeError(`Table ${this.table.name} has no column ${name}`);
    }
    return i;
  }

  /** The text of string column `c` at `row` (free or from its dictionary). */
  text(c: number, row: number): string {
    const codes = this.codes[c];
    return codes ? this.dictionaries[c]![codes[row]] : this.texts[c]![row];
  }

  /** Forget the rows (keeps the storage). */
  clear(): void {
    this.length = 0;
  }
}

/** How a column's values are held: see the table of {@linkcode RowBatch}'s module. */
export function vectorKind(c: Column, dictionary = false): VectorKind {
  switch (c.type) {
    case "integer":
    case "number":
    case "date":
    case "datetime":
      return "number";
    case "boolean":
      return "flag";
    case "string":
      return dictionary ? "dictionary" : "text";
  }
}
