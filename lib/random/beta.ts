/**
 * Beta variates as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta)
 * (Devroye, "Non-Uniform Random Variate Generation", 1986, §IX.4).
 *
 * @module
 */
import type { Uniform } from "./stream.ts";
import { gamma, logGamma } from "./gamma.ts";

/**
 * One draw from Beta(alpha, beta), a probability in (0, 1).
 *
 * @param rng Uniform source.
 * @param alpha First shape (> 0).
 * @param beta Second shape (> 0).
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const p = betaVariate(new RandomStream(1, 2), 2, 5);
 * if (!(p > 0 && p < 1)) throw new Error(`Expected a probability, received ${p}`);
 * ```
 */
export function betaVariate(rng: Uniform, alpha: number, beta: number): number {
  if (alpha < 1 || beta < 1) {
    // Shapes below 1 can underflow both gammas to 0 (0 / 0); in logs,
    // X / (X + Y) = 1 / (1 + e^(log Y − log X)).
    const lx = logGamma(rng, alpha);
    const ly = logGamma(rng, beta);
    return 1 / (1 + Math.exp(ly - lx));
  }
  const x = gamma(rng, alpha);
  const y = gamma(rng, beta);
  return x / (x + y);
}
