/**
 * A random stream: the combined generator every draw of chatsynth comes from.
 *
 * Two prando xorshift generators, seeded from the two independent 32-bit halves of a
 * unit's 64-bit key, step together with a Weyl sequence (a counter advanced by a
 * fixed odd constant each draw, as in Marsaglia's xorwow, "Xorshift RNGs", J. Stat.
 * Softw. 8(14), 2003); the output is the sum of the two 32-bit prando states and the
 * counter modulo 2^32, mapped to the open interval (0, 1).
 *
 * Why a sum and not an XOR. prando's step (`x ^= x << 13; x ^= x >> 17; x ^= x << 5`,
 * with a sign-extending `>>`) is linear over GF(2), so the XOR of two prando streams
 * is exactly one prando stream seeded with the XOR of the two seeds: the pair had the
 * reuse of a single 31-bit generator (duplicate sessions from 100,000 sessions on).
 * Addition modulo 2^32 is not linear over GF(2) (carries), so the output depends on
 * both states, not on their XOR alone; two units repeat each other's outputs only if
 * both states coincide (about 2^−62 per pair of draws).
 *
 * Why the Weyl counter. Every prando cycle after the first step has a length dividing
 * 2^30 − 2 (536,870,911 and 1,073,741,822 states), so the pair alone repeats after at
 * most 2^30 − 2 draws whatever the seeds. Adding a counter of period 2^32 makes the
 * state's period lcm(2^30 − 2 or 2^29 − 1, 2^32) = 2^32 · (2^29 − 1) ≈ 2^61 for every
 * accepted seed pair. The counter starts at the same value
 * in every unit, so it adds no state across units; it only lengthens each stream.
 *
 * The sum is symmetric in the two halves, so `unitKey` makes sure no two units have
 * each other's halves swapped (see `unit_key.ts`). Measured with
 * `tools/output_reuse.ts` (repeated windows of 4 consecutive outputs across units)
 * and dieharder (`bench/dieharder.sh`); figures in the README.
 *
 * @module
 */
import {
  createPrando,
  type Prando,
  prandoState32,
  SHORT_CYCLE_SEEDS,
} from "./prando_source.ts";
import { streamId, unitKey } from "./unit_key.ts";

/** 2^−32. */
const INV_2_32 = 2.3283064365386963e-10;
/** Start value of the Weyl counter (Marsaglia's xorwow constant). */
export const WEYL_START = 6615241;
/** Increment of the Weyl counter per draw; odd, so the counter has period 2^32. */
export const WEYL_STEP = 362437;
/**
 * Replacements for the key halves prando cannot use ({@linkcode SHORT_CYCLE_SEEDS},
 * in that order): the third to eighth words of SHA-256's initial hash value and its
 * first two round constants, all seeds of full-length prando cycles.
 */
const SEED_SUBSTITUTES: readonly number[] = [
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
  0x428a2f98,
  0x71374491,
].map((x) => x | 0);

/**
 * Turn an unsigned 32-bit key half into a usable prando seed: the same bits as an
 * int32, except the eight values whose prando stream freezes or has period 2
 * ({@linkcode SHORT_CYCLE_SEEDS}, probability 2^−29 per half), which are replaced
 * by fixed constants.
 *
 * @param half Unsigned 32-bit key half.
 * @returns An int32 seed {@linkcode createPrando} accepts.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(halfToSeed(0xffffffff), -1);
 * strictEqual(halfToSeed(0) !== 0, true); // 0 would freeze prando
 * ```
 */
export function halfToSeed(half: number): number {
  const s = half | 0;
  const i = SHORT_CYCLE_SEEDS.indexOf(s);
  return i < 0 ? s : SEED_SUBSTITUTES[i];
}

/**
 * A source of uniform values strictly inside (0, 1) with 2^−32 resolution.
 * Samplers take this interface, so tests can feed fixed sequences.
 */
export interface Uniform {
  /** Next value, strictly inside (0, 1): never 0, never 1. */
  next(): number;
}

/** The combined generator of one unit: two prando generators and a Weyl counter. */
export class RandomStream implements Uniform {
  #a: Prando;
  #b: Prando;
  #w = WEYL_START;

  /**
   * The stream of one unit key.
   *
   * @param hi High key half, unsigned 32-bit.
   * @param lo Low key half, unsigned 32-bit.
   */
  constructor(hi: number, lo: number) {
    this.#a = createPrando(halfToSeed(hi));
    this.#b = createPrando(halfToSeed(lo));
  }

  /**
   * Next raw output, an unsigned 32-bit integer: `(stateA + stateB + w) mod 2^32`,
   * where both prando generators step once and the counter `w` advances by
   * {@linkcode WEYL_STEP} first (draw k, from 1, adds `WEYL_START + k · WEYL_STEP`).
   *
   * @example
   * ```ts
   * const x = new RandomStream(1, 2).nextUint32();
   * if (!Number.isInteger(x) || x < 0 || x > 2 ** 32 - 1) throw new Error(`Not a uint32: ${x}`);
   * ```
   */
  nextUint32(): number {
    this.#w = (this.#w + WEYL_STEP) >>> 0;
    // At most 3 · 2^32 before reduction: exact in a double, and >>> 0 takes it mod 2^32.
    return (prandoState32(this.#a) + prandoState32(this.#b) + this.#w) >>> 0;
  }

  /**
   * Next uniform value: `(nextUint32() + 0.5) / 2^32`, in [2^−33, 1 − 2^−33], so
   * strictly inside (0, 1).
   */
  next(): number {
    return (this.nextUint32() + 0.5) * INV_2_32;
  }
}

/**
 * Factory of unit streams for one dataset seed.
 *
 * @example
 * ```ts
 * const streams = new StreamFactory(42);
 * const a = streams.stream("session", 0).next();
 * // A new factory with the same seed gives the same value; another seed another one.
 * if (new StreamFactory(42).stream("session", 0).next() !== a) throw new Error("Not reproducible");
 * if (new StreamFactory(43).stream("session", 0).next() === a) throw new Error("Seed ignored");
 * ```
 */
export class StreamFactory {
  /** Dataset seed, an integer in [0, 2^53 − 1]. */
  readonly seed: number;
  #ids = new Map<string, number>();

  /**
   * Streams of one dataset.
   *
   * @param seed Dataset seed, an integer in [0, 2^53 − 1] (validated by the caller).
   */
  constructor(seed: number) {
    this.seed = seed;
  }

  /**
   * The stream of unit `index` of kind `name`; the same arguments always give a
   * stream that yields the same values.
   *
   * @param name Stream name, e.g. "user", "session".
   * @param index Unit index, an integer in [0, 2^53 − 1].
   */
  stream(name: string, index: number): RandomStream {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = streamId(name);
      this.#ids.set(name, id);
    }
    const [hi, lo] = unitKey(this.seed, id, index);
    return new RandomStream(hi, lo);
  }
}
