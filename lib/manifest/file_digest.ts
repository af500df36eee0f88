/**
 * Streaming SHA-256 of a file: read once in 1 MiB chunks, memory bounded whatever the
 * file size.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { runSteps, type Steps } from "../steps.ts";
import { notRegularFileReason } from "./regular_file.ts";
import { inFolder } from "../wording.ts";

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

/** A dataset file's size and SHA-256, or why it could not be read. */
export interface FileDigestResult {
  /** The dataset path. */
  path: string;
  /** Bytes and lowercase hex SHA-256, when read. */
  digest?: { bytes: number; sha256: string };
  /** "missing", the reason it is not a regular file, or why it is not readable. */
  problem?: string;
}

/**
 * Size and SHA-256 of one dataset file, read only when it is a regular file inside the
 * dataset folder, as validate and verify read them: a symbolic link (to `/dev/zero`, say), a FIFO
 * (whose open would wait for a writer forever), a device or a folder in its place is
 * answered with the reason, never opened.
 *
 * @param dir The dataset folder.
 * @param path The dataset path (forward slashes, relative to `dir`).
 * @returns The digest, or the problem: "missing", the reason it is not a regular
 *   file, or the kind of read error (never its message, which names the absolute
 *   path). Never throws.
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.writeTextFileSync(`${dir}/abc.txt`, "abc");
 *   Deno.symlinkSync(`${dir}/abc.txt`, `${dir}/link.txt`);
 *   // The SHA-256 of "abc" published in FIPS 180-2, appendix B.1.
 *   if (hashDatasetFile(dir, "abc.txt").digest?.sha256 !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") throw new Error("abc");
 *   if (hashDatasetFile(dir, "link.txt").digest !== undefined) throw new Error("A link is not read");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function hashDatasetFile(dir: string, path: string): FileDigestResult {
  try {
    const why = notRegularFileReason(dir, path);
    if (why) return { path, problem: why };
    return { path, digest: sha256File(inFolder(dir, path)) };
  } catch (e) {
    return {
      path,
      // The error's kind, not its message: that names the absolute path, and the
      // page's bytes must not depend on where the dataset is.
      problem: e instanceof Deno.errors.NotFound
        ? "missing"
        : e instanceof Deno.errors.PermissionDenied ||
            e instanceof Deno.errors.NotCapable
        ? "not readable (permission denied)"
        : e instanceof Deno.errors.IsADirectory
        ? "a folder, not a file"
        : `not readable (${e instanceof Error ? e.name : "error"})`,
    };
  }
}
