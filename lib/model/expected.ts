/**
 * Analytic targets of the model, computed from the config (used by the README's model
 * table and by validation): expected fallback rates, mean turns, latency moments.
 *
 * @module
 */
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import type { Config } from "../config/schema.ts";
import { compileDialogue } from "./dialogue.ts";

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

/** Compute the analytic targets of a config. */
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
