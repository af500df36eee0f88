/**
 * SHA-256 of files on a second thread, while the calling thread does other work
 * (`validate` reads one representation and hashes it as it reads; the files it does
 * not read are hashed here meanwhile, for the fingerprint `report.html` shows).
 *
 * @module
 */
import { sha256File } from "./file_digest.ts";
import type { HashAnswer, HashRequest } from "./hash_worker.ts";
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
    if (paths.length) {
      try {
        worker = new Worker(new URL("./hash_worker.ts", import.meta.url), {
          type: "module",
        });
      } catch {
        worker = undefined;
      }
    }
    this.#worker = worker;
    if (!worker) {
      this.#done = Promise.resolve().then(() => {
        for (const p of paths) out.set(p, hashHere(dir, p));
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
        for (const p of paths) if (!out.has(p)) out.set(p, hashHere(dir, p));
        resolve(out);
      };
    });
    for (const path of paths) {
      worker.postMessage({ path, file: inFolder(dir, path) } as HashRequest);
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

/** One file hashed on the calling thread. */
function hashHere(dir: string, path: string): FileDigestResult {
  try {
    return { path, digest: sha256File(inFolder(dir, path)) };
  } catch (e) {
    return {
      path,
      problem: e instanceof Deno.errors.NotFound
        ? "missing"
        : (e instanceof Error ? e.message : String(e)).split("\n")[0],
    };
  }
}
