/**
 * Standard normal variates by the Box–Muller transform (Box & Muller, "A note on the
 * generation of random normal deviates", Ann. Math. Stat. 29, 1958).
 *
 * @module
 */
import type { Uniform } from "./stream.ts";

const TWO_PI = 2 * Math.PI;

/**
 * One standard normal draw N(0, 1); consumes exactly two uniforms.
 *
 * @param rng Uniform source, values strictly inside (0, 1), so `log(u1)` is finite.
 */
export function standardNormal(rng: Uniform): number {
  const u1 = rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
}

/**
 * One draw from Normal(mean, sd).
 *
 * @param rng Uniform source.
 * @param mean Mean, in the caller's unit.
 * @param sd Standard deviation (> 0), same unit.
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const a = normal(new RandomStream(1, 2), 10, 2);
 * const b = normal(new RandomStream(1, 2), 10, 2);
 * if (a !== b || !Number.isFinite(a)) throw new Error(`Expected equal finite draws: ${a}, ${b}`);
 * ```
 */
export function normal(rng: Uniform, mean: number, sd: number): number {
  return mean + sd * standardNormal(rng);
}
