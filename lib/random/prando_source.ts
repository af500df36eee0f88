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
 * - its step is linear over GF(2) and 2-to-1 (the sign-extending `>> 17` clears bit
 *   31 of the intermediate value), so only 2^31 states follow the first step. They
 *   form (by the step's matrix algebra, checked in `tests/random_test.ts`) two
 *   cycles of 2^29 − 1 = 536,870,911 states, one of 2^30 − 2 = 1,073,741,822, the
 *   zero state, a second fixed point 0x4e260138 and a 2-cycle {0x89b3c017,
 *   0xc795c12f}. Eight int32 seeds step into those short cycles
 *   ({@linkcode SHORT_CYCLE_SEEDS}); {@linkcode createPrando} rejects them, so every
 *   accepted seed has a period of 536,870,911 or 1,073,741,822, both dividing
 *   2^30 − 2. Linearity is why `stream.ts` adds (not XORs) two generators, and the
 *   short common period why it also adds a Weyl counter.
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
/**
 * The int32 seeds whose stream has a period below 536,870,911: 0 and
 * {@linkcode FREEZING_SEED} (to the zero state), 0x4e260138 and 0xb2261ec7 (to the
 * fixed point 0x4e260138), 0x89b3c017, 0x75b3dfe8, 0xc795c12f and 0x3b95ded0 (to the
 * 2-cycle). Pairs differ by 0xfc001fff, the one non-zero state the step sends to 0.
 */
export const SHORT_CYCLE_SEEDS: readonly number[] = Object.freeze([
  0,
  FREEZING_SEED,
  0x4e260138 | 0,
  0xb2261ec7 | 0,
  0x89b3c017 | 0,
  0x75b3dfe8 | 0,
  0xc795c12f | 0,
  0x3b95ded0 | 0,
]);

/** 2^32 − 1: the divisor prando's `map()` uses (MAX − MIN). */
const PRANDO_SPAN = 4294967295;

/**
 * Create a prando generator from a 32-bit seed.
 *
 * @param seed An integer in [−2^31, 2^31 − 1], not one of {@linkcode SHORT_CYCLE_SEEDS}.
 * @returns A prando instance whose first `next()` is the xorshift of `seed`.
 * @throws {RangeError} When `seed` is not an integer, is outside int32 (prando would
 *   silently truncate it: 0.5 → 0, 2^32 → 0), or is one of
 *   {@linkcode SHORT_CYCLE_SEEDS} (0 and {@linkcode FREEZING_SEED} freeze at the zero
 *   state, the others at a fixed point or a 2-cycle).
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
  if (SHORT_CYCLE_SEEDS.includes(seed)) {
    throw new RangeError(
      `Cannot seed prando: seed ${seed} steps into a cycle of 1 or 2 states`,
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
 * @example
 * ```ts
 * const x = prandoState32(createPrando(12345));
 * if (!Number.isInteger(x) || x < 0 || x > 2 ** 32 - 1) throw new Error(`Not a uint32: ${x}`);
 * ```
 */
export function prandoState32(p: Prando): number {
  return Math.round(p.next() * PRANDO_SPAN);
}
