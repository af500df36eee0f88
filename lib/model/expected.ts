/**
 * Analytic targets of the model, computed from the config (used by the README's model
 * table and by validation): expected fallback rates, mean turns, latency moments.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { compileDialogue } from "./dialogue.ts";
import { expectedFallbackRate } from "./fallback_rate.ts";

/** Analytic expectations of one intent. */
export interface IntentTarget {
  /** Intent name (config). */
  name: string;
  /** Share of turns with this intent, probability (exact, from the dialogue model). */
  probability: number;
  /** Beta shape α of the intent's confidence (config). */
  alpha: number;
  /** Beta shape β of the intent's confidence (config). */
  beta: number;
  /** alpha / (alpha + beta). */
  meanConfidence: number;
  /** {@linkcode expectedFallbackRate}. */
  fallbackRate: number;
}

/** Analytic expectations of a config. */
export interface ModelTargets {
  /** Per intent, in config order. */
  intents: IntentTarget[];
  /** Σ turn share × fallback rate: the expected share of turns that fall back. */
  overallFallbackRate: number;
  /** Mean turns per session (the dialogue model's, = `turns.count.mean`). */
  meanTurns: number;
  /** Lognormal latency before the channel multiplier: median e^mu, ms. */
  latencyMedianMs: number;
  /** e^(mu + sigma²/2), ms. */
  latencyMeanMs: number;
}

/**
 * Compute the analytic targets of a config.
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const c = effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml");
 * const t = modelTargets(c);
 * const { mu, sigma } = c.latency_ms;
 * if (Math.abs(t.latencyMeanMs / Math.exp(mu + sigma ** 2 / 2) - 1) > 1e-12) throw new Error("Mean");
 * const share = t.intents.reduce((s, i) => s + i.probability, 0);
 * if (Math.abs(share - 1) > 1e-9) throw new Error(`Intent shares sum to ${share}`);
 * ```
 */
export function modelTargets(c: Config): ModelTargets {
  const e = compileDialogue(c).expected;
  const intents = c.intents.map((i, k) => ({
    name: i.name,
    probability: e.intentTurns[k] / e.meanTurns,
    alpha: i.confidence.alpha,
    beta: i.confidence.beta,
    meanConfidence: i.confidence.alpha /
      (i.confidence.alpha + i.confidence.beta),
    fallbackRate: expectedFallbackRate(
      i.confidence.alpha,
      i.confidence.beta,
      c.fallback.threshold,
      c.fallback.noise_sd,
    ),
  }));
  const { mu, sigma } = c.latency_ms;
  return {
    intents,
    overallFallbackRate: intents.reduce(
      (a, i) => a + i.probability * i.fallbackRate,
      0,
    ),
    meanTurns: e.meanTurns,
    latencyMedianMs: Math.exp(mu),
    latencyMeanMs: Math.exp(mu + sigma * sigma / 2),
  };
}
