/**
 * The expected fallback rate of an intent (docs/design.md §3.7): the probability that a
 * turn's confidence, as stored (rounded to 4 decimals), falls below the threshold plus
 * its normal noise.
 *
 * @module
 */
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";

/** Confidence is stored (and compared) on this grid: 4 decimals. */
const GRID = 1e4;
/** Noise beyond ±this many standard deviations is ignored (mass < 1.3e−15). */
const SPAN = 8;

/**
 * P(round4(C) < x) for C ~ Beta(alpha, beta), where round4(C) = Math.round(C × 10^4)
 * / 10^4 as the generator stores it: the smallest integer k ≥ x × 10^4 (x × 10^4
 * within 10^−7 of an integer counts as that integer) makes it F_Beta((k − ½) / 10^4).
 */
function storedCdf(x: number, alpha: number, beta: number): number {
  const m = x * GRID;
  const r = Math.round(m);
  const k = Math.abs(m - r) < 1e-7 ? r : Math.ceil(m);
  const edge = (k - 0.5) / GRID;
  return edge <= 0 ? 0 : edge >= 1 ? 1 : betaCdf(edge, alpha, beta);
}

/**
 * Expected fallback rate of one intent: P(round4(C) < t + e) with C ~ Beta(alpha, beta)
 * and e ~ Normal(0, noiseSd) independent (docs/design.md §3.7). The stored confidence
 * takes grid values only, so the rate is a sum over the grid cells k/10^4 the noisy
 * threshold can fall in: Σ_k F_Beta((k − ½)/10^4) × P((k − 1)/10^4 < t + e ≤ k/10^4),
 * over ±8 standard deviations (plus the mass above them, where every confidence up to
 * 1 falls back), exact up to the neglected tails (< 1.3 × 10^−15). F_Beta from
 * `@stdlib/stats-base-dists-beta-cdf`, Φ from `@stdlib/stats-base-dists-normal-cdf`.
 *
 * @param alpha Beta first shape (> 0).
 * @param beta Beta second shape (> 0).
 * @param threshold Fallback threshold, probability.
 * @param noiseSd Noise standard deviation (≥ 0; 0 gives P(round4(C) < threshold)).
 * @returns A probability.
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { expectedFallbackRate } from "./fallback_rate.ts";
 * // Uniform confidence, no noise: the stored value is below 0.5 for C < 0.49995.
 * ok(Math.abs(expectedFallbackRate(1, 1, 0.5, 0) - 0.49995) < 1e-12);
 * ```
 */
export function expectedFallbackRate(
  alpha: number,
  beta: number,
  threshold: number,
  noiseSd: number,
): number {
  if (noiseSd === 0) return storedCdf(threshold, alpha, beta);
  const lo = Math.ceil((threshold - SPAN * noiseSd) * GRID);
  const hi = Math.ceil((threshold + SPAN * noiseSd) * GRID);
  const phi = (k: number) => normalCdf(k / GRID, threshold, noiseSd);
  let s = 0;
  let below = phi(lo - 1);
  for (let k = lo; k <= hi; k++) {
    const upTo = phi(k);
    const edge = (k - 0.5) / GRID;
    const f = edge <= 0 ? 0 : edge >= 1 ? 1 : betaCdf(edge, alpha, beta);
    s += f * (upTo - below);
    below = upTo;
  }
  // Above the span every stored confidence (at most 1) is below t + e when t + e > 1.
  return s +
    (1 - below) * (hi / GRID > 1 ? 1 : storedCdf(hi / GRID, alpha, beta));
}
