/**
 * Buffered file output with a streaming SHA-256: rows are appended as strings, encoded
 * to UTF-8 in large chunks, written to one or more files and hashed once. Writing the
 * same bytes to several files serves tables that star and snowflake share.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";

/** Characters buffered before a flush (~1 MiB of ASCII). */
const FLUSH_CHARS = 1 << 20;

/** What a closed sink reports for the manifest. */
export interface SinkResult {
  /** Names given to the constructor (relative dataset paths). */
  names: string[];
  /** Bytes in each file. */
  bytes: number;
  /** Data rows (lines minus the header line, when there is one). */
  rows: number;
  /** Lowercase hex SHA-256 of each file's bytes. */
  sha256: string;
}

function writeAll(file: Deno.FsFile, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += file.writeSync(data.subarray(off));
}

/** Options of a {@linkcode FileSink}. */
export interface FileSinkOptions {
  /** Names reported in the result, e.g. relative dataset paths. */
  names: string[];
  /** Files that receive the bytes (identical copies); empty to only hash (`verify`). */
  files: string[];
  /** First line without its LF (CSV header), or `undefined` (JSONL). */
  header?: string;
}

/** A streaming, hashing writer of one logical file (possibly several copies). */
export class FileSink {
  readonly names: string[];
  #files: Deno.FsFile[];
  #hash: Hash = createHash("sha256");
  #buf = "";
  #bytes = 0;
  #rows = 0;
  #encoder = new TextEncoder();
  #out = new Uint8Array(FLUSH_CHARS * 3 + 64);

  /**
   * Create (truncate) the files.
   *
   * @throws {Deno.errors.PermissionDenied | Deno.errors.NotFound} From `Deno.openSync`.
   */
  constructor(opts: FileSinkOptions) {
    this.names = opts.names;
    this.#files = [];
    try {
      for (const p of opts.files) {
        this.#files.push(
          Deno.openSync(p, { write: true, create: true, truncate: true }),
        );
      }
    } catch (e) {
      this.abort();
      throw e;
    }
    if (opts.header !== undefined) this.#buf = opts.header + "\n";
  }

  /**
   * Append one row.
   *
   * @param line Row text without its line ending; an LF is appended.
   */
  row(line: string): void {
    this.#buf += line;
    this.#buf += "\n";
    this.#rows++;
    if (this.#buf.length >= FLUSH_CHARS) this.#flush();
  }

  #flush(): void {
    const s = this.#buf;
    this.#buf = "";
    let pos = 0;
    while (pos < s.length) {
      // Encode at most FLUSH_CHARS code units at a time: the buffer holds 3 bytes each.
      let end = Math.min(s.length, pos + FLUSH_CHARS);
      // Do not split a surrogate pair.
      if (end < s.length && (s.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      const { written } = this.#encoder.encodeInto(
        s.slice(pos, end),
        this.#out,
      );
      const chunk = this.#out.subarray(0, written);
      this.#hash.update(chunk);
      for (const f of this.#files) writeAll(f, chunk);
      this.#bytes += written;
      pos = end;
    }
  }

  /** Flush, close the files and return size, rows and digest. */
  close(): SinkResult {
    this.#flush();
    for (const f of this.#files) f.close();
    return {
      names: this.names,
      bytes: this.#bytes,
      rows: this.#rows,
      sha256: this.#hash.digest("hex"),
    };
  }

  /** Close the files without reporting (after a failure). */
  abort(): void {
    for (const f of this.#files) {
      try {
        f.close();
      } catch { /* already closed */ }
    }
  }
}
