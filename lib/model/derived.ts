/**
 * Bounds derived from the config that both the rules and the model need.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";

/**
 * Largest |z| a standard normal can reach from chatsynth's streams: uniforms are at
 * least 2^−33, so Box–Muller gives |z| ≤ sqrt(−2 ln 2^−33) ≈ 6.77.
 */
export const MAX_ABS_Z: number = Math.sqrt(-2 * Math.log(2 ** -33));

/**
 * The longest session the model can produce, ms: the largest turn count times the
 * largest latency (with the largest channel multiplier) plus the largest think time
 * (plus rounding). Every turn of every session ends within this of its start.
 */
export function longestSessionMs(
  c: Pick<Config, "channels" | "latency_ms" | "turns">,
): number {
  const maxMultiplier = Math.max(
    ...c.channels.map((ch) => ch.latency_multiplier),
  );
  const maxLatency =
    Math.exp(c.latency_ms.mu + c.latency_ms.sigma * MAX_ABS_Z) *
    maxMultiplier;
  const maxThink = Math.exp(
    c.turns.think_time_ms.mu + c.turns.think_time_ms.sigma * MAX_ABS_Z,
  );
  return c.turns.count.max * (maxLatency + maxThink + 2);
}

/** One time zone of a country with its relative weight. */
export interface ZoneWeight {
  /** IANA zone name, e.g. "America/Chicago". */
  zone: string;
  /** Relative weight (> 0); a country with a single `time_zone` has weight 1. */
  weight: number;
}

/**
 * The time zones of a country entry: its `time_zones` list, or its single
 * `time_zone` with weight 1, or none when it has neither (a config error the rules
 * report).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(countryZones({ time_zone: "Europe/Berlin" }), [{ zone: "Europe/Berlin", weight: 1 }]);
 * ```
 */
export function countryZones(
  country: { time_zone?: string; time_zones?: ZoneWeight[] },
): ZoneWeight[] {
  if (country.time_zones !== undefined) return country.time_zones;
  if (country.time_zone !== undefined) {
    return [{ zone: country.time_zone, weight: 1 }];
  }
  return [];
}

/**
 * Every distinct time zone of the config's countries, in order of first appearance
 * (`population.countries`, then each country's list): the index of a zone here is
 * the user's zone index in the model and in `validate`.
 */
export function distinctZones(c: Pick<Config, "population">): string[] {
  const seen = new Set<string>();
  for (const ctry of c.population.countries) {
    for (const z of countryZones(ctry)) seen.add(z.zone);
  }
  return [...seen];
}
