/**
 * Beta variates as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta)
 * (Devroye, "Non-Uniform Random Variate Generation", 1986, §IX.4).
 *
 * @module
 */
import type { Uniform } from "./stream.ts";
import { gamma } from "./gamma.ts";

/**
 * One draw from Beta(alpha, beta), a probability in (0, 1).
 *
 * @param rng Uniform source.
 * @param alpha First shape (> 0).
 * @param beta Second shape (> 0).
 */
export function betaVariate(rng: Uniform, alpha: number, beta: number): number {
  const x = gamma(rng, alpha);
  const y = gamma(rng, beta);
  return x / (x + y);
}
