/**
 * Bounds derived from the config that both the rules and the model need.
 *
 * @module
 */
import type { Config } from "./schema.ts";

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
