/**
 * Truncated normal variates by rejection from the parent normal.
 *
 * @module
 */
import type { Uniform } from "./stream.ts";
import { normal } from "./normal.ts";

/** Rejection attempts before giving up; the config check keeps acceptance far above 1e-3. */
const MAX_ATTEMPTS = 100_000;

/**
 * One draw from Normal(mean, sd) conditioned on [min, max).
 *
 * @param rng Uniform source.
 * @param mean Parent mean.
 * @param sd Parent standard deviation (> 0).
 * @param min Lower bound (inclusive).
 * @param max Upper bound (exclusive), > min.
 * @throws {RangeError} When no draw lands in [min, max) after 100,000 attempts
 *   (the interval holds almost none of the parent's mass).
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const rng = new RandomStream(1, 2);
 * for (let i = 0; i < 1000; i++) {
 *   const x = truncatedNormal(rng, 0, 1, -0.5, 2);
 *   if (!(x >= -0.5 && x < 2)) throw new Error(`Out of [-0.5, 2): ${x}`);
 * }
 * ```
 */
export function truncatedNormal(
  rng: Uniform,
  mean: number,
  sd: number,
  min: number,
  max: number,
): number {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const x = normal(rng, mean, sd);
    if (x >= min && x < max) return x;
  }
  throw new RangeError(
    `Cannot sample Normal(${mean}, ${sd}) truncated to [${min}, ${max}): interval has almost no mass`,
  );
}
