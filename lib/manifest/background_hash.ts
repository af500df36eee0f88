/**
 * SHA-256 of files on a second thread, while the calling thread does other work
 * (`validate` reads one representation and hashes it as it reads; the files it does
 * not read are hashed here meanwhile, for the fingerprint `report.html` shows).
 *
 * @module
 */
import { type FileDigestResult, hashDatasetFile } from "./file_digest.ts";
import type { HashRequest } from "./hash_worker.ts";

export type { FileDigestResult };

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
      worker.onmessage = (e: MessageEvent<FileDigestResult>) => {
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
