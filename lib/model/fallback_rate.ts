/**
 * The expected fallback rate of an intent (docs/design.md §3.7): the probability that a
 * turn's Beta confidence falls below the threshold plus its normal noise.
 *
 * @module
 */
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";

/** Midpoint-rule nodes over ±8 sd for the noise integral. */
const NOISE_NODES = 4000;

/**
 * Expected fallback rate of one intent: P(C < t + e) with C ~ Beta(alpha, beta) and
 * e ~ Normal(0, noiseSd) independent, i.e. E_e[F_Beta(t + e)] (docs/design.md §3.7).
 * Integrated numerically with the midpoint rule on ±8 sd (error < 1e-9 for the
 * default parameters); F_Beta from `@stdlib/stats-base-dists-beta-cdf`.
 *
 * @param alpha Beta first shape (> 0).
 * @param beta Beta second shape (> 0).
 * @param threshold Fallback threshold, probability.
 * @param noiseSd Noise standard deviation (≥ 0; 0 gives F_Beta(threshold)).
 * @returns A probability.
 * @example
 * ```ts
 * import { expectedFallbackRate } from "./fallback_rate.ts";
 * // Without noise it is the Beta CDF at the threshold: F(0.5; 1, 1) = 0.5.
 * console.assert(Math.abs(expectedFallbackRate(1, 1, 0.5, 0) - 0.5) < 1e-12);
 * ```
 */
export function expectedFallbackRate(
  alpha: number,
  beta: number,
  threshold: number,
  noiseSd: number,
): number {
  if (noiseSd === 0) return betaCdf(threshold, alpha, beta);
  let s = 0, w = 0;
  for (let i = 0; i < NOISE_NODES; i++) {
    const z = -8 + (16 * (i + 0.5)) / NOISE_NODES;
    const pdf = Math.exp(-0.5 * z * z);
    s += pdf * betaCdf(threshold + noiseSd * z, alpha, beta);
    w += pdf;
  }
  return s / w;
}
