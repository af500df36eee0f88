/**
 * Apache Thrift's compact protocol: the encoding of Parquet's page headers and file
 * footer (Thrift compact protocol specification,
 * `doc/specs/thrift-compact-protocol.md` in the Apache Thrift repository). Structs,
 * lists, 8-, 16-, 32- and 64-bit integers (zigzag varints but the byte), booleans,
 * binaries: written by {@linkcode CompactWriter}, read back (as much as the Parquet
 * writer emits) by {@linkcode readStruct} and written again by
 * {@linkcode writeStruct}.
 *
 * @module
 */

/** Compact protocol type codes of a struct field (and of list elements). */
export const T = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

const utf8 = new TextEncoder();
const TWO_32 = 4294967296;

/**
 * Bytes of Thrift compact-protocol structs, built field by field: `field` headers
 * carry the delta from the previous field id of the same struct, as the protocol
 * requires fields in increasing id order.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * // struct { 1: i32 = 3, 2: string = "a" }: field 1 type i32 (0x15), zigzag 3 = 6,
 * // field +1 binary (0x18), length 1, "a", stop.
 * const w = new CompactWriter();
 * w.i32(1, 3);
 * w.binary(2, "a");
 * w.stop();
 * deepStrictEqual([...w.bytes()], [0x15, 6, 0x18, 1, 0x61, 0]);
 * ```
 */
export class CompactWriter {
  #buf = new Uint8Array(256);
  #len = 0;
  /** Last field id of each open struct, innermost last. */
  #last: number[] = [0];

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  #byte(b: number): void {
    this.#room(1);
    this.#buf[this.#len++] = b;
  }

  /**
   * An unsigned varint of a non-negative safe integer (7 bits a byte, low first).
   *
   * @throws {RangeError} When `n` is negative or not a safe integer.
   */
  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Cannot write varint ${n}`);
    }
    this.#room(10);
    while (n >= 128) {
      this.#buf[this.#len++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.#buf[this.#len++] = n;
  }

  /** Zigzag: 0, −1, 1, −2 … → 0, 1, 2, 3 …, for |n| < 2^52. */
  #zigzag(n: number): void {
    if (!Number.isSafeInteger(n) || Math.abs(n) >= 2 ** 52) {
      throw new RangeError(`Cannot write integer ${n}`);
    }
    this.varint(n >= 0 ? 2 * n : -2 * n - 1);
  }

  #header(id: number, type: number): void {
    const last = this.#last[this.#last.length - 1];
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.#byte((delta << 4) | type);
    else {
      this.#byte(type);
      this.#zigzag(id);
    }
    this.#last[this.#last.length - 1] = id;
  }

  /** Field `id`: an 8-bit integer (one byte, two's complement). */
  i8(id: number, v: number): void {
    if (!Number.isInteger(v) || v < -128 || v > 127) {
      throw new RangeError(`Cannot write byte ${v}`);
    }
    this.#header(id, T.BYTE);
    this.#byte(v & 0xff);
  }

  /** Field `id`: a 16-bit integer. */
  i16(id: number, v: number): void {
    this.#header(id, T.I16);
    this.#zigzag(v);
  }

  /** Field `id`: a 32-bit integer. */
  i32(id: number, v: number): void {
    this.#header(id, T.I32);
    this.#zigzag(v);
  }

  /** Field `id`: a 64-bit integer (|v| < 2^52). */
  i64(id: number, v: number): void {
    this.#header(id, T.I64);
    this.#zigzag(v);
  }

  /** Field `id`: a boolean (its value is the field's type code). */
  bool(id: number, v: boolean): void {
    this.#header(id, v ? T.TRUE : T.FALSE);
  }

  /** Field `id`: a binary, or a string as UTF-8. */
  binary(id: number, v: string | Uint8Array): void {
    this.#header(id, T.BINARY);
    this.#rawBinary(v);
  }

  #rawBinary(v: string | Uint8Array): void {
    const b = typeof v === "string" ? utf8.encode(v) : v;
    this.varint(b.length);
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Field `id`: a struct; write its fields, then {@linkcode stop}. */
  struct(id: number): void {
    this.#header(id, T.STRUCT);
    this.#last.push(0);
  }

  /** End the innermost struct (or the top-level one). */
  stop(): void {
    this.#byte(0);
    if (this.#last.length > 1) this.#last.pop();
  }

  /**
   * Field `id`: a list of `n` elements of type `elem`; then write each element with
   * {@linkcode listI32}, {@linkcode listBinary} or, for structs,
   * {@linkcode listStruct} followed by its fields and {@linkcode stop}.
   */
  list(id: number, elem: number, n: number): void {
    this.#header(id, T.LIST);
    if (n < 15) this.#byte((n << 4) | elem);
    else {
      this.#byte(0xf0 | elem);
      this.varint(n);
    }
  }

  /** A 32-bit integer list element. */
  listI32(v: number): void {
    this.#zigzag(v);
  }

  /** A binary (or UTF-8 string) list element. */
  listBinary(v: string | Uint8Array): void {
    this.#rawBinary(v);
  }

  /** Begin a struct list element (end it with {@linkcode stop}). */
  listStruct(): void {
    this.#last.push(0);
  }

  /** The bytes written so far (a view; copy to keep). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}

/**
 * Write a 64-bit little-endian two's-complement integer at `offset` of `view`, for
 * a safe integer (no BigInt).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const v = new DataView(new ArrayBuffer(8));
 * setInt64(v, 0, -2);
 * strictEqual(v.getBigInt64(0, true), -2n);
 * setInt64(v, 0, 2 ** 40 + 5);
 * strictEqual(v.getBigInt64(0, true), 2n ** 40n + 5n);
 * ```
 */
export function setInt64(view: DataView, offset: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  view.setUint32(offset, v - hi * TWO_32, true);
  view.setInt32(offset + 4, hi, true);
}

/** A decoded struct field: its id, compact type code and value. */
export interface ThriftField {
  /** Field id. */
  id: number;
  /** Compact type code ({@linkcode T}); booleans are `T.TRUE` whatever the value. */
  type: number;
  /** The value: see {@linkcode ThriftValue}. */
  value: ThriftValue;
}

/** A decoded list: element type and elements. */
export interface ThriftList {
  /** Compact type code of the elements. */
  elem: number;
  /** The elements. */
  items: ThriftValue[];
}

/**
 * A decoded value: integers (every width) as numbers, booleans, binaries as bytes,
 * structs as their fields in order, lists.
 */
export type ThriftValue =
  | number
  | boolean
  | Uint8Array
  | ThriftField[]
  | ThriftList;

/** Reads compact-protocol values from bytes, from `pos` on. */
class CompactReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError("truncated");
    return this.bytes[this.pos++];
  }

  varint(): number {
    let n = 0, scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 128) break;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError("varint too long");
    }
    if (!Number.isSafeInteger(n)) throw new RangeError(`integer too large`);
    return n;
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  value(type: number): ThriftValue {
    switch (type) {
      case T.TRUE:
        return true;
      case T.FALSE:
        return false;
      case T.BYTE: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case T.I16:
      case T.I32:
      case T.I64:
        return this.zigzag();
      case T.BINARY: {
        const n = this.varint();
        if (this.pos + n > this.bytes.length) throw new RangeError("truncated");
        this.pos += n;
        return this.bytes.subarray(this.pos - n, this.pos);
      }
      case T.LIST: {
        const h = this.byte();
        const elem = h & 0x0f;
        const n = (h >> 4) === 15 ? this.varint() : h >> 4;
        if (elem === T.TRUE || elem === T.FALSE || n > this.bytes.length) {
          throw new RangeError(`unsupported list of type ${elem}`);
        }
        const items: ThriftValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.value(elem));
        return { elem, items };
      }
      case T.STRUCT:
        return this.struct();
      default:
        throw new RangeError(`unsupported type ${type}`);
    }
  }

  struct(): ThriftField[] {
    const fields: ThriftField[] = [];
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return fields;
      const type = h & 0x0f, delta = h >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      const value = this.value(type);
      fields.push({ id, type: type === T.FALSE ? T.TRUE : type, value });
    }
  }
}

/**
 * Decode one compact-protocol struct from the start of `bytes`: the types
 * {@linkcode CompactWriter} writes (no maps, sets, doubles or lists of booleans).
 *
 * @returns The struct's fields in order, and how many bytes it took.
 * @throws {RangeError} When the bytes end before the struct does, or hold a type
 *   or integer this reader does not handle.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * const { fields, length } = readStruct(new Uint8Array([0x15, 6, 0x18, 1, 0x61, 0]));
 * strictEqual(length, 6);
 * deepStrictEqual(fields[0], { id: 1, type: T.I32, value: 3 });
 * deepStrictEqual([...(fields[1].value as Uint8Array)], [0x61]);
 * ```
 */
export function readStruct(
  bytes: Uint8Array,
): { fields: ThriftField[]; length: number } {
  const r = new CompactReader(bytes);
  const fields = r.struct();
  return { fields, length: r.pos };
}

/**
 * Write the fields of a struct decoded by {@linkcode readStruct} (or built the same
 * way) to `w`, ending with its stop byte: at top level, or after `w.struct(id)` or
 * `w.listStruct()`. Fields must be in increasing id order.
 *
 * @throws {RangeError} For a value of a type {@linkcode CompactWriter} does not
 *   write.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * const bytes = new Uint8Array([0x15, 6, 0x19, 0x25, 2, 4, 0]);
 * const w = new CompactWriter();
 * writeStruct(w, readStruct(bytes).fields);
 * deepStrictEqual(w.bytes(), bytes);
 * ```
 */
export function writeStruct(w: CompactWriter, fields: ThriftField[]): void {
  for (const f of fields) {
    const v = f.value;
    switch (f.type) {
      case T.TRUE:
        w.bool(f.id, v as boolean);
        break;
      case T.BYTE:
        w.i8(f.id, v as number);
        break;
      case T.I16:
        w.i16(f.id, v as number);
        break;
      case T.I32:
        w.i32(f.id, v as number);
        break;
      case T.I64:
        w.i64(f.id, v as number);
        break;
      case T.BINARY:
        w.binary(f.id, v as Uint8Array);
        break;
      case T.STRUCT:
        w.struct(f.id);
        writeStruct(w, v as ThriftField[]);
        break;
      case T.LIST: {
        const l = v as ThriftList;
        w.list(f.id, l.elem, l.items.length);
        for (const x of l.items) {
          if (l.elem === T.STRUCT) {
            w.listStruct();
            writeStruct(w, x as ThriftField[]);
          } else if (l.elem === T.I32) w.listI32(x as number);
          else if (l.elem === T.BINARY) w.listBinary(x as Uint8Array);
          else throw new RangeError(`Cannot write a list of type ${l.elem}`);
        }
        break;
      }
      default:
        throw new RangeError(`Cannot write a field of type ${f.type}`);
    }
  }
  w.stop();
}
