/**
 * A dataset's shared resources ({@linkcode SharedResources}): each opened on first
 * use, kept for the dataset's tables, and released once at the end, in reverse order
 * of opening.
 *
 * @module
 */
import type { SharedResources } from "./encoding.ts";
import type { Steps } from "../steps.ts";

interface Entry {
  value: unknown;
  release: (r: unknown) => void;
}

/**
 * Resources of one dataset, by key: {@linkcode SharedResourcePool.use} opens a
 * resource the first time its key is asked for; {@linkcode SharedResourcePool.releaseAll}
 * releases every one once (when the dataset is done or has failed).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { runSteps, type Steps } from "../steps.ts";
 * const pool = new SharedResourcePool();
 * const log: string[] = [];
 * function* open(): Steps<{ id: number }> {
 *   log.push("open");
 *   yield;
 *   return { id: 1 };
 * }
 * const a = runSteps(pool.use("db", open, () => log.push("release")));
 * const b = runSteps(pool.use("db", open, () => log.push("release")));
 * strictEqual(a, b); // opened once
 * pool.releaseAll();
 * pool.releaseAll(); // nothing left: released once
 * deepStrictEqual(log, ["open", "release"]);
 * ```
 */
export class SharedResourcePool implements SharedResources {
  #entries = new Map<string, Entry>();

  /**
   * The resource under `key`, opened by `open` the first time.
   *
   * @param key Name of the resource, e.g. "duckdb".
   * @param open Steps that open it (may wait for promises).
   * @param release Called once by {@linkcode SharedResourcePool.releaseAll}; what it
   *   throws is ignored.
   * @returns The resource.
   * @throws Whatever `open` throws (nothing is kept then).
   */
  *use<T>(
    key: string,
    open: () => Steps<T>,
    release: (r: T) => void,
  ): Steps<T> {
    const known = this.#entries.get(key);
    if (known) return known.value as T;
    const value = yield* open();
    // Two computations may have opened the same key while waiting: keep the first.
    const raced = this.#entries.get(key);
    if (raced) {
      try {
        release(value);
      } catch { /* released what it could */ }
      return raced.value as T;
    }
    this.#entries.set(key, {
      value,
      release: release as (r: unknown) => void,
    });
    return value;
  }

  /** Release every resource (last opened first) and forget it; never throws. */
  releaseAll(): void {
    const entries = [...this.#entries.values()].reverse();
    this.#entries.clear();
    for (const e of entries) {
      try {
        e.release(e.value);
      } catch { /* released what it could */ }
    }
  }
}
