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
 * the event loop run), {@linkcode LAST_CHANCE} (the point of no return is next,
 * e.g. moving a finished dataset into place: the runner should take pending signals
 * into account now), or a promise the runner must settle before the next step (an
 * encoder's database call; see {@linkcode awaitStep}).
 */
export type StepHint = void | typeof LAST_CHANCE | Promise<unknown>;

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
    if (r.value instanceof Promise) {
      r.value.catch(() => {});
      const e = new TypeError(
        "Cannot run an asynchronous step synchronously (Parquet output needs runStepsAsync)",
      );
      steps.throw(e);
      throw e;
    }
  }
}

/**
 * Run every step, settling the promises steps yield (and nothing else) before going
 * on; a rejected promise is thrown into the computation at its step.
 *
 * @param steps The computation.
 * @returns Its result.
 * @throws Whatever the computation throws.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * function* later(): Steps<number> {
 *   const x = yield* awaitStep(Promise.resolve(20));
 *   return x + 1;
 * }
 * strictEqual(await runStepsAsync(later()), 21);
 * ```
 */
export async function runStepsAsync<T>(steps: Steps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    r = await settle(steps, r.value);
  }
  return r.value;
}

/**
 * The next step after `hint`: awaits a promise first and throws its rejection into
 * `steps`; any other hint goes straight on.
 *
 * @param steps The computation.
 * @param hint What its last step yielded.
 * @returns What its next step yields or returns.
 */
export async function settle<T>(
  steps: Steps<T>,
  hint: StepHint,
): Promise<IteratorResult<StepHint, T>> {
  if (!(hint instanceof Promise)) return steps.next();
  let failed = false, reason: unknown;
  await hint.catch((e) => {
    failed = true;
    reason = e;
  });
  return failed ? steps.throw(reason) : steps.next();
}

/**
 * A promise as a step: yields it to the runner ({@linkcode runStepsAsync} or the
 * command line's) and returns its value.
 *
 * @param p The promise.
 * @returns Its value.
 * @throws Its rejection (thrown into the computation by the runner); a TypeError
 *   when run by {@linkcode runSteps}, which cannot wait.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * function* twice(): Steps<string> {
 *   const a = yield* awaitStep(Promise.resolve("a"));
 *   return a + a;
 * }
 * strictEqual(await runStepsAsync(twice()), "aa");
 * ```
 */
export function* awaitStep<T>(p: Promise<T>): Steps<T> {
  let box: { value: T } | undefined;
  yield p.then((value) => {
    box = { value };
  });
  if (!box) {
    throw new TypeError("A promise step resumed before it settled");
  }
  return box.value;
}

/**
 * A value as a computation of no steps, for an implementation of a steps interface
 * that has nothing to wait for.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(runSteps(stepsOf(3)), 3);
 * ```
 */
// deno-lint-ignore require-yield
export function* stepsOf<T>(value: T): Steps<T> {
  return value;
}
