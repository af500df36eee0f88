/**
 * The Parquet file writer behind the Parquet encoding (`parquet.ts`): one table's
 * typed rows, gathered by column into row groups of {@linkcode ROW_GROUP_SIZE}
 * rows (counted from the last {@linkcode ParquetFileWriter.cut}); each full group
 * is encoded, ZSTD-compressed and written at once, so memory holds one row group
 * whatever the table's size. It runs on the worker thread of
 * `parquet_worker.ts`, beside the generator (docs/design.md §11.3); the format
 * follows the Apache Parquet specification (`parquet.thrift`).
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { Column, Table } from "../schema/table.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { SinkResult } from "../sink/file_sink.ts";
import { constants, zstdCompressSync } from "node:zlib";
import { CompactWriter, T } from "./thrift_compact.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** Rows in each row group but the last (of the file, or before a cut). */
export const ROW_GROUP_SIZE = 122_880;

/**
 * Most bytes of a string column's page (Parquet's page sizes are 32-bit: a row group
 * closes early rather than reach 2 GiB).
 */
export const TEXT_PAGE_BYTES = 2 ** 30;

/** ZSTD compression level of every page. */
export const ZSTD_LEVEL = 3;

/** The file's first and last four bytes. */
const MAGIC = new TextEncoder().encode("PAR1");

/** Parquet enums (parquet.thrift). */
const Type = { BOOLEAN: 0, INT32: 1, INT64: 2, BYTE_ARRAY: 6 } as const;
const Encoding_ = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const CODEC_ZSTD = 6;
const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const ConvertedType = {
  UTF8: 0,
  DECIMAL: 5,
  DATE: 6,
  TIMESTAMP_MILLIS: 9,
  INT_32: 17,
  INT_64: 18,
} as const;
const REQUIRED = 0;

const utf8 = new TextEncoder();

/** True on a little-endian host, where typed arrays write Parquet's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** How a column is written, from its schema column. */
interface ColumnPlan {
  column: Column;
  physical: number;
  /** Bytes per PLAIN value of a fixed-width type. */
  width: 0 | 4 | 8;
  /** Largest |units| a DECIMAL holds (10^precision − 1), else Infinity. */
  limit: number;
}

/** The Parquet physical type and limits of a column: see the module table. */
function planOf(c: Column): ColumnPlan {
  switch (c.type) {
    case "integer":
      return c.int64
        ? { column: c, physical: Type.INT64, width: 8, limit: 2 ** 53 - 1 }
        : { column: c, physical: Type.INT32, width: 4, limit: 2 ** 31 - 1 };
    case "number": {
      const precision = c.precision ?? (c.decimals ?? 4) + 1;
      const wide = precision > 9;
      return {
        column: c,
        physical: wide ? Type.INT64 : Type.INT32,
        width: wide ? 8 : 4,
        limit: 10 ** precision - 1,
      };
    }
    case "boolean":
      return { column: c, physical: Type.BOOLEAN, width: 0, limit: 1 };
    case "date":
      return { column: c, physical: Type.INT32, width: 4, limit: 2 ** 31 - 1 };
    case "datetime":
      return { column: c, physical: Type.INT64, width: 8, limit: 2 ** 53 - 1 };
    case "string":
      return { column: c, physical: Type.BYTE_ARRAY, width: 0, limit: 0 };
  }
}

/**
 * The Parquet type of a column in words (physical type and logical type), as the
 * module table gives it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { col } from "../schema/table.ts";
 * strictEqual(parquetColumnType(col.num("confidence", 4, "NLU confidence")), "INT32 DECIMAL(5,4)");
 * strictEqual(parquetColumnType(col.ts("started_at", "Start")), "INT64 TIMESTAMP(MILLIS,UTC)");
 * strictEqual(parquetColumnType({ ...col.ts("local_at", "Local"), wallClock: true }), "INT64 TIMESTAMP(MILLIS,local)");
 * ```
 */
export function parquetColumnType(c: Column): string {
  switch (c.type) {
    case "integer":
      return c.int64 ? "INT64 INTEGER(64)" : "INT32 INTEGER(32)";
    case "number": {
      const scale = c.decimals ?? 4, precision = c.precision ?? scale + 1;
      return `${
        precision > 9 ? "INT64" : "INT32"
      } DECIMAL(${precision},${scale})`;
    }
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "INT32 DATE";
    case "datetime":
      return `INT64 TIMESTAMP(MILLIS,${c.wallClock ? "local" : "UTC"})`;
    case "string":
      return "BYTE_ARRAY STRING";
  }
}

/** A growing byte buffer. */
class Bytes {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  /** A string as PLAIN BYTE_ARRAY: 4-byte little-endian length, UTF-8 bytes. */
  byteArray(s: string): void {
    // At most 3 UTF-8 bytes per UTF-16 code unit.
    this.room(4 + s.length * 3);
    const { written } = utf8.encodeInto(s, this.buf.subarray(this.len + 4));
    this.view.setUint32(this.len, written, true);
    this.len += 4 + written;
  }

  /** Append bytes. */
  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * Values of one dictionary column for one row group: the batch dictionary's
 * distinct strings in order of first appearance in the dictionary, and each row's
 * index into them.
 */
class DictionaryColumn {
  readonly dictionary: readonly string[];
  /** Dictionary entry → index among the distinct strings. */
  readonly remap: Int32Array;
  readonly distinct: string[] = [];

  constructor(dictionary: readonly string[]) {
    this.dictionary = dictionary;
    this.remap = new Int32Array(dictionary.length);
    const seen = new Map<string, number>();
    dictionary.forEach((s, i) => {
      let k = seen.get(s);
      if (k === undefined) {
        k = this.distinct.length;
        seen.set(s, k);
        this.distinct.push(s);
      }
      this.remap[i] = k;
    });
  }
}

/** Where a column chunk was written, for the footer. */
interface ChunkMeta {
  plan: ColumnPlan;
  encodings: number[];
  values: number;
  uncompressed: number;
  compressed: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
}

/** A written row group, for the footer. */
interface RowGroupMeta {
  rows: number;
  offset: number;
  chunks: ChunkMeta[];
}

/**
 * Bit-pack `n` small non-negative integers (each below 2^width, width ≤ 24) LSB
 * first, as the RLE/bit-packing hybrid's bit-packed run lays them out.
 */
function bitPack(
  out: Bytes,
  values: Int32Array,
  n: number,
  width: number,
): void {
  out.room(Math.ceil((n * width) / 8) + 4);
  const b = out.buf;
  let pos = out.len, acc = 0, bits = 0;
  for (let i = 0; i < n; i++) {
    acc |= values[i] << bits;
    bits += width;
    while (bits >= 8) {
      b[pos++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) b[pos++] = acc & 0xff;
  out.len = pos;
}

/** PLAIN booleans: one bit each, LSB first. */
function packFlags(flags: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) {
    if (flags[i]) out[i >>> 3] |= 1 << (i & 7);
  }
  return out;
}

/** The bytes of a page header (parquet.thrift `PageHeader`). */
function pageHeader(
  type: number,
  uncompressed: number,
  compressed: number,
  values: number,
  encoding: number,
): Uint8Array {
  const w = new CompactWriter();
  w.i32(1, type);
  w.i32(2, uncompressed);
  w.i32(3, compressed);
  if (type === PageType.DATA_PAGE) {
    w.struct(5);
    w.i32(1, values);
    w.i32(2, encoding);
    w.i32(3, Encoding_.RLE);
    w.i32(4, Encoding_.RLE);
    w.stop();
  } else {
    w.struct(7);
    w.i32(1, values);
    w.i32(2, Encoding_.PLAIN);
    w.stop();
  }
  w.stop();
  return w.bytes().slice();
}

/** Writes the same bytes to every file of a path list and hashes them once. */
export class ByteOutput {
  readonly #files: Deno.FsFile[] = [];
  readonly #hash: Hash = createHash("sha256");
  /** Bytes written so far (the next byte's offset in the file). */
  offset = 0;

  /**
   * Create (or truncate) every file of `paths`.
   *
   * @param paths Where to write.
   * @param existing Open only files that exist (truncating them), never create
   *   one: a writer on another thread, whose files the owner creates and may
   *   remove first, must not bring a removed file back.
   * @throws Whatever opening one throws (`NotFound` for a missing file when
   *   `existing`); the files already opened are removed.
   */
  constructor(readonly paths: string[], existing = false) {
    try {
      for (const p of paths) {
        this.#files.push(
          Deno.openSync(p, { write: true, create: !existing, truncate: true }),
        );
      }
    } catch (e) {
      const opened = this.#files.length;
      this.close();
      for (const p of paths.slice(0, opened)) {
        try {
          Deno.removeSync(p);
        } catch {
          // Already gone.
        }
      }
      throw e;
    }
  }

  /** Append `data` to every file. */
  write(data: Uint8Array): void {
    this.#hash.update(data);
    for (const f of this.#files) {
      let off = 0;
      while (off < data.length) off += f.writeSync(data.subarray(off));
    }
    this.offset += data.length;
  }

  /** SHA-256 of every byte written, hex (once). */
  digest(): string {
    return this.#hash.digest("hex");
  }

  /** Close the files; never throws. */
  close(): void {
    for (const f of this.#files) {
      try {
        f.close();
      } catch {
        // Already closed.
      }
    }
    this.#files.length = 0;
  }
}

/** A page of a row group, before and after compression. */
interface PendingPage {
  type: number;
  /** Uncompressed bytes. */
  data: Uint8Array;
  /** Uncompressed size, bytes. */
  size: number;
  values: number;
  encoding: number;
  compressed?: Uint8Array;
}

/** A row group's pages, by column. */
interface PendingGroup {
  rows: number;
  /** Per column: its pages (a dictionary page first, then the data page). */
  columns: { plan: ColumnPlan; pages: PendingPage[]; encodings: number[] }[];
}

const ZSTD_OPTIONS = {
  params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL },
};

/**
 * One table's Parquet file, row group by row group: {@linkcode ParquetFileWriter.write}
 * batches, then {@linkcode ParquetFileWriter.finish}. Errors name the file (its first
 * name) and the column; after an error the files are removed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key"), col.str("label", "Label")],
 * };
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const w = new ParquetFileWriter(t, ["example.parquet"], [`${dir}/e.parquet`], ROW_GROUP_SIZE);
 *   const b = new RowBatch(t, 2);
 *   b.numbers[0]!.set([1, 2]);
 *   b.texts[1]![0] = "a";
 *   b.texts[1]![1] = "b";
 *   b.length = 2;
 *   w.write(b);
 *   const r = w.finish();
 *   const bytes = Deno.readFileSync(`${dir}/e.parquet`);
 *   strictEqual(r.rows, 2);
 *   strictEqual(r.bytes, bytes.length);
 *   // A Parquet file starts and ends with PAR1.
 *   strictEqual(new TextDecoder().decode(bytes.subarray(-4)), "PAR1");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class ParquetFileWriter {
  readonly #table: Table;
  readonly #names: string[];
  readonly #paths: string[];
  readonly #plans: ColumnPlan[];
  readonly #groupRows: number;
  readonly #out: ByteOutput;
  /** The current row group, by column: fixed-width values (as 32-bit words), strings, booleans, codes. */
  readonly #fixed: (Int32Array | undefined)[];
  readonly #texts: (Bytes | undefined)[];
  readonly #flags: (Uint8Array | undefined)[];
  readonly #codes: (Int32Array | undefined)[];
  readonly #dicts: (DictionaryColumn | undefined)[];
  /** The last string of each free-string column and its encoded bytes (names repeat). */
  readonly #lastText: (string | undefined)[];
  /** Where the last string's bytes (length prefix included) start and end. */
  readonly #lastFrom: Int32Array;
  readonly #lastTo: Int32Array;
  readonly #textPageBytes: number;
  #rows = 0;
  #total = 0;
  readonly #groups: RowGroupMeta[] = [];
  #closed = false;

  /**
   * Open the files (every path gets the same bytes) and write the leading magic.
   *
   * @param table The table.
   * @param names The files' names in messages and the result (dataset paths).
   * @param paths Where to write them.
   * @param groupRows Rows in each row group but the last, ≥ 1.
   * @param textPageBytes Most bytes of a string column's page (default
   *   {@linkcode TEXT_PAGE_BYTES}).
   * @param existing Write only into files that exist, never create one (the
   *   Parquet thread: the main thread creates the files and may remove them
   *   before this thread opens them).
   * @throws {RangeError} When `groupRows` is not a positive integer.
   * @throws Whatever opening a file throws (files opened before are removed).
   */
  constructor(
    table: Table,
    names: string[],
    paths: string[],
    groupRows: number,
    textPageBytes: number = TEXT_PAGE_BYTES,
    existing = false,
  ) {
    this.#textPageBytes = textPageBytes;
    if (!Number.isInteger(groupRows) || groupRows < 1) {
      throw new RangeError(`Row group size must be ≥ 1: received ${groupRows}`);
    }
    this.#table = table;
    this.#names = names;
    this.#paths = paths;
    this.#groupRows = groupRows;
    this.#plans = table.columns.map(planOf);
    const n = table.columns.length;
    this.#fixed = new Array(n);
    this.#texts = new Array(n);
    this.#flags = new Array(n);
    this.#codes = new Array(n);
    this.#dicts = new Array(n);
    this.#lastText = new Array(n);
    this.#lastFrom = new Int32Array(n);
    this.#lastTo = new Int32Array(n);
    this.#plans.forEach((p, c) => {
      if (p.width) this.#fixed[c] = new Int32Array((groupRows * p.width) / 4);
      if (p.physical === Type.BOOLEAN) {
        this.#flags[c] = new Uint8Array(groupRows);
      }
    });
    this.#out = new ByteOutput(paths, existing);
    this.#out.write(MAGIC);
  }

  #fail(e: unknown): never {
    this.abort();
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Cannot write ${this.#names[0]}: ${why}`, { cause: e });
  }

  /** Append rows `0..batch.length − 1` (a full row group is written at once). */
  write(batch: RowBatch): void {
    if (this.#closed) throw new Error(`Cannot write ${this.#names[0]}: closed`);
    try {
      for (let start = 0; start < batch.length;) {
        const want = Math.min(
          batch.length - start,
          this.#groupRows - this.#rows,
        );
        const n = this.#fitting(batch, start, want);
        if (n === 0) {
          this.#flush();
          continue;
        }
        this.#append(batch, start, n);
        start += n;
        this.#rows += n;
        if (this.#rows === this.#groupRows || n < want) this.#flush();
      }
    } catch (e) {
      this.#fail(e);
    }
  }

  /**
   * End the current row group here (nothing when it holds no rows): the row-group
   * cap and the string-page budget count again from this point, so the row groups
   * after a cut depend only on the rows written after it. A file written with a cut
   * at the start of each of its blocks equals the concatenation
   * (`parquet_concat.ts`) of files holding one block each (docs/design.md §11.3).
   *
   * @throws {Error} Naming the file, when it is closed or the group cannot be
   *   written (the files are then removed).
   */
  cut(): void {
    if (this.#closed) throw new Error(`Cannot write ${this.#names[0]}: closed`);
    try {
      this.#flush();
    } catch (e) {
      this.#fail(e);
    }
  }

  /**
   * How many of the `n` rows from `s` fit in the current row group without a
   * string column's page passing {@linkcode TEXT_PAGE_BYTES} (counting 3 bytes per
   * UTF-16 code unit, the most UTF-8 takes); at least one in an empty group.
   */
  #fitting(batch: RowBatch, s: number, n: number): number {
    let fit = n;
    for (let c = 0; c < this.#plans.length; c++) {
      const texts = batch.texts[c];
      if (!texts || batch.codes[c]) continue;
      let used = this.#texts[c]?.len ?? 0, k = 0;
      for (; k < fit; k++) {
        used += 4 + 3 * texts[s + k].length;
        if (used > this.#textPageBytes) break;
      }
      fit = k;
    }
    return fit === 0 && this.#rows === 0 ? 1 : fit;
  }

  /** Rows `s..s + n − 1` of `batch` onto the current row group. */
  #append(batch: RowBatch, s: number, n: number): void {
    const at = this.#rows;
    for (let c = 0; c < this.#plans.length; c++) {
      const p = this.#plans[c];
      if (p.physical === Type.BOOLEAN) {
        this.#flags[c]!.set(batch.flags[c]!.subarray(s, s + n), at);
      } else if (p.physical === Type.BYTE_ARRAY) {
        if (batch.codes[c]) this.#appendCodes(batch, c, s, n, at);
        else this.#appendTexts(batch, c, s, n);
      } else this.#appendFixed(p, batch, c, s, n, at);
    }
  }

  #appendFixed(
    p: ColumnPlan,
    batch: RowBatch,
    c: number,
    s: number,
    n: number,
    at: number,
  ): void {
    const out = this.#fixed[c]!, x = batch.numbers[c]!, limit = p.limit;
    const bad = (v: number) =>
      new RangeError(
        `column ${p.column.name}: ${v} does not fit ${
          parquetColumnType(p.column)
        }`,
      );
    if (p.width === 4) {
      for (let i = 0; i < n; i++) {
        const v = x[s + i];
        if ((v | 0) !== v || v > limit || v < -limit) throw bad(v);
        out[at + i] = v;
      }
      return;
    }
    const offsets = p.column.wallClock ? batch.offsets[c]! : undefined;
    for (let i = 0, j = 2 * at; i < n; i++, j += 2) {
      let v = x[s + i];
      if (offsets) v += offsets[s + i] * 60_000;
      if (!(v <= limit && v >= -limit) || Math.floor(v) !== v) throw bad(v);
      // Two's complement in two little-endian words (Int32Array wraps each).
      const hi = Math.floor(v / 4294967296);
      out[j] = v - hi * 4294967296;
      out[j + 1] = hi;
    }
  }

  #appendTexts(batch: RowBatch, c: number, s: number, n: number): void {
    if (this.#dicts[c]) {
      throw new TypeError(
        `column ${
          this.#plans[c].column.name
        } mixes dictionary and free strings`,
      );
    }
    const out = this.#texts[c] ??= new Bytes();
    const x = batch.texts[c]!;
    for (let i = s; i < s + n; i++) {
      const v = x[i];
      if (v === this.#lastText[c]) {
        // The same string as the row before (a user's name on each turn).
        const from = this.#lastFrom[c], len = this.#lastTo[c] - from;
        out.room(len);
        const b = out.buf, at = out.len;
        if (len > 48) b.copyWithin(at, from, from + len);
        else for (let j = 0; j < len; j++) b[at + j] = b[from + j];
        this.#lastFrom[c] = at;
        out.len = at + len;
        this.#lastTo[c] = at + len;
        continue;
      }
      this.#lastFrom[c] = out.len;
      out.byteArray(v);
      this.#lastTo[c] = out.len;
      this.#lastText[c] = v;
    }
  }

  #appendCodes(batch: RowBatch, c: number, s: number, n: number, at: number) {
    const dictionary = batch.dictionaries[c]!;
    let d = this.#dicts[c];
    if (!d) {
      if (this.#texts[c]?.len || this.#total) {
        throw new TypeError(
          `column ${
            this.#plans[c].column.name
          } mixes dictionary and free strings`,
        );
      }
      d = this.#dicts[c] = new DictionaryColumn(dictionary);
      if (d.distinct.length > 1 << 24) {
        throw new RangeError(
          `column ${
            this.#plans[c].column.name
          }: a dictionary of ${d.distinct.length} strings is too large`,
        );
      }
      this.#codes[c] = new Int32Array(this.#groupRows);
    } else if (d.dictionary !== dictionary) {
      throw new TypeError(
        `column ${
          this.#plans[c].column.name
        } changed dictionary within the file`,
      );
    }
    const codes = batch.codes[c]!, out = this.#codes[c]!, remap = d.remap;
    for (let i = 0; i < n; i++) {
      const k = codes[s + i];
      const r = remap[k];
      if (r === undefined) {
        throw new RangeError(
          `column ${
            this.#plans[c].column.name
          }: code ${k} is outside its dictionary`,
        );
      }
      out[at + i] = r;
    }
  }

  /** Encode, compress and write the current row group. */
  #flush(): void {
    const rows = this.#rows;
    if (rows === 0) return;
    const group: PendingGroup = { rows, columns: [] };
    for (let c = 0; c < this.#plans.length; c++) {
      group.columns.push(this.#pages(c, rows));
    }
    this.#total += rows;
    this.#rows = 0;
    this.#lastText.fill(undefined);
    for (const col of group.columns) {
      for (const page of col.pages) {
        const out = zstdCompressSync(page.data, ZSTD_OPTIONS);
        page.compressed = new Uint8Array(
          out.buffer,
          out.byteOffset,
          out.length,
        );
      }
    }
    const meta: RowGroupMeta = { rows, offset: this.#out.offset, chunks: [] };
    for (const col of group.columns) {
      meta.chunks.push(this.#writeChunk(col, group));
    }
    this.#groups.push(meta);
    for (const t of this.#texts) if (t) t.len = 0;
  }

  /** Column `c`'s pages of the current row group, uncompressed. */
  #pages(c: number, rows: number): PendingGroup["columns"][number] {
    const plan = this.#plans[c];
    const dict = this.#dicts[c];
    if (dict) {
      const page = new Bytes();
      for (const s of dict.distinct) page.byteArray(s);
      // RLE/bit-packing hybrid: bit width, then one bit-packed run of all rows.
      const width = Math.max(1, Math.ceil(Math.log2(dict.distinct.length)));
      const groups = Math.ceil(rows / 8);
      const data = new Bytes(16 + groups * width);
      data.buf[data.len++] = width;
      let h = groups * 2 + 1;
      while (h >= 128) {
        data.buf[data.len++] = (h % 128) | 128;
        h = Math.floor(h / 128);
      }
      data.buf[data.len++] = h;
      const padded = new Int32Array(groups * 8);
      padded.set(this.#codes[c]!.subarray(0, rows));
      bitPack(data, padded, padded.length, width);
      return {
        plan,
        encodings: [Encoding_.PLAIN, Encoding_.RLE, Encoding_.RLE_DICTIONARY],
        pages: [
          {
            type: PageType.DICTIONARY_PAGE,
            data: page.bytes(),
            size: page.len,
            values: dict.distinct.length,
            encoding: Encoding_.PLAIN,
          },
          {
            type: PageType.DATA_PAGE,
            data: data.bytes(),
            size: data.len,
            values: rows,
            encoding: Encoding_.RLE_DICTIONARY,
          },
        ],
      };
    }
    let data: Uint8Array;
    if (plan.physical === Type.BOOLEAN) {
      data = packFlags(this.#flags[c]!, rows);
    } else if (plan.physical === Type.BYTE_ARRAY) {
      const t = this.#texts[c] ??= new Bytes(1);
      data = t.bytes();
    } else {
      const all = this.#fixed[c]!;
      const words = all.subarray(0, (rows * plan.width) / 4);
      data = new Uint8Array(all.buffer, 0, rows * plan.width);
      if (!LITTLE_ENDIAN) {
        // Typed arrays wrote host order: swap each 32-bit word to little-endian.
        const v = new DataView(words.buffer);
        for (let i = 0; i < words.length; i++) {
          v.setInt32(4 * i, words[i], true);
        }
      }
    }
    return {
      plan,
      encodings: [Encoding_.PLAIN, Encoding_.RLE],
      pages: [{
        type: PageType.DATA_PAGE,
        data,
        size: data.length,
        values: rows,
        encoding: Encoding_.PLAIN,
      }],
    };
  }

  /** Write a column chunk's compressed pages; returns its footer entry. */
  #writeChunk(
    col: PendingGroup["columns"][number],
    g: PendingGroup,
  ): ChunkMeta {
    const meta: ChunkMeta = {
      plan: col.plan,
      encodings: col.encodings,
      values: g.rows,
      uncompressed: 0,
      compressed: 0,
      dataPageOffset: 0,
    };
    for (const page of col.pages) {
      if (page.type === PageType.DICTIONARY_PAGE) {
        meta.dictionaryPageOffset = this.#out.offset;
      } else meta.dataPageOffset = this.#out.offset;
      const body = page.compressed!;
      const header = pageHeader(
        page.type,
        page.size,
        body.length,
        page.values,
        page.encoding,
      );
      this.#out.write(header);
      this.#out.write(body);
      meta.uncompressed += header.length + page.size;
      meta.compressed += header.length + body.length;
    }
    return meta;
  }

  /** The footer: parquet.thrift `FileMetaData`. */
  #footer(): Uint8Array {
    const w = new CompactWriter();
    w.i32(1, 1);
    const columns = this.#table.columns;
    w.list(2, T.STRUCT, columns.length + 1);
    w.listStruct();
    w.binary(4, "schema");
    w.i32(5, columns.length);
    w.stop();
    for (const p of this.#plans) writeSchemaElement(w, p);
    w.i64(3, this.#total);
    w.list(4, T.STRUCT, this.#groups.length);
    this.#groups.forEach((g, ordinal) => {
      let size = 0, compressed = 0;
      for (const m of g.chunks) {
        size += m.uncompressed;
        compressed += m.compressed;
      }
      w.listStruct();
      w.list(1, T.STRUCT, g.chunks.length);
      for (const m of g.chunks) {
        w.listStruct();
        w.i64(2, m.dictionaryPageOffset ?? m.dataPageOffset);
        w.struct(3);
        w.i32(1, m.plan.physical);
        w.list(2, T.I32, m.encodings.length);
        for (const e of m.encodings) w.listI32(e);
        w.list(3, T.BINARY, 1);
        w.listBinary(m.plan.column.name);
        w.i32(4, CODEC_ZSTD);
        w.i64(5, m.values);
        w.i64(6, m.uncompressed);
        w.i64(7, m.compressed);
        w.i64(9, m.dataPageOffset);
        if (m.dictionaryPageOffset !== undefined) {
          w.i64(11, m.dictionaryPageOffset);
        }
        w.stop();
        w.stop();
      }
      w.i64(2, size);
      w.i64(3, g.rows);
      w.i64(5, g.offset);
      w.i64(6, compressed);
      w.i16(7, ordinal);
      w.stop();
    });
    w.binary(6, CREATED_BY);
    w.stop();
    return w.bytes();
  }

  /**
   * Write the last row group and the footer; returns the file's size, rows and
   * SHA-256.
   */
  finish(): SinkResult {
    try {
      this.#flush();
      const footer = this.#footer();
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, footer.length, true);
      this.#out.write(footer);
      this.#out.write(length);
      this.#out.write(MAGIC);
    } catch (e) {
      this.#fail(e);
    }
    this.#out.close();
    this.#closed = true;
    return {
      names: this.#names,
      bytes: this.#out.offset,
      rows: this.#total,
      sha256: this.#out.digest(),
    };
  }

  /** Close and remove the files; never throws. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.close();
    for (const p of this.#paths) {
      try {
        Deno.removeSync(p);
      } catch {
        // Not created, or already gone.
      }
    }
  }
}

/** A column's `SchemaElement` (list element of the footer's schema). */
function writeSchemaElement(w: CompactWriter, p: ColumnPlan): void {
  const c = p.column;
  w.listStruct();
  w.i32(1, p.physical);
  w.i32(3, REQUIRED);
  w.binary(4, c.name);
  // Converted type (older readers) and logical type (field 10, a union).
  switch (c.type) {
    case "integer":
      w.i32(6, c.int64 ? ConvertedType.INT_64 : ConvertedType.INT_32);
      w.struct(10);
      w.struct(10); // INTEGER: IntType { bitWidth: i8, isSigned }
      w.i8(1, c.int64 ? 64 : 32);
      w.bool(2, true);
      w.stop();
      w.stop();
      break;
    case "number": {
      const scale = c.decimals ?? 4, precision = c.precision ?? scale + 1;
      w.i32(6, ConvertedType.DECIMAL);
      w.i32(7, scale);
      w.i32(8, precision);
      w.struct(10);
      w.struct(5); // DECIMAL: DecimalType { scale, precision }
      w.i32(1, scale);
      w.i32(2, precision);
      w.stop();
      w.stop();
      break;
    }
    case "date":
      w.i32(6, ConvertedType.DATE);
      w.struct(10);
      w.struct(6); // DATE: DateType {}
      w.stop();
      w.stop();
      break;
    case "datetime":
      if (!c.wallClock) w.i32(6, ConvertedType.TIMESTAMP_MILLIS);
      w.struct(10);
      w.struct(8); // TIMESTAMP: TimestampType { isAdjustedToUTC, unit }
      w.bool(1, !c.wallClock);
      w.struct(2); // TimeUnit union: MILLIS
      w.struct(1);
      w.stop();
      w.stop();
      w.stop();
      w.stop();
      break;
    case "string":
      w.i32(6, ConvertedType.UTF8);
      w.struct(10);
      w.struct(1); // STRING: StringType {}
      w.stop();
      w.stop();
      break;
    case "boolean":
      break;
  }
  w.stop();
}

/** The footer's `created_by`: writer, version, and the runtime whose zstd compresses. */
export const CREATED_BY =
  `chatsynth version ${denoJson.version} (Parquet writer; zstd level ${ZSTD_LEVEL} of Deno ${Deno.version.deno})`;
