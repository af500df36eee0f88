/**
 * SHA-256 of files on a second thread, while the calling thread does other work
 * (`validate` reads one representation and hashes it as it reads; the files it does
 * not read are hashed here meanwhile, for the fingerprint `report.html` shows).
 *
 * @module
 */
import { sha256File } from "./file_digest.ts";
import type { HashAnswer, HashRequest } from "./hash_worker.ts";
import { notRegularFileReason } from "./regular_file.ts";
import { inFolder } from "../wording.ts";

/** A file's digest, or why it could not be read. */
export type FileDigestResult = HashAnswer;

/**
 * Hashes a dataset's files on a worker thread, in the order given. Falls back to the
 * calling thread when no worker can be started (a `--allow-read` list without the
 * program's folder).
 *
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * try {
 *   Deno.writeTextFileSync(`${dir}/abc.txt`, "abc");
 *   const h = new BackgroundHashes(dir, ["abc.txt", "absent.txt"]);
 *   const got = await h.results();
 *   // The SHA-256 of "abc" published in FIPS 180-2, appendix B.1.
 *   if (got.get("abc.txt")?.digest?.sha256 !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") throw new Error("abc");
 *   if (got.get("absent.txt")?.problem !== "missing") throw new Error("absent");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export class BackgroundHashes {
  readonly #worker: Worker | undefined;
  readonly #done: Promise<Map<string, FileDigestResult>>;

  /**
   * Start hashing `paths` (dataset paths, relative to `dir`).
   *
   * @param dir The dataset folder.
   * @param paths The files, hashed in this order.
   */
  constructor(readonly dir: string, readonly paths: readonly string[]) {
    const out = new Map<string, FileDigestResult>();
    let worker: Worker | undefined;
    const url = new URL("./hash_worker.ts", import.meta.url);
    if (paths.length && mayLoadWorker(url)) {
      try {
        worker = new Worker(url, { type: "module" });
      } catch {
        worker = undefined;
      }
    }
    this.#worker = worker;
    if (!worker) {
      this.#done = Promise.resolve().then(() => {
        for (const p of paths) out.set(p, hashDatasetFile(dir, p));
        return out;
      });
      return;
    }
    this.#done = new Promise((resolve) => {
      worker.onmessage = (e: MessageEvent<HashAnswer>) => {
        out.set(e.data.path, e.data);
        if (out.size === paths.length) {
          worker.terminate();
          resolve(out);
        }
      };
      worker.onerror = (e: ErrorEvent) => {
        // The thread failed: hash what is left here.
        e.preventDefault();
        worker.terminate();
        for (const p of paths) {
          if (!out.has(p)) out.set(p, hashDatasetFile(dir, p));
        }
        resolve(out);
      };
    });
    for (const path of paths) {
      worker.postMessage({ dir, path } as HashRequest);
    }
  }

  /** Every file's digest or problem, once all are hashed. */
  results(): Promise<Map<string, FileDigestResult>> {
    return this.#done;
  }

  /** Stop the thread (when the results are not wanted any more). */
  stop(): void {
    this.#worker?.terminate();
  }
}

/**
 * Whether the thread's module and what it imports (all under lib/) may be read: a
 * worker whose module cannot be loaded prints Deno's "Uncaught" error on stderr
 * before its error event reaches the caller, so without the permission no worker is
 * started and the files are hashed on the calling thread.
 */
function mayLoadWorker(url: URL): boolean {
  if (url.protocol !== "file:") return true;
  try {
    return Deno.permissions.querySync({
      name: "read",
      path: new URL("..", url),
    }).state === "granted";
  } catch {
    return false;
  }
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
 *   file, or the first line of the read error. Never throws.
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
