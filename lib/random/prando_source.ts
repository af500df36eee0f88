/**
 * The one place prando is constructed. Guards the measured defects of prando 6.0.1
 * (docs/design.md §4.2) so no caller can meet them:
 *
 * - a numeric seed is used as `ToInt32(seed)`, so seeds that truncate to 0
 *   (0.5, 2^32, NaN) give the all-zero xorshift state and a frozen stream; so does
 *   the one non-zero seed whose first step is 0, −67,100,673 (0xfc001fff; it has no
 *   predecessor, so no other state leads to it): {@linkcode createPrando} accepts
 *   only int32 seeds whose first step is non-zero and throws otherwise;
 * - `next()` maps the int32 state onto the closed interval [0, 1] and returns
 *   exactly 0 or 1 at the state extremes: callers never use that float, they read
 *   the 32-bit state back with {@linkcode prandoState32} and build their own
 *   open-interval value (see `stream.ts`);
 * - its sign-extending shift gives short cycles (536,870,911 and 1,073,741,822
 *   states): `stream.ts` combines two generators so the period and the state
 *   space are those of the pair.
 *
 * @module
 */
import PrandoModule from "prando";

/** The part of prando's API chatsynth uses. */
export interface Prando {
  /** Next value of the closed interval [0, 1] (prando maps its int32 state linearly). */
  next(): number;
}

/**
 * prando ships a UMD bundle whose `.d.ts` declares an ES default export; under Deno's
 * CommonJS interop the default import is the class itself, typed as a namespace.
 */
const PrandoClass = PrandoModule as unknown as new (seed: number) => Prando;

/** Smallest and largest int32, the range of prando's internal state. */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** The int32 seed whose first xorshift step is 0 (found by exhaustive search). */
export const FREEZING_SEED: number = -67100673;
/** 2^32 − 1: the divisor prando's `map()` uses (MAX − MIN). */
const PRANDO_SPAN = 4294967295;

/**
 * Create a prando generator from a 32-bit seed.
 *
 * @param seed A non-zero integer in [−2^31, 2^31 − 1].
 * @returns A prando instance whose first `next()` is the xorshift of `seed`.
 * @throws {RangeError} When `seed` is not an integer, is outside int32 (prando would
 *   silently truncate it: 0.5 → 0, 2^32 → 0), or is 0 or {@linkcode FREEZING_SEED}
 *   (the state becomes 0 and never changes).
 */
export function createPrando(seed: number): Prando {
  if (!Number.isInteger(seed) || seed < INT32_MIN || seed > INT32_MAX) {
    throw new RangeError(
      `Cannot seed prando: seed must be a non-zero int32, received ${seed}`,
    );
  }
  if (seed === 0 || seed === FREEZING_SEED) {
    throw new RangeError(
      `Cannot seed prando: seed ${seed} gives a frozen all-zero xorshift state`,
    );
  }
  return new PrandoClass(seed);
}

/**
 * Advance a prando generator one step and return its new 32-bit state as an
 * unsigned integer in [0, 2^32 − 1] (the int32 state plus 2^31).
 *
 * prando exposes only `next()`, which returns `(state + 2^31) / (2^32 − 1)` as a
 * float in the closed interval [0, 1]. Multiplying back and rounding recovers the
 * integer exactly: the float's relative error is at most 2^−53, far below 0.5 / 2^32.
 *
 * @param p A generator made by {@linkcode createPrando}.
 * @returns The state after one xorshift step, offset to [0, 2^32 − 1]; never 2^31
 *   (the all-zero state, unreachable from a seed {@linkcode createPrando} accepts).
 */
export function prandoState32(p: Prando): number {
  return Math.round(p.next() * PRANDO_SPAN);
}
