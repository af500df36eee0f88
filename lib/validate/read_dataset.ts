/**
 * Stream a dataset folder into {@linkcode Observations}: from the fact tables and
 * their dimensions (star or snowflake), or from the raw JSONL when that is all there
 * is. Files are read line by line and hashed (SHA-256) as they are read, so the report
 * can say exactly which bytes it describes. `fact_session` and `fact_turn` are read
 * side by side (a merge on the session key, both files being in key order), so each
 * session is checked against its turns with nothing held per row.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Config } from "../config/schema.ts";
import type { EncodingChoice, Format } from "../config/schema.ts";
import { Observations, type SessionObs, type TurnObs } from "./observations.ts";
import { UsageError } from "../errors.ts";
import { notRegularFileReason } from "../manifest/regular_file.ts";
import { parseIsoDate } from "../calendar/iso_date.ts";
import { localeLanguage } from "../model/text.ts";
import { distinctZones } from "../model/derived.ts";
import { counted, escapeControls, inFolder } from "../wording.ts";
import { compileModel } from "../model/model.ts";
import { ACT_NAMES } from "../model/dialogue_acts.ts";
import { snowflakeDimensions, starDimensions } from "../project/dimensions.ts";
import { csvRow } from "../project/csv_row.ts";
import { type Column, csvHeader, type Table } from "../schema/table.ts";
import {
  FACT_SESSION,
  FACT_TURN,
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../schema/tables.ts";
import { encodingOfPath } from "../encoding/mod.ts";
import { ParquetLines } from "../encoding/parquet_read.ts";
import { LineReader, sha256File } from "../manifest/file_digest.ts";

const CHUNK = 1 << 20;

/** One file `validate` read: its path in the dataset, size and SHA-256 of the bytes read. */
export interface FileRead {
  /** Relative path with forward slashes, e.g. "star/fact_turn.csv". */
  path: string;
  /** Bytes read (the whole file). */
  bytes: number;
  /** Lowercase hex SHA-256 of the bytes read. */
  sha256: string;
}

/**
 * The lines of one data file, whatever its encoding: a text file's own lines, or the
 * lines the text encoding would have written for a Parquet file's rows. Lines come
 * from a buffer: `next()` returns undefined when it is empty, and `more()` refills it
 * (a text file never needs that: its `next()` reads on, and `more()` says the end).
 * Read a line with `src.next() ?? await src.more()`.
 */
interface LineSource {
  /** Path in the dataset, e.g. "star/fact_turn.parquet". */
  readonly rel: string;
  /** The next buffered line without its LF, or undefined when none is buffered. */
  next(): string | undefined;
  /** Refill the buffer: the next line, or undefined at the end of the file. */
  more(): Promise<string | undefined>;
  /** Read to the end, close, and report the file's bytes (all of them, hashed). */
  finish(): FileRead | Promise<FileRead>;
  /** Close without finishing (after an error). */
  close(): void;
}

/** Reads a UTF-8 text file line by line (LF), streaming, hashing every byte read. */
class HashingLineReader implements LineSource {
  #file: Deno.FsFile;
  #decoder = new TextDecoder();
  #buf = new Uint8Array(CHUNK);
  #pending: string[] = [];
  #at = 0;
  #tail = "";
  #done = false;
  #hash: Hash = createHash("sha256");
  /** Bytes read so far. */
  bytes = 0;

  constructor(readonly rel: string, path: string) {
    this.#file = Deno.openSync(path, { read: true });
  }

  /** The next line without its LF, or `undefined` at the end of the file. */
  next(): string | undefined {
    while (this.#at >= this.#pending.length && !this.#done) {
      const n = this.#file.readSync(this.#buf);
      if (n === null) {
        this.#done = true;
        this.#tail += this.#decoder.decode();
        this.#pending = this.#tail === "" ? [] : [this.#tail];
        this.#at = 0;
        this.#tail = "";
        break;
      }
      const chunk = this.#buf.subarray(0, n);
      this.#hash.update(chunk);
      this.bytes += n;
      const lines = (this.#tail + this.#decoder.decode(chunk, { stream: true }))
        .split("\n");
      this.#tail = lines.pop()!;
      this.#pending = lines;
      this.#at = 0;
    }
    return this.#at < this.#pending.length
      ? this.#pending[this.#at++]
      : undefined;
  }

  /** Nothing to refill: `next()` reads on until the end of the file. */
  more(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** Read to the end (hashing the rest) and close; returns what was read. */
  finish(): FileRead {
    while (this.next() !== undefined);
    this.#file.close();
    return {
      path: this.rel,
      bytes: this.bytes,
      sha256: this.#hash.digest("hex"),
    };
  }

  /** Close without finishing (after an error). */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * A Parquet data file as the lines of its text encoding (decoded by DuckDB, a chunk at
 * a time). What it reports read is the Parquet file: its size and SHA-256, hashed
 * when it is opened.
 */
class ParquetLineSource implements LineSource {
  #lines: string[] = [];
  #at = 0;
  #reader: ParquetLines | undefined;
  #done = false;
  #read: FileRead;

  constructor(
    readonly rel: string,
    readonly path: string,
    readonly table: Table,
    readonly text: NonNullable<ReturnType<typeof encodingOfPath>>,
  ) {
    const d = sha256File(path);
    this.#read = { path: rel, bytes: d.bytes, sha256: d.sha256 };
  }

  next(): string | undefined {
    return this.#at < this.#lines.length ? this.#lines[this.#at++] : undefined;
  }

  async more(): Promise<string | undefined> {
    while (!this.#done) {
      this.#reader ??= await ParquetLines.open(
        this.path,
        this.table,
        this.text,
        this.path,
      );
      const lines = await this.#reader.next();
      if (lines === undefined) {
        this.#done = true;
        this.close();
        break;
      }
      this.#lines = lines;
      this.#at = 0;
      if (lines.length) return this.next();
    }
    return undefined;
  }

  async finish(): Promise<FileRead> {
    while ((this.next() ?? await this.more()) !== undefined);
    this.close();
    return this.#read;
  }

  close(): void {
    this.#reader?.close();
  }
}

/** The schema table of a text data file path, e.g. "star/fact_turn.csv". */
function tableOfPath(textRel: string): Table {
  const [rep, file] = textRel.split("/");
  const name = file.slice(0, file.lastIndexOf("."));
  const tables = rep === "raw"
    ? [RAW_TURN]
    : rep === "star"
    ? STAR_TABLES
    : SNOWFLAKE_TABLES;
  return tables.find((t) => t.name === name)!;
}

/** A text data file's Parquet counterpart: "star/fact_turn.csv" → "star/fact_turn.parquet". */
function parquetPath(textRel: string): string {
  return textRel.replace(/\.(csv|jsonl)$/, ".parquet");
}

/**
 * The data files `validate` reads: the text files, or (for a dataset written only as
 * Parquet) the Parquet files, both read as the text encoding's lines. Tables are named
 * by their text paths ("star/fact_turn.csv").
 */
class DataFiles {
  constructor(readonly dir: string, readonly parquet: boolean) {}

  /** The path read for a table's text path. */
  rel(textRel: string): string {
    return this.parquet ? parquetPath(textRel) : textRel;
  }

  /** Open a table's file (a regular file inside the dataset). */
  open(textRel: string): LineSource {
    const rel = this.rel(textRel);
    const path = datasetFile(this.dir, rel);
    return this.parquet
      ? new ParquetLineSource(
        rel,
        path,
        tableOfPath(textRel),
        encodingOfPath(textRel)!,
      )
      : new HashingLineReader(rel, path);
  }
}

/** The decimal digits s[from..to) as a number; NaN when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ` → ms since the epoch; NaN for anything else (wrong
 * length, separators, digits or field ranges).
 */
export function parseTimestamp(s: string): number {
  if (
    s.length !== 24 || s[4] !== "-" || s[7] !== "-" || s[10] !== "T" ||
    s[13] !== ":" || s[16] !== ":" || s[19] !== "." || s[23] !== "Z"
  ) return NaN;
  const y = digits(s, 0, 4), mo = digits(s, 5, 7), d = digits(s, 8, 10);
  const h = digits(s, 11, 13), mi = digits(s, 14, 16);
  const se = digits(s, 17, 19), ms = digits(s, 20, 23);
  if (
    !(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 &&
      se < 60 && ms >= 0 && y >= 0)
  ) return NaN;
  // Days in the month (Gregorian), then days since 1970-01-01 (Hinnant's algorithm).
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2
    ? (leap ? 29 : 28)
    : (mo === 4 || mo === 6 || mo === 9 || mo === 11)
    ? 30
    : 31;
  if (d > dim) return NaN;
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + se * 1000 + ms;
}

/** Whether `key` is the date key (YYYYMMDD) of the timestamp text `ts`. */
function isDateKeyOf(key: string, ts: string): boolean {
  return key.length === 8 && key.charCodeAt(0) === ts.charCodeAt(0) &&
    key.charCodeAt(1) === ts.charCodeAt(1) &&
    key.charCodeAt(2) === ts.charCodeAt(2) &&
    key.charCodeAt(3) === ts.charCodeAt(3) &&
    key.charCodeAt(4) === ts.charCodeAt(5) &&
    key.charCodeAt(5) === ts.charCodeAt(6) &&
    key.charCodeAt(6) === ts.charCodeAt(8) &&
    key.charCodeAt(7) === ts.charCodeAt(9);
}

/** Whether `key` is the time key (integer HHMM, no leading zero) of the timestamp text `ts`. */
function isTimeKeyOf(key: string, ts: string): boolean {
  const hhmm = (ts.charCodeAt(11) - 48) * 1000 +
    (ts.charCodeAt(12) - 48) * 100 +
    (ts.charCodeAt(14) - 48) * 10 + (ts.charCodeAt(15) - 48);
  return Number(key) === hhmm && (key === "0" || key.charCodeAt(0) !== 48);
}

// A 64-bit hash of a session's text in two 32-bit lanes (FNV-1a and a murmur3 body
// per UTF-16 code unit, then a murmur3 finalizer each), for the duplicate-session check.
let laneA = 0, laneB = 0;
function hashReset(): void {
  laneA = 0x811c9dc5 | 0;
  laneB = 0x9747b28c | 0;
}
function hashText(s: string, from: number): void {
  let a = laneA, b = laneB;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b ^= Math.imul(
      Math.imul(c, 0xcc9e2d51) << 15 | Math.imul(c, 0xcc9e2d51) >>> 17,
      0x1b873593,
    );
    b = (Math.imul(b << 13 | b >>> 19, 5) + 0xe6546b64) | 0;
  }
  // A line separator, so ("ab", "c") and ("a", "bc") differ.
  laneA = Math.imul(a ^ 10, 0x01000193);
  laneB = (Math.imul((b ^ 0x2d) << 13 | (b ^ 0x2d) >>> 19, 5) + 0xe6546b64) | 0;
}
/** A 32-bit hash of s[from..to) (FNV-1a, murmur3 finalizer), leaving the lanes alone. */
function hash32(s: string, from: number, to: number): number {
  let a = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) {
    a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
  }
  return fmix(a);
}

/** A 64-bit hash of a whole string (the two lanes of the session hash). */
function emailHash(s: string): bigint {
  hashReset();
  hashText(s, 0);
  return (BigInt(fmix(laneA)) << 32n) | BigInt(fmix(laneB));
}

/** Values occurring two or more times in `a` (sorted in place). */
function sharedValues(a: BigUint64Array): Set<bigint> {
  a.sort();
  const shared = new Set<bigint>();
  for (let i = 1; i < a.length; i++) {
    if (a[i] === a[i - 1]) shared.add(a[i]);
  }
  return shared;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function columnIndex(header: string, path: string, need: string[]) {
  const cols = header.split(",");
  const idx: Record<string, number> = {};
  for (const n of need) {
    const i = cols.indexOf(n);
    if (i < 0) {
      throw new UsageError(`Cannot validate "${path}": no column ${n}`);
    }
    idx[n] = i;
  }
  return idx;
}

/** Check that `dir/rel` is a regular file inside the dataset; returns its path. */
function datasetFile(dir: string, rel: string): string {
  const why = notRegularFileReason(dir, rel);
  if (why) {
    throw new UsageError(`Cannot validate "${dir}": ${rel} is ${why}`);
  }
  return inFolder(dir, rel);
}

const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * A test of one value's text against its column's format as written: integers
 * without a point or leading zeros, decimals with exactly the schema's digits,
 * booleans `true`/`false`, strings and timestamps without surrounding whitespace.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const confidence = valueFormat({ name: "confidence", type: "number", decimals: 4, description: "" });
 * strictEqual(confidence("0.8051"), true);
 * strictEqual(confidence("0.80510"), false); // five decimals
 * ```
 */
export function valueFormat(c: Column): (v: string) => boolean {
  switch (c.type) {
    case "integer":
      return (v) => INTEGER.test(v);
    case "number": {
      const d = c.decimals ?? 4;
      const re = d === 0
        ? INTEGER
        : new RegExp(`^-?(?:0|[1-9][0-9]*)\\.[0-9]{${d}}$`);
      return (v) => re.test(v);
    }
    case "boolean":
      return (v) => v === "true" || v === "false";
    default:
      return (v) => v === v.trim();
  }
}

/**
 * A CSV fact file read row by row (fields split on commas; facts have no quoted
 * fields). Move on with `f.advance() || await f.more()`.
 */
class FactReader {
  readonly r: LineSource;
  readonly ix: Record<string, number>;
  readonly width: number;
  /** The current row's text, or undefined at the end. */
  line: string | undefined;
  /** The current row's fields. */
  f: string[] = [];
  /** Values read so far not in their column's format, count. */
  badValues = 0;
  #formats: [number, (v: string) => boolean][];

  private constructor(
    r: LineSource,
    readonly rel: string,
    header: string,
    shown: string,
    table: Table,
    need: string[],
  ) {
    this.r = r;
    this.ix = columnIndex(header, shown, need);
    this.width = header.split(",").length;
    this.#formats = need.flatMap((n) => {
      const c = table.columns.find((x) => x.name === n);
      return c ? [[this.ix[n], valueFormat(c)]] : [];
    });
  }

  /** Open a fact file (`rel`: its text path) at its first row. */
  static async open(
    files: DataFiles,
    rel: string,
    table: Table,
    need: string[],
  ): Promise<FactReader> {
    const r = files.open(rel);
    const shown = inFolder(files.dir, r.rel);
    try {
      const header = r.next() ?? await r.more();
      if (header === undefined) {
        throw new UsageError(`Cannot validate "${shown}": empty file`);
      }
      const f = new FactReader(r, r.rel, header, shown, table, need);
      f.advance() || await f.more();
      return f;
    } catch (e) {
      r.close();
      throw e;
    }
  }

  /**
   * Move to the next row; false when the source must be refilled first (then call
   * {@linkcode more}).
   */
  advance(): boolean {
    const line = this.r.next();
    if (line === undefined) return false;
    this.#take(line);
    return true;
  }

  /** Refill the source and move to the next row (or the end). */
  async more(): Promise<void> {
    this.#take(await this.r.more());
  }

  #take(line: string | undefined): void {
    this.line = line;
    if (line === undefined) return;
    if (line.includes('"')) {
      throw new UsageError(
        `Cannot validate "${this.rel}": unexpected quoted field in a fact row`,
      );
    }
    this.f = line.split(",");
    if (this.f.length !== this.width) {
      throw new UsageError(
        `Cannot validate "${this.rel}": a row has ${this.f.length} fields, the header ${this.width} (truncated or damaged file)`,
      );
    }
    for (const [i, ok] of this.#formats) if (!ok(this.f[i])) this.badValues++;
  }
}

/** How the dimension tables read compare with what the config defines. */
export interface DimensionDiff {
  /** Dimension tables read (all but `dim_user`), count. */
  tables: number;
  /** Tables whose bytes differ from what the config defines, count. */
  differing: number;
  /** The first differing table and line, e.g. "star/dim_intent.csv line 3". */
  first?: string;
}

/**
 * The lines a dimension table (all but `dim_user`) must have: header then rows,
 * projected from the config with the generator's own code. Reusing the generator here
 * is deliberate: like `verify`, it checks the file against the config it claims.
 */
function expectedDimensions(c: Config, folder: string): Map<string, string[]> {
  const model = compileModel(c);
  const tables = folder === "star" ? STAR_TABLES : SNOWFLAKE_TABLES;
  const dims = folder === "star"
    ? starDimensions(model)
    : snowflakeDimensions(model);
  const out = new Map<string, string[]>();
  for (const [name, rows] of dims) {
    const t = tables.find((x) => x.name === name) as Table;
    // Split on LF as the file is read (a quoted field could hold one).
    out.set(
      name,
      [csvHeader(t), ...rows.map((r) => csvRow(t, r))].join("\n").split("\n"),
    );
  }
  return out;
}

/**
 * Read a dimension file: its keys as written (first column), and the 1-based line
 * where it first differs from `expected` (0 when its bytes are exactly the expected
 * lines, each ended by LF).
 */
async function dimensionTable(
  data: DataFiles,
  rel: string,
  expected: string[],
  files: FileRead[],
): Promise<{ keys: Set<string>; diffLine: number }> {
  const r = data.open(rel);
  const keys = new Set<string>();
  let diffLine = 0, n = 0, bytes = 0;
  const enc = new TextEncoder();
  try {
    const header = r.next() ?? await r.more();
    if (header === undefined) {
      throw new UsageError(
        `Cannot validate "${inFolder(data.dir, r.rel)}": empty file`,
      );
    }
    for (let line: string | undefined = header; line !== undefined;) {
      if (!diffLine && line !== expected[n]) diffLine = n + 1;
      n++;
      if (n > 1) {
        const comma = line.indexOf(",");
        keys.add(comma < 0 ? line : line.slice(0, comma));
      }
      line = r.next() ?? await r.more();
    }
    const read = await r.finish();
    files.push(read);
    for (const l of expected) bytes += enc.encode(l).length + 1;
    if (!diffLine && n !== expected.length) diffLine = n + 1;
    // Same lines but not the same bytes: the last line lacks its LF (text only: a
    // Parquet file's lines are made whole).
    if (!diffLine && !data.parquet && read.bytes !== bytes) diffLine = n;
  } finally {
    r.close();
  }
  return { keys, diffLine };
}

/**
 * A csv-parse error as the rest of a message about its file: ` line 12: 1 field where
 * the header has 13` for a row of the wrong width, ` line N: <what>` for another
 * parse error, `: <message>` otherwise.
 */
function csvProblem(e: unknown): string {
  const c = e as {
    code?: unknown;
    lines?: unknown;
    record?: unknown;
    columns?: unknown;
    message?: unknown;
  };
  const line = typeof c.lines === "number" ? ` line ${c.lines}` : "";
  if (
    c.code === "CSV_RECORD_INCONSISTENT_COLUMNS" && Array.isArray(c.record) &&
    Array.isArray(c.columns)
  ) {
    return `${line}: ${
      counted(c.record.length, "field")
    } where the header has ${c.columns.length} (a damaged file)`;
  }
  const text = escapeControls(String(c.message ?? e).split("\n")[0]);
  return `${line}: ${line ? text.replace(/,? (on|at) line \d+$/, "") : text}`;
}

/**
 * The text of a line source as a stream of chunks of lines (each ended by LF), for a
 * parser that reads streams; closes the source at the end or on destroy.
 */
function lineStream(src: LineSource): Readable {
  async function* chunks() {
    try {
      let text = "";
      for (let l = src.next() ?? await src.more(); l !== undefined;) {
        text += l + "\n";
        if (text.length >= 1 << 16) {
          yield text;
          text = "";
        }
        l = src.next() ?? await src.more();
      }
      if (text) yield text;
    } finally {
      src.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

async function readUsers(
  data: DataFiles,
  rel: string,
  each: (row: Record<string, string>) => void,
): Promise<FileRead> {
  let stream: Readable;
  let read: () => FileRead | Promise<FileRead>;
  const path = inFolder(data.dir, data.rel(rel));
  if (data.parquet) {
    const src = data.open(rel);
    stream = lineStream(src);
    read = () => src.finish();
  } else {
    datasetFile(data.dir, rel);
    const hash = createHash("sha256");
    let bytes = 0;
    stream = createReadStream(path);
    stream.on("data", (chunk) => {
      hash.update(chunk as Uint8Array);
      bytes += (chunk as Uint8Array).length;
    });
    read = () => ({ path: rel, bytes, sha256: hash.digest("hex") });
  }
  const parser = stream.pipe(parse({ columns: true }));
  // A failure to read (a damaged Parquet file) ends the parse with that error.
  stream.on("error", (e) => parser.destroy(e));
  let first = true;
  try {
    for await (const row of parser) {
      if (first) {
        for (
          const c of ["user_key", "email", "age", "tenure_days", "time_zone"]
        ) {
          if (!(c in row)) {
            throw new UsageError(`Cannot validate "${path}": no column ${c}`);
          }
        }
        first = false;
      }
      each(row as Record<string, string>);
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot validate "${path}"${csvProblem(e)}`);
  }
  return await read();
}

/**
 * Whether a user's derived fields follow from the config: the age band of the age,
 * the country's name, region and locale, the language of the locale (raw), the
 * device's platform, and the signup date
 * (calendar start − tenure_days). Fields the representation does not carry are
 * passed as undefined and not checked; keys (snowflake) are 1-based config order.
 */
function userFollowsConfig(
  c: Config,
  startDay: number,
  u: {
    age: number;
    tenureDays: number;
    country: number;
    device: number;
    ageBand?: string;
    ageBandKey?: number;
    countryName?: string;
    region?: string;
    locale?: string;
    language?: string;
    platform?: string;
    signupDate?: string;
    signupDateKey?: string;
  },
): boolean {
  const p = c.population;
  const band = p.age_bands.findIndex((b) => u.age >= b.min && u.age <= b.max);
  const country = p.countries[u.country], device = p.devices[u.device];
  const signup = Number.isInteger(u.tenureDays)
    ? new Date((startDay - u.tenureDays) * 86_400_000).toISOString().slice(
      0,
      10,
    )
    : "";
  return (u.ageBand === undefined || u.ageBand === p.age_bands[band]?.label) &&
    (u.ageBandKey === undefined || u.ageBandKey === band + 1) &&
    (u.countryName === undefined || u.countryName === country?.name) &&
    (u.region === undefined || u.region === country?.region) &&
    (u.locale === undefined || u.locale === country?.locale) &&
    (u.language === undefined ||
      (country !== undefined &&
        u.language === localeLanguage(country.locale))) &&
    (u.platform === undefined || u.platform === device?.platform) &&
    (u.signupDate === undefined || u.signupDate === signup) &&
    (u.signupDateKey === undefined ||
      u.signupDateKey === signup.replaceAll("-", ""));
}

function emptyTurn(): TurnObs {
  return {
    turnNumber: 0,
    intent: -1,
    userAct: -1,
    botAct: -1,
    channel: -1,
    confidence: 0,
    fallback: false,
    latencyMs: 0,
    thinkMs: 0,
    userMs: NaN,
    botMs: NaN,
  };
}

/** How a dataset's Parquet files compare with its text files (both encodings written). */
export interface EncodingAgreement {
  /** Pairs of files compared (text and Parquet), count. */
  files: number;
  /** Rows whose decoded Parquet line differs from the text line (a row one lacks counts). */
  differing: number;
  /** The first differing row, e.g. "star/fact_turn.parquet row 12". */
  first?: string;
}

/** What {@linkcode readDataset} read. */
export interface DatasetRead {
  /** Everything observed. */
  obs: Observations;
  /** The representation read, in words. */
  source: string;
  /** Every file read, with the SHA-256 of the bytes read, in reading order. */
  files: FileRead[];
  /** How the dimension tables compare with the config (undefined for raw). */
  dimensions?: DimensionDiff;
  /**
   * When the dataset has both encodings: how the Parquet files agree with the text
   * files read (undefined otherwise).
   */
  agreement?: EncodingAgreement;
}

/**
 * The folder whose facts {@linkcode readDataset} reads: `star` when the dataset has
 * it, else `snowflake`, else none (the raw log is read). Files outside it are not
 * read, but for the raw log of a dataset without either schema.
 *
 * @example
 * ```ts
 * if (factFolder(["raw", "star", "snowflake"]) !== "star") throw new Error("star first");
 * if (factFolder(["raw"]) !== undefined) throw new Error("raw only");
 * ```
 */
export function factFolder(
  formats: readonly Format[],
): "star" | "snowflake" | undefined {
  return formats.includes("star")
    ? "star"
    : formats.includes("snowflake")
    ? "snowflake"
    : undefined;
}

/**
 * Read the dataset into observations.
 *
 * @param dir Dataset folder.
 * @param c Effective config (the manifest's parameters).
 * @param formats Formats present; star is preferred, then snowflake, then raw.
 * @param sessions Sessions the manifest records, count.
 * @param users Users the manifest records, count.
 * @param encodings Encodings the dataset was written in (the manifest's parameters):
 *   the text files are read when there are any, else the Parquet files, decoded into
 *   the text encoding's lines (the files reported read are then the `.parquet` files,
 *   with their own SHA-256). With both, each Parquet file is also compared with its
 *   text file ({@linkcode DatasetRead.agreement}).
 * @throws {UsageError} When a needed file or column is missing, or a fact row is
 *   damaged (wrong field count, quoted field, a line that is not a JSON object), or a
 *   Parquet file does not hold its table (see `ParquetTableReader.open`).
 * @example
 * ```ts
 * import { readManifest } from "../manifest/read_manifest.ts";
 * import type { Config } from "../config/schema.ts";
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const m = readManifest(out).manifest;
 *   const c = { ...m.parameters, out } as Config;
 *   const read = await readDataset(out, c, m.formats, m.sessions, m.users);
 *   // The counts observed are the manifest's; a strict JSON parser agrees on the turns.
 *   const turns = Deno.readTextFileSync(`${out}/raw/turns.jsonl`).trim().split("\n").map((l) => JSON.parse(l));
 *   if (read.obs.sessions !== m.sessions || read.obs.turns !== turns.length) throw new Error(read.source);
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function readDataset(
  dir: string,
  c: Config,
  formats: Format[],
  sessions: number,
  users: number,
  encodings: readonly EncodingChoice[] = ["text"],
): Promise<DatasetRead> {
  const obs = new Observations(c, sessions, users);
  const folder = factFolder(formats);
  const files: FileRead[] = [];
  const text = encodings.includes("text");
  const both = text && encodings.includes("parquet");
  const data = new DataFiles(dir, !text);
  const read: DatasetRead = { obs, source: "", files };
  if (folder) {
    read.dimensions = await readFacts(data, folder, obs, files);
    const shared = obs.sharedHashes();
    if (shared.size) {
      obs.violations.duplicates = await exactDuplicates(
        data,
        [`${folder}/fact_session.csv`, `${folder}/fact_turn.csv`],
        shared,
      );
    }
    read.source = `${data.rel(`${folder}/fact_turn.csv`)}, ${
      data.rel(`${folder}/fact_session.csv`)
    } and the dimensions listed below`;
  } else {
    await readRaw(data, c, users, obs, files);
    const shared = obs.sharedHashes();
    if (shared.size) {
      obs.violations.duplicates = await exactDuplicates(
        data,
        ["raw/turns.jsonl"],
        shared,
      );
    }
    read.source = `${data.rel("raw/turns.jsonl")} (users: those with sessions)`;
  }
  if (both) {
    read.source +=
      "; the text encoding was read, and each Parquet file was decoded and compared with its text file";
    read.agreement = await encodingsAgree(
      dir,
      files.map((f) => f.path),
      files,
    );
  } else if (!text) read.source += "; decoded from Parquet";
  return read;
}

/**
 * Compare each text file `textRels` with its Parquet counterpart, row by row: the
 * decoded lines must equal the text file's. Appends the Parquet files read to `files`.
 */
async function encodingsAgree(
  dir: string,
  textRels: string[],
  files: FileRead[],
): Promise<EncodingAgreement> {
  const out: EncodingAgreement = { files: 0, differing: 0 };
  const parquet = new DataFiles(dir, true);
  for (const rel of textRels) {
    const csv = rel.endsWith(".csv");
    const pq = parquet.open(rel);
    let txt: LineReader | undefined;
    try {
      txt = new LineReader(datasetFile(dir, rel));
      out.files++;
      for (let i = 0;; i++) {
        const a = txt.next(), b = pq.next() ?? await pq.more();
        if (a === undefined && b === undefined) break;
        if (a === b) continue;
        out.differing++;
        out.first ??= `${pq.rel} ${
          csv && i === 0 ? "columns" : `row ${csv ? i : i + 1}`
        }`;
      }
      files.push(await pq.finish());
    } finally {
      txt?.close();
      pq.close();
    }
  }
  return out;
}

/**
 * Sessions identical to an earlier one in every column but the key, turns included,
 * among those whose hash is in `shared`: a second pass over the session text (only
 * when hashes are shared), so a hash collision never counts as a duplicate.
 *
 * @param files `[fact_session, fact_turn]`, or `[raw/turns.jsonl]` (the session
 *   text is then its lines).
 */
async function exactDuplicates(
  data: DataFiles,
  files: string[],
  shared: Set<bigint>,
): Promise<number> {
  const seen = new Set<string>();
  let duplicates = 0;
  const readers: LineSource[] = [];
  try {
    for (const rel of files) readers.push(data.open(rel));
  } catch (e) {
    for (const r of readers) r.close();
    throw e;
  }
  const line = (r: LineSource) => r.next() ?? r.more();
  const keyOf = (l: string) =>
    l.slice(l.startsWith("{") ? 14 : 0, l.indexOf(","));
  const done = (parts: string[]) => {
    hashReset();
    for (const p of parts) hashText(p, p.indexOf(","));
    const h = (BigInt(fmix(laneA)) << 32n) | BigInt(fmix(laneB));
    if (!shared.has(h)) return;
    const text = parts.map((p) => p.slice(p.indexOf(","))).join("\n");
    if (seen.has(text)) duplicates++;
    else seen.add(text);
  };
  try {
    if (readers.length === 2) {
      const [S, T] = readers;
      await line(S);
      await line(T);
      let tl = await line(T);
      for (let sl = await line(S); sl !== undefined; sl = await line(S)) {
        const key = Number(keyOf(sl));
        while (tl !== undefined && Number(keyOf(tl)) < key) tl = await line(T);
        const parts = [sl];
        while (tl !== undefined && Number(keyOf(tl)) === key) {
          parts.push(tl);
          tl = await line(T);
        }
        done(parts);
      }
    } else {
      let parts: string[] = [], key = "";
      for (
        let l = await line(readers[0]);
        l !== undefined;
        l = await line(readers[0])
      ) {
        const k = keyOf(l);
        if (parts.length && k !== key) done(parts), parts = [];
        key = k;
        parts.push(l);
      }
      if (parts.length) done(parts);
    }
  } finally {
    for (const r of readers) r.close();
  }
  return duplicates;
}

async function readFacts(
  data: DataFiles,
  folder: string,
  obs: Observations,
  files: FileRead[],
): Promise<DimensionDiff> {
  const c = obs.c;
  const deviceIndex = new Map(c.population.devices.map((x, i) => [x.name, i]));
  const countryIndex = new Map(
    c.population.countries.map((x, i) => [x.code, i]),
  );
  const zoneIndex = new Map(distinctZones(c).map((z, i) => [z, i]));
  const startDay = parseIsoDate(c.calendar.start)!;
  // A 64-bit hash of each user's e-mail (8 bytes per user), sorted afterwards: equal
  // hashes are confirmed on the e-mails themselves in a second pass.
  const emailHashes = new BigUint64Array(obs.userDevice.length);
  let userRows = 0, lastUserKey = 0;
  files.push(
    await readUsers(data, `${folder}/dim_user.csv`, (r) => {
      if (userRows < emailHashes.length) {
        emailHashes[userRows] = emailHash(r.email);
      }
      userRows++;
      // Keys 1..N in order: each row's key is the previous row's + 1.
      const userKey = Number(r.user_key);
      if (userKey !== lastUserKey + 1) obs.violate("order");
      lastUserKey = userKey;
      const u = {
        user: Number(r.user_key) - 1,
        age: Number(r.age),
        device: folder === "star"
          ? deviceIndex.get(r.device_name) ?? -1
          : Number(r.device_key) - 1,
        country: folder === "star"
          ? countryIndex.get(r.country_code) ?? -1
          : Number(r.country_key) - 1,
        tenureDays: Number(r.tenure_days),
        zone: zoneIndex.get(r.time_zone) ?? -1,
      };
      obs.user(u);
      const follows = folder === "star"
        ? userFollowsConfig(c, startDay, {
          ...u,
          ageBand: r.age_band,
          countryName: r.country_name,
          region: r.region,
          locale: r.locale,
          platform: r.platform,
          signupDate: r.signup_date,
        })
        : userFollowsConfig(c, startDay, {
          ...u,
          ageBandKey: Number(r.age_band_key),
          signupDateKey: r.signup_date_key,
        });
      if (!follows) obs.violate("users");
    }),
  );
  const sharedEmails = sharedValues(
    emailHashes.subarray(0, Math.min(userRows, emailHashes.length)),
  );
  if (sharedEmails.size) {
    const seen = new Set<string>();
    await readUsers(data, `${folder}/dim_user.csv`, (r) => {
      if (!sharedEmails.has(emailHash(r.email))) return;
      if (seen.has(r.email)) obs.violate("emails");
      else seen.add(r.email);
    });
  }
  const expected = expectedDimensions(c, folder);
  const dims: Record<string, Set<string>> = {};
  const diff: DimensionDiff = { tables: 0, differing: 0 };
  for (const [name, lines] of expected) {
    const rel = `${folder}/${name}.csv`;
    const t = await dimensionTable(data, rel, lines, files);
    dims[name] = t.keys;
    diff.tables++;
    if (t.diffLine) {
      diff.differing++;
      diff.first ??= data.parquet
        ? `${data.rel(rel)} ${
          t.diffLine === 1 ? "columns" : `row ${t.diffLine - 1}`
        }`
        : `${rel} line ${t.diffLine}`;
    }
  }
  const dateKeys = dims.dim_date, timeKeys = dims.dim_time;
  const intentKeys = dims.dim_intent, channelKeys = dims.dim_channel;
  const deviceKeys = dims.dim_device, actKeys = dims.dim_dialogue_act;
  const act = (k: string) => actKeys.has(k) ? Number(k) - 1 : -1;

  const S = await FactReader.open(
    data,
    `${folder}/fact_session.csv`,
    FACT_SESSION,
    [
      "session_key",
      "user_key",
      "channel_key",
      "device_key",
      "goal_intent_key",
      "start_date_key",
      "start_time_key",
      "start_ts",
      "end_ts",
      "duration_ms",
      "turn_count",
      "fallback_count",
      "fallback_rate",
      "mean_confidence",
      "mean_latency_ms",
      "sentiment_score",
      "sentiment_label",
      "satisfaction",
      "escalated",
      "resolved",
      "language",
      "local_date_key",
      "local_time_key",
    ],
  );
  let T: FactReader;
  try {
    T = await FactReader.open(data, `${folder}/fact_turn.csv`, FACT_TURN, [
      "session_key",
      "turn_number",
      "user_key",
      "date_key",
      "time_key",
      "intent_key",
      "user_act_key",
      "bot_act_key",
      "channel_key",
      "device_key",
      "user_ts",
      "bot_ts",
      "confidence",
      "is_fallback",
      "latency_ms",
      "think_time_ms",
    ]);
  } catch (e) {
    S.r.close();
    throw e;
  }
  const sx = S.ix, tx = T.ix;
  const turnKeysResolve = (t: string[]) => {
    const u = Number(t[tx.user_key]) - 1;
    return u >= 0 && u < obs.userDevice.length && obs.userDevice[u] !== 255 &&
      channelKeys.has(t[tx.channel_key]) && deviceKeys.has(t[tx.device_key]);
  };
  let lastDate = "", lastDateOk = false, lastTime = "", lastTimeOk = false;
  const turns: TurnObs[] = [];
  const session = {} as SessionObs;
  try {
    let tKey = T.line === undefined ? NaN : Number(T.f[tx.session_key]);
    let orphans = 0;
    for (; S.line !== undefined; S.advance() || await S.more()) {
      const f = S.f, sl = S.line;
      const key = Number(f[sx.session_key]);
      while (T.line !== undefined && tKey < key) {
        orphans++;
        T.advance() || await T.more();
        tKey = T.line === undefined ? NaN : Number(T.f[tx.session_key]);
      }
      const startTs = f[sx.start_ts];
      const userKey = f[sx.user_key], channelKey = f[sx.channel_key];
      const deviceKey = f[sx.device_key];
      if (
        !channelKeys.has(channelKey) || !deviceKeys.has(deviceKey) ||
        !intentKeys.has(f[sx.goal_intent_key]) ||
        !dateKeys.has(f[sx.start_date_key]) ||
        !timeKeys.has(f[sx.start_time_key]) ||
        !dateKeys.has(f[sx.local_date_key]) ||
        !timeKeys.has(f[sx.local_time_key])
      ) obs.violate("keys");
      if (
        !isDateKeyOf(f[sx.start_date_key], startTs) ||
        !isTimeKeyOf(f[sx.start_time_key], startTs)
      ) obs.violate("agree");
      hashReset();
      hashText(sl, sl.indexOf(","));
      let n = 0;
      while (T.line !== undefined && tKey === key) {
        const t = T.f, tl = T.line;
        if (n === turns.length) turns.push(emptyTurn());
        const o = turns[n++];
        const userTs = t[tx.user_ts];
        o.turnNumber = Number(t[tx.turn_number]);
        o.intent = Number(t[tx.intent_key]) - 1;
        o.userAct = act(t[tx.user_act_key]);
        o.botAct = act(t[tx.bot_act_key]);
        o.channel = Number(t[tx.channel_key]) - 1;
        o.confidence = Number(t[tx.confidence]);
        o.fallback = t[tx.is_fallback] === "true";
        o.latencyMs = Number(t[tx.latency_ms]);
        o.thinkMs = Number(t[tx.think_time_ms]);
        o.userMs = parseTimestamp(userTs);
        o.botMs = parseTimestamp(t[tx.bot_ts]);
        // A turn whose user, channel and device keys equal its session's resolves
        // where the session's do (checked once per session); dates and times
        // repeat from turn to turn, so the last one looked up is remembered.
        const sameAsSession = t[tx.user_key] === userKey &&
          t[tx.channel_key] === channelKey && t[tx.device_key] === deviceKey;
        const dk = t[tx.date_key], tk = t[tx.time_key];
        if (dk !== lastDate) [lastDate, lastDateOk] = [dk, dateKeys.has(dk)];
        if (tk !== lastTime) [lastTime, lastTimeOk] = [tk, timeKeys.has(tk)];
        if (
          !lastDateOk || !lastTimeOk || !intentKeys.has(t[tx.intent_key]) ||
          (!sameAsSession && !turnKeysResolve(t))
        ) obs.violate("keys");
        if (
          !sameAsSession || !isDateKeyOf(dk, userTs) || !isTimeKeyOf(tk, userTs)
        ) obs.violate("agree");
        hashText(tl, tl.indexOf(","));
        T.advance() || await T.more();
        tKey = T.line === undefined ? NaN : Number(T.f[tx.session_key]);
      }
      session.session = key;
      session.user = Number(userKey) - 1;
      session.channel = Number(channelKey) - 1;
      session.device = Number(deviceKey) - 1;
      session.goal = Number(f[sx.goal_intent_key]) - 1;
      session.startTs = startTs;
      session.startMs = parseTimestamp(startTs);
      session.endMs = parseTimestamp(f[sx.end_ts]);
      session.durationMs = Number(f[sx.duration_ms]);
      session.turnCount = Number(f[sx.turn_count]);
      session.fallbackCount = Number(f[sx.fallback_count]);
      session.fallbackRate = Number(f[sx.fallback_rate]);
      session.meanConfidence = Number(f[sx.mean_confidence]);
      session.meanLatencyMs = Number(f[sx.mean_latency_ms]);
      session.sentimentScore = Number(f[sx.sentiment_score]);
      session.sentimentLabel = f[sx.sentiment_label];
      session.satisfaction = Number(f[sx.satisfaction]);
      session.escalated = f[sx.escalated] === "true";
      session.resolved = f[sx.resolved] === "true";
      session.language = f[sx.language];
      session.localDateKey = f[sx.local_date_key];
      session.localTimeKey = f[sx.local_time_key];
      obs.session(session, turns, n, fmix(laneA), fmix(laneB));
    }
    while (T.line !== undefined) {
      orphans++;
      T.advance() || await T.more();
    }
    if (orphans) {
      obs.orphanTurns(orphans);
      obs.violate("keys", orphans);
    }
    obs.violate("formats", S.badValues + T.badValues);
    files.push(await S.r.finish(), await T.r.finish());
  } finally {
    S.r.close();
    T.r.close();
  }
  return diff;
}

/** Session-level fields every line of a session repeats (raw JSONL). */
const RAW_SESSION_FIELDS = [
  "user_id",
  "channel",
  "session_start",
  "session_end",
  "session_turns",
  "session_fallbacks",
  "session_mean_confidence",
  "session_mean_latency_ms",
  "session_sentiment_score",
  "session_sentiment",
  "session_satisfaction",
  "session_escalated",
  "session_resolved",
  "user_time_zone",
  "session_start_local",
  "session_goal",
];

async function readRaw(
  data: DataFiles,
  c: Config,
  users: number,
  obs: Observations,
  files: FileRead[],
): Promise<void> {
  const intentIndex = new Map(c.intents.map((x, i) => [x.name, i]));
  const channelIndex = new Map(c.channels.map((x, i) => [x.name, i]));
  const deviceIndex = new Map(c.population.devices.map((x, i) => [x.name, i]));
  const countryIndex = new Map(
    c.population.countries.map((x, i) => [x.code, i]),
  );
  const zoneIndex = new Map(distinctZones(c).map((z, i) => [z, i]));
  const r = data.open("raw/turns.jsonl");
  const path = inFolder(data.dir, r.rel);
  const seenUser = new Uint32Array(users);
  const startDay = parseIsoDate(c.calendar.start)!;
  type Line = Record<string, unknown>;
  let first: Line | undefined;
  const turns: TurnObs[] = [];
  let n = 0;
  const flushSession = (l: Line) => {
    const startTs = String(l.session_start);
    obs.session(
      {
        session: l.session_id as number,
        user: (l.user_id as number) - 1,
        channel: channelIndex.get(l.channel as string) ?? -1,
        device: deviceIndex.get(l.user_device as string) ?? -1,
        goal: intentIndex.get(l.session_goal as string) ?? -1,
        startTs,
        startMs: parseTimestamp(startTs),
        endMs: parseTimestamp(String(l.session_end)),
        turnCount: l.session_turns as number,
        fallbackCount: l.session_fallbacks as number,
        meanConfidence: l.session_mean_confidence as number,
        meanLatencyMs: l.session_mean_latency_ms as number,
        sentimentScore: l.session_sentiment_score as number,
        sentimentLabel: l.session_sentiment as string,
        satisfaction: l.session_satisfaction as number,
        escalated: l.session_escalated as boolean,
        resolved: l.session_resolved as boolean,
        language: l.language as string,
        startLocal: String(l.session_start_local),
        zone: zoneIndex.get(l.user_time_zone as string) ?? -1,
      },
      turns,
      n,
      fmix(laneA),
      fmix(laneB),
    );
    n = 0;
  };
  try {
    for (
      let text = r.next() ?? await r.more();
      text !== undefined;
      text = r.next() ?? await r.more()
    ) {
      let l: Line;
      try {
        l = JSON.parse(text);
      } catch {
        throw new UsageError(`Cannot validate "${path}": a line is not JSON`);
      }
      if (typeof l !== "object" || l === null || Array.isArray(l)) {
        throw new UsageError(
          `Cannot validate "${path}": a line is not a JSON object`,
        );
      }
      if (first && first.session_id !== l.session_id) {
        flushSession(first);
        first = undefined;
      }
      if (!first) {
        first = l;
        hashReset();
      } else if (RAW_SESSION_FIELDS.some((k) => l[k] !== first![k])) {
        obs.violate("agree");
      }
      hashText(text, text.indexOf(","));
      if (n === turns.length) turns.push(emptyTurn());
      const o = turns[n++];
      o.turnNumber = l.turn_number as number;
      o.intent = intentIndex.get(l.intent as string) ?? -1;
      o.userAct = ACT_NAMES.indexOf(l.user_act as string);
      o.botAct = ACT_NAMES.indexOf(l.bot_act as string);
      o.channel = channelIndex.get(l.channel as string) ?? -1;
      o.confidence = l.confidence as number;
      o.fallback = l.is_fallback as boolean;
      o.latencyMs = l.latency_ms as number;
      o.thinkMs = l.think_time_ms as number;
      o.userMs = parseTimestamp(String(l.user_ts));
      o.botMs = parseTimestamp(String(l.bot_ts));
      const u = (l.user_id as number) - 1;
      // The user's fields, from "user_id" up to "channel": the same on every line
      // of the user (a 32-bit hash per user, 4 bytes each).
      const from = text.indexOf('"user_id":');
      const to = text.indexOf(',"channel":', from);
      const userHash = hash32(text, from, to) || 1;
      if (u >= 0 && u < users && !seenUser[u]) {
        seenUser[u] = userHash;
        const user = {
          user: u,
          age: l.user_age as number,
          device: deviceIndex.get(l.user_device as string) ?? -1,
          country: countryIndex.get(l.user_country_code as string) ?? -1,
          tenureDays: l.user_tenure_days as number,
          zone: zoneIndex.get(l.user_time_zone as string) ?? -1,
        };
        obs.user(user);
        if (
          !userFollowsConfig(c, startDay, {
            ...user,
            ageBand: l.user_age_band as string,
            countryName: l.user_country as string,
            region: l.user_region as string,
            locale: l.user_locale as string,
            language: l.language as string,
            platform: l.user_platform as string,
            signupDate: l.user_signup_date as string,
          })
        ) obs.violate("users");
      } else if (u >= 0 && u < users && seenUser[u] !== userHash) {
        obs.violate("users");
      }
    }
    if (first) flushSession(first);
    files.push(await r.finish());
  } finally {
    r.close();
  }
}
