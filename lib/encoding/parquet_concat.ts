/**
 * Concatenation of Parquet "part" files: K files of one table, each written by
 * {@linkcode ParquetFileWriter} with a contiguous range of its rows, become the file
 * one writer would have written with all the rows in order and a
 * {@linkcode ParquetFileWriter.cut} at the start of each part (docs/design.md
 * §11.3). Row groups are copied byte for byte, a buffer at a time; only the footers
 * are decoded, rebased and encoded again.
 *
 * @module
 */
import type { SinkResult } from "../sink/file_sink.ts";
import { ByteOutput } from "./parquet_file.ts";
import {
  CompactWriter,
  readStruct,
  T,
  type ThriftField,
  type ThriftList,
  writeStruct,
} from "./thrift_compact.ts";

const MAGIC = new TextEncoder().encode("PAR1");
/** Bytes copied at a time. */
const CHUNK = 1 << 20;

/** FileMetaData fields (parquet.thrift). */
const FILE = { NUM_ROWS: 3, ROW_GROUPS: 4 } as const;
/** RowGroup fields. */
const GROUP = {
  COLUMNS: 1,
  TOTAL_BYTE_SIZE: 2,
  NUM_ROWS: 3,
  FILE_OFFSET: 5,
  TOTAL_COMPRESSED_SIZE: 6,
  ORDINAL: 7,
} as const;
/** ColumnChunk fields. */
const CHUNK_FIELD = { FILE_OFFSET: 2, META_DATA: 3 } as const;
/** ColumnMetaData fields holding a position in the file. */
const POSITIONS = new Set([9, 10, 11]); // data, index, dictionary page offsets

/** One part, opened and its footer read. */
interface Part {
  path: string;
  file: Deno.FsFile;
  /** Where its row groups end (its footer starts). */
  end: number;
  rows: number;
  groups: ThriftField[][];
  /** The footer's other fields (version, schema, created_by …). */
  rest: ThriftField[];
}

function field(fields: ThriftField[], id: number): ThriftField | undefined {
  return fields.find((f) => f.id === id);
}

function int(fields: ThriftField[], id: number): number {
  const v = field(fields, id)?.value;
  if (typeof v !== "number") throw new RangeError(`field ${id} missing`);
  return v;
}

function readFully(file: Deno.FsFile, at: number, n: number): Uint8Array {
  const buf = new Uint8Array(n);
  file.seekSync(at, Deno.SeekMode.Start);
  for (let off = 0; off < n;) {
    const got = file.readSync(buf.subarray(off));
    if (got === null || got === 0) throw new RangeError("truncated");
    off += got;
  }
  return buf;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Open `path` and read its footer; throws an Error naming it. */
function openPart(path: string): Part {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Cannot read Parquet part ${path}: ${why}`, { cause: e });
  }
  try {
    const size = file.statSync().size;
    const head = size >= 12 ? readFully(file, 0, 4) : new Uint8Array(0);
    const tail = size >= 12 ? readFully(file, size - 8, 8) : new Uint8Array(0);
    if (
      !equalBytes(head, MAGIC) || !equalBytes(tail.subarray(4), MAGIC)
    ) {
      throw new Error(
        `Cannot concatenate ${path}: it is not a Parquet file, or is truncated (no PAR1 at both ends)`,
      );
    }
    const length = new DataView(tail.buffer).getUint32(0, true);
    const end = size - 8 - length;
    let fields: ThriftField[];
    try {
      if (end < 4) throw new RangeError("footer too long");
      const footer = readFully(file, end, length);
      const read = readStruct(footer);
      if (read.length !== length) throw new RangeError("footer length");
      fields = read.fields;
    } catch (e) {
      throw new Error(
        `Cannot concatenate ${path}: its footer is damaged or truncated`,
        { cause: e },
      );
    }
    const groups = (field(fields, FILE.ROW_GROUPS)?.value as ThriftList)
      ?.items as ThriftField[][] ?? [];
    // The row groups must fill the bytes between the magic and the footer.
    let at = 4, rows = 0;
    try {
      for (const g of groups) {
        if (int(g, GROUP.FILE_OFFSET) !== at) throw new RangeError("gap");
        at += int(g, GROUP.TOTAL_COMPRESSED_SIZE);
        rows += int(g, GROUP.NUM_ROWS);
      }
      if (at !== end || rows !== int(fields, FILE.NUM_ROWS)) {
        throw new RangeError("row groups do not fill the file");
      }
    } catch (e) {
      throw new Error(
        `Cannot concatenate ${path}: its row groups do not match its footer (truncated, or not written by chatsynth)`,
        { cause: e },
      );
    }
    const rest = fields.filter((f) =>
      f.id !== FILE.NUM_ROWS && f.id !== FILE.ROW_GROUPS
    );
    return { path, file, end, rows, groups, rest };
  } catch (e) {
    file.close();
    throw e;
  }
}

/** The bytes of footer fields, to compare parts. */
function encoded(fields: ThriftField[]): Uint8Array {
  const w = new CompactWriter();
  writeStruct(w, fields);
  return w.bytes().slice();
}

/** A row group's footer entry moved `shift` bytes later, numbered `ordinal`. */
function rebased(
  g: ThriftField[],
  shift: number,
  ordinal: number,
): ThriftField[] {
  return g.map((f) => {
    switch (f.id) {
      case GROUP.FILE_OFFSET:
        return { ...f, value: (f.value as number) + shift };
      case GROUP.ORDINAL:
        return { ...f, value: ordinal };
      case GROUP.COLUMNS: {
        const l = f.value as ThriftList;
        const items = (l.items as ThriftField[][]).map((c) =>
          c.map((cf) => {
            if (cf.id === CHUNK_FIELD.FILE_OFFSET) {
              return { ...cf, value: (cf.value as number) + shift };
            }
            if (cf.id !== CHUNK_FIELD.META_DATA) return cf;
            return {
              ...cf,
              value: (cf.value as ThriftField[]).map((m) =>
                POSITIONS.has(m.id)
                  ? { ...m, value: (m.value as number) + shift }
                  : m
              ),
            };
          })
        );
        return { ...f, value: { elem: l.elem, items } };
      }
      default:
        return f;
    }
  });
}

/**
 * Concatenate Parquet part files of one table into one file, written to every path
 * of `outPaths` (the same bytes each; a fact table shared by star and snowflake has
 * two): the file a {@linkcode ParquetFileWriter} would have written given all the
 * parts' rows in order with a `cut()` at the start of each part. Parts with no rows
 * add nothing. Streaming: each part's row groups are copied a megabyte at a time;
 * only footers are held in memory.
 *
 * @param parts Paths of the part files, in row order (at least one).
 * @param names The output's names in the result (dataset paths).
 * @param outPaths Where to write it (created or truncated; removed on failure).
 * @returns Its size in bytes, rows and SHA-256 (hex), under `names`.
 * @throws {RangeError} When `parts` or `outPaths` is empty.
 * @throws {Error} Naming the part, when one cannot be read, is not a Parquet file,
 *   is truncated, or was written with another schema or writer (`created_by`)
 *   than the first part; naming the output when it cannot be written.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { col, type Table } from "../schema/table.ts";
 * import { ParquetFileWriter, ROW_GROUP_SIZE } from "./parquet_file.ts";
 * const t: Table = {
 *   name: "example", grain: "One example.", primaryKey: ["id"], foreignKeys: [],
 *   columns: [col.int("id", "Key")],
 * };
 * const batch = (ids: number[]) => {
 *   const b = new RowBatch(t, ids.length);
 *   b.numbers[0]!.set(ids);
 *   b.length = ids.length;
 *   return b;
 * };
 * const dir = Deno.makeTempDirSync();
 * try {
 *   // One writer, a block boundary before row 2 …
 *   const one = new ParquetFileWriter(t, ["one"], [`${dir}/one.parquet`], ROW_GROUP_SIZE);
 *   one.cut();
 *   one.write(batch([1, 2]));
 *   one.cut();
 *   one.write(batch([3]));
 *   const whole = one.finish();
 *   // … equals two parts, one block each, concatenated.
 *   [[1, 2], [3]].forEach((ids, k) => {
 *     const w = new ParquetFileWriter(t, ["part"], [`${dir}/${k}.parquet`], ROW_GROUP_SIZE);
 *     w.write(batch(ids));
 *     w.finish();
 *   });
 *   const r = concatParquet([`${dir}/0.parquet`, `${dir}/1.parquet`], ["example.parquet"], [`${dir}/cat.parquet`]);
 *   strictEqual(r.rows, 3);
 *   strictEqual(r.sha256, whole.sha256);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function concatParquet(
  parts: string[],
  names: string[],
  outPaths: string[],
): SinkResult {
  if (parts.length === 0) {
    throw new RangeError("No Parquet parts to concatenate");
  }
  if (outPaths.length === 0) throw new RangeError("No output path given");
  const open: Part[] = [];
  let out: ByteOutput | undefined;
  try {
    for (const path of parts) {
      const p = openPart(path);
      open.push(p);
      if (
        open.length > 1 && !equalBytes(encoded(p.rest), encoded(open[0].rest))
      ) {
        throw new Error(
          `Cannot concatenate ${path}: it was written with another schema or writer than ${
            parts[0]
          }`,
        );
      }
    }
    try {
      out = new ByteOutput(outPaths);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`Cannot write ${names[0]}: ${why}`, { cause: e });
    }
    out.write(MAGIC);
    const groups: ThriftField[][] = [];
    let rows = 0;
    const buf = new Uint8Array(CHUNK);
    for (const p of open) {
      const shift = out.offset - 4;
      for (const g of p.groups) groups.push(rebased(g, shift, groups.length));
      rows += p.rows;
      p.file.seekSync(4, Deno.SeekMode.Start);
      for (let left = p.end - 4; left > 0;) {
        const got = p.file.readSync(buf.subarray(0, Math.min(CHUNK, left)));
        if (got === null || got === 0) {
          throw new Error(`Cannot concatenate ${p.path}: it is truncated`);
        }
        out.write(buf.subarray(0, got));
        left -= got;
      }
    }
    const first = open[0].rest;
    const fields: ThriftField[] = [
      ...first.filter((f) => f.id < FILE.NUM_ROWS),
      { id: FILE.NUM_ROWS, type: T.I64, value: rows },
      {
        id: FILE.ROW_GROUPS,
        type: T.LIST,
        value: { elem: T.STRUCT, items: groups },
      },
      ...first.filter((f) => f.id > FILE.ROW_GROUPS),
    ];
    const w = new CompactWriter();
    writeStruct(w, fields);
    const footer = w.bytes();
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    out.write(footer);
    out.write(length);
    out.write(MAGIC);
    out.close();
    return { names, bytes: out.offset, rows, sha256: out.digest() };
  } catch (e) {
    if (out) {
      out.close();
      for (const p of outPaths) {
        try {
          Deno.removeSync(p);
        } catch {
          // Already gone.
        }
      }
    }
    if (e instanceof Error && e.message.startsWith("Cannot ")) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Cannot write ${names[0]}: ${why}`, { cause: e });
  } finally {
    for (const p of open) p.file.close();
  }
}
