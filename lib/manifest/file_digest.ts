/**
 * Streaming SHA-256 of a file: read once in 1 MiB chunks, memory bounded whatever the
 * file size.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { runSteps, type Steps } from "../steps.ts";

const CHUNK = 1 << 20;

/** Chunks read between two steps of {@linkcode sha256FileSteps} (32 MiB). */
const CHUNKS_PER_STEP = 32;

/**
 * Size and SHA-256 of a file.
 *
 * @param path File path.
 * @returns `bytes` and lowercase hex `sha256`.
 * @throws {Deno.errors.NotFound | Deno.errors.PermissionDenied} From `Deno.openSync`.
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.writeTextFileSync(`${dir}/abc.txt`, "abc");
 *   // The SHA-256 of "abc" published in FIPS 180-2, appendix B.1.
 *   const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
 *   const d = sha256File(`${dir}/abc.txt`);
 *   if (d.sha256 !== abc || d.bytes !== 3) throw new Error(JSON.stringify(d));
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function sha256File(path: string): { bytes: number; sha256: string } {
  return runSteps(sha256FileSteps(path));
}

/**
 * {@linkcode sha256File} as steps, one per 32 MiB read; the file is closed however
 * the steps end (an error thrown into them included).
 *
 * @param path File path.
 * @returns Steps that end with `bytes` and lowercase hex `sha256`.
 * @throws {Deno.errors.NotFound | Deno.errors.PermissionDenied} From `Deno.openSync`.
 */
export function* sha256FileSteps(
  path: string,
): Steps<{ bytes: number; sha256: string }> {
  const file = Deno.openSync(path, { read: true });
  try {
    const hash = createHash("sha256");
    const buf = new Uint8Array(CHUNK);
    let bytes = 0;
    for (let chunks = 1;; chunks++) {
      const n = file.readSync(buf);
      if (n === null) break;
      hash.update(buf.subarray(0, n));
      bytes += n;
      if (chunks % CHUNKS_PER_STEP === 0) yield;
    }
    return { bytes, sha256: hash.digest("hex") };
  } finally {
    file.close();
  }
}

/**
 * SHA-256 of bytes or of a string's UTF-8 encoding, as lowercase hex.
 *
 * @param data The bytes, or a string hashed as UTF-8.
 * @returns 64 lowercase hex digits.
 * @example
 * ```ts
 * import { sha256Hex } from "./file_digest.ts";
 * sha256Hex(""); // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Reads a text file line by line (LF), streaming, for first-difference reports. */
export class LineReader {
  #file: Deno.FsFile;
  #decoder = new TextDecoder();
  #buf = new Uint8Array(CHUNK);
  #pending: string[] = [];
  #tail = "";
  #done = false;

  /**
   * Open a file for reading.
   *
   * @param path A UTF-8 text file.
   */
  constructor(path: string) {
    this.#file = Deno.openSync(path, { read: true });
  }

  /** The next line without its LF, or `undefined` at the end of the file. */
  next(): string | undefined {
    while (this.#pending.length === 0 && !this.#done) {
      const n = this.#file.readSync(this.#buf);
      if (n === null) {
        this.#done = true;
        this.#tail += this.#decoder.decode();
        if (this.#tail !== "") this.#pending.push(this.#tail);
        this.#tail = "";
        break;
      }
      const text = this.#tail +
        this.#decoder.decode(this.#buf.subarray(0, n), { stream: true });
      const lines = text.split("\n");
      this.#tail = lines.pop()!;
      this.#pending = lines.reverse();
    }
    return this.#pending.pop();
  }

  /** Close the file. */
  close(): void {
    this.#file.close();
  }
}
