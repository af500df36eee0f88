/**
 * Lognormal variates: exp(mu + sigma Z), Z standard normal.
 *
 * @module
 */
import type { Uniform } from "./stream.ts";
import { standardNormal } from "./normal.ts";

/**
 * One draw from Lognormal(mu, sigma): median e^mu, mean e^(mu + sigma²/2).
 *
 * @param rng Uniform source.
 * @param mu Mean of the log (e.g. 6.6 for latency in ms, docs/design.md §3.8).
 * @param sigma Standard deviation of the log (> 0).
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const rng = new RandomStream(1, 2);
 * const draws = Array.from({ length: 10_001 }, () => lognormal(rng, Math.log(700), 0.5));
 * draws.sort((a, b) => a - b);
 * const median = draws[5000]; // about e^mu = 700
 * if (Math.abs(median / 700 - 1) > 0.05) throw new Error(`Expected a median near 700, received ${median}`);
 * ```
 */
export function lognormal(rng: Uniform, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * standardNormal(rng));
}
