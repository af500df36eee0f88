/**
 * Geometric variates on {1, 2, ...} by inversion.
 *
 * @module
 */
import type { Uniform } from "./stream.ts";

/**
 * One draw from the geometric distribution on {1, 2, ...} with success probability
 * `p = 1 / mean`, censored at `max` (values above `max` become `max`).
 *
 * P(T = k) = (1 − p)^(k−1) p for k < max; P(T = max) = (1 − p)^(max−1).
 * Mean of the censored variable: (1 − (1 − p)^max) / p.
 *
 * @param rng Uniform source; consumes one value.
 * @param mean Uncensored mean 1/p (> 1; e.g. 7 turns, docs/design.md §3.4).
 * @param max Censoring point, an integer ≥ 1.
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const rng = new RandomStream(1, 2);
 * for (let i = 0; i < 1000; i++) {
 *   const t = geometric(rng, 7, 20);
 *   if (!Number.isInteger(t) || t < 1 || t > 20) throw new Error(`Out of range: ${t}`);
 * }
 * ```
 */
export function geometric(rng: Uniform, mean: number, max: number): number {
  const p = 1 / mean;
  const t = 1 + Math.floor(Math.log(rng.next()) / Math.log1p(-p));
  return t > max ? max : t;
}

/**
 * Mean of {@linkcode geometric} with the same parameters: (1 − (1 − p)^max) / p.
 *
 * @param mean Uncensored mean 1/p.
 * @param max Censoring point.
 *
 * @example
 * ```ts
 * // max 1: every draw is 1.
 * if (Math.abs(censoredGeometricMean(7, 1) - 1) > 1e-12) throw new Error("Expected 1");
 * // A far censoring point leaves the mean 1/p = 7.
 * if (Math.abs(censoredGeometricMean(7, 1000) - 7) > 1e-9) throw new Error("Expected 7");
 * ```
 */
export function censoredGeometricMean(mean: number, max: number): number {
  const p = 1 / mean;
  return (1 - Math.exp(max * Math.log1p(-p))) / p;
}
