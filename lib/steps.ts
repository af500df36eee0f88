/**
 * Long computations as steps: a generator that yields between chunks of work (every
 * 1,000 users or sessions, every few MiB hashed) and returns its result. Run it to the
 * end synchronously with {@linkcode runSteps} (library use, tests), or let the command
 * line run it with pauses for the event loop in between, so signal handlers can run
 * and stop it cleanly (`lib/cli/interrupt.ts`).
 *
 * @module
 */

/**
 * What a step may yield: nothing (a chunk is done; the runner decides whether to let
 * the event loop run), or {@linkcode LAST_CHANCE} (the point of no return is next,
 * e.g. moving a finished dataset into place: the runner should take pending signals
 * into account now).
 */
export type StepHint = void | typeof LAST_CHANCE;

/** Yielded just before an irreversible action; see {@linkcode StepHint}. */
export const LAST_CHANCE = "last-chance" as const;

/** A computation that yields between chunks of work and returns a `T`. */
export type Steps<T> = Generator<StepHint, T, void>;

/**
 * Run every step at once, without yielding to the event loop.
 *
 * @param steps The computation.
 * @returns Its result.
 * @throws Whatever the computation throws.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * function* count(): Steps<number> {
 *   yield;
 *   return 2;
 * }
 * strictEqual(runSteps(count()), 2);
 * ```
 */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
