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
 */
export function lognormal(rng: Uniform, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * standardNormal(rng));
}
