/**
 * What the configured model says each observed quantity should follow: probabilities,
 * CDFs and analytic moments, all computed from the config with `@stdlib` distribution
 * functions (docs/design.md §3).
 *
 * @module
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import lognormalCdf from "@stdlib/stats-base-dists-lognormal-cdf";
import lognormalQuantile from "@stdlib/stats-base-dists-lognormal-quantile";
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import negativeBinomialPmf from "@stdlib/stats-base-dists-negative-binomial-pmf";
import type { Config } from "../config/schema.ts";
import { WEEKDAYS } from "../config/schema.ts";
import { parseIsoDate } from "../calendar/iso_date.ts";
import { utcOffsetMinutes } from "../calendar/time_zone.ts";
import { expectedFallbackRate } from "../model/fallback_rate.ts";

/** Normalize non-negative weights to probabilities. */
export function normalize(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/**
 * P(age = a) for a = min..max: the floor of Normal(mean, sd) truncated to
 * [min, max + 1) (how `generateUser` draws it).
 */
export function agePmf(c: Config): number[] {
  const { mean, sd, min, max } = c.population.age;
  const z = normalCdf(max + 1, mean, sd) - normalCdf(min, mean, sd);
  const out: number[] = [];
  for (let a = min; a <= max; a++) {
    out.push((normalCdf(a + 1, mean, sd) - normalCdf(a, mean, sd)) / z);
  }
  return out;
}

/**
 * P(tenure = k) for k = 0..max_days: the floor of Lognormal(mu, sigma) conditioned on
 * being at most max_days (how `generateUser` draws it).
 */
export function tenurePmf(c: Config): number[] {
  const { mu, sigma, max_days } = c.population.tenure_days;
  const z = lognormalCdf(max_days + 1, mu, sigma);
  const out: number[] = [];
  let prev = 0;
  for (let k = 0; k <= max_days; k++) {
    const f = lognormalCdf(k + 1, mu, sigma);
    out.push((f - prev) / z);
    prev = f;
  }
  return out;
}

/**
 * P(a user has k sessions), k = 0..kMax (the last entry holds the tail), under the
 * Poisson–Gamma approximation: weights Gamma(shape) and N sessions over M users give
 * a negative binomial with size = shape and mean N / M (exact as M grows).
 */
export function activityPmf(c: Config, kMax: number): number[] {
  const k = c.population.activity_shape;
  const mean = c.sessions / c.users;
  const p = k / (k + mean);
  const out: number[] = [];
  let s = 0;
  for (let x = 0; x < kMax; x++) {
    const v = negativeBinomialPmf(x, k, p);
    out.push(v);
    s += v;
  }
  out.push(Math.max(0, 1 - s));
  return out;
}

/**
 * P(local start weekday = d and local start hour = h) for the sessions of users in
 * `zone`, index d × 24 + h (d: 0 = Monday .. 6 = Sunday; h: 0..23 in that zone's
 * local time). Exact, by enumeration: the calendar range [calendar.start 00:00Z,
 * calendar.end + 1 00:00Z) is cut into 15-minute UTC cells; each cell weighs
 * hour_weights[h] × weekday_weights[d] at its local hour and weekday (offset from the
 * time-zone data at the cell's start, daylight saving time included), and its weight
 * goes to its local (d, h). Every real offset is a multiple of 15 minutes, so a cell
 * never straddles two local hours.
 *
 * @param c The dataset's config.
 * @param zone An IANA zone name.
 * @returns 168 probabilities summing to 1.
 * @example
 * ```ts
 * import { loadConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * const config = effectiveConfig(loadConfig("config.yaml").config, {}, "config.yaml");
 * const p = localStartCellProbs(config, "Asia/Kolkata"); // p[0 * 24 + 9]: Monday 09:00–09:59 local
 * if (Math.abs(p.reduce((a, b) => a + b, 0) - 1) > 1e-12) throw new Error("sums to 1");
 * ```
 */
export function localStartCellProbs(c: Config, zone: string): number[] {
  return startCellProbs(c, zone).local;
}

/**
 * Probabilities of a session's start cell (weekday × 24 + hour, weekday 0 = Monday)
 * for a user in `zone`, on the local clock and on the UTC clock: the generator draws
 * the start from weekday_weights × hour_weights of the local time over the calendar,
 * enumerated here in 15-minute UTC cells (every UTC offset is a multiple of 15
 * minutes), daylight saving time included.
 *
 * @returns `local` and `utc`, each 168 probabilities summing to 1.
 */
export function startCellProbs(
  c: Config,
  zone: string,
): { local: number[]; utc: number[] } {
  // Validate's checks and the report's heatmap ask for the same zones: enumerate once.
  const key = `${JSON.stringify(c.calendar)}\n${zone}`;
  let p = startCells.get(key);
  if (!p) {
    if (startCells.size >= 512) startCells.clear();
    p = enumerateStartCells(c, zone);
    startCells.set(key, p);
  }
  return { local: [...p.local], utc: [...p.utc] };
}

/** {@linkcode startCellProbs} already enumerated, by calendar and zone. */
const startCells = new Map<string, { local: number[]; utc: number[] }>();

function enumerateStartCells(
  c: Config,
  zone: string,
): { local: number[]; utc: number[] } {
  const start = parseIsoDate(c.calendar.start)!;
  const end = parseIsoDate(c.calendar.end)!;
  const wdw = WEEKDAYS.map((k) => c.calendar.weekday_weights[k]);
  const local = new Array(7 * 24).fill(0);
  const utc = new Array(7 * 24).fill(0);
  const DAY = 86_400_000, CELL = 900_000;
  for (let t = start * DAY; t < (end + 1) * DAY; t += CELL) {
    const at = t + utcOffsetMinutes(zone, t) * 60_000;
    const day = Math.floor(at / DAY);
    const h = Math.floor((at - day * DAY) / 3_600_000);
    const d = (((day + 3) % 7) + 7) % 7;
    const w = wdw[d] * c.calendar.hour_weights[h];
    local[d * 24 + h] += w;
    const uDay = Math.floor(t / DAY);
    const uh = Math.floor((t - uDay * DAY) / 3_600_000);
    utc[((((uDay + 3) % 7) + 7) % 7) * 24 + uh] += w;
  }
  return { local: normalize(local), utc: normalize(utc) };
}

/** CDF of turn confidence for intent i: Beta(alpha, beta). */
export function confidenceCdf(c: Config, i: number): (x: number) => number {
  const { alpha, beta } = c.intents[i].confidence;
  return (x) => betaCdf(x, alpha, beta);
}

/**
 * Equiprobable bins of the confidence of intent i on the 4-decimal grid the output
 * uses: edges are rounding boundaries (k + 0.5) / 10^4, probabilities exact.
 *
 * @returns `upper[j]`: largest grid index (value × 10^4) in bin j; `probs[j]`.
 */
export function confidenceBins(
  c: Config,
  i: number,
  bins: number,
): { upper: number[]; probs: number[] } {
  const { alpha, beta } = c.intents[i].confidence;
  return gridBins(
    (q) => invert((x) => betaCdf(x, alpha, beta), q, 0, 1) * 1e4,
    (k) => betaCdf((k + 0.5) / 1e4, alpha, beta),
    1e4,
    bins,
  );
}

/**
 * CDF of a stored confidence of intent i on its grid: k ↦ P(stored value × 10^4 ≤ k)
 * for integer k. The generator stores round(X × 10^4) / 10^4 with X ~ Beta(alpha, beta)
 * (half up), so the value k/10^4 stands for X in [(k − 0.5)/10^4, (k + 0.5)/10^4).
 *
 * @returns A non-decreasing step CDF on grid indices 0..10^4 (1 from 10^4 on).
 */
export function confidenceGridCdf(
  c: Config,
  i: number,
): (k: number) => number {
  const { alpha, beta } = c.intents[i].confidence;
  return (k) =>
    k < 0 ? 0 : k >= 1e4 ? 1 : betaCdf((k + 0.5) / 1e4, alpha, beta);
}

/**
 * CDF of a stored latency on a channel, whole ms: k ↦ P(latency ≤ k). The generator
 * stores max(1, round(X × multiplier)) with X ~ Lognormal(mu, sigma).
 */
export function latencyGridCdf(
  c: Config,
  channel: number,
): (k: number) => number {
  const m = c.channels[channel].latency_multiplier;
  const { mu, sigma } = c.latency_ms;
  return (k) => (k < 1 ? 0 : lognormalCdf((k + 0.5) / m, mu, sigma));
}

/**
 * CDF of a stored think time (turns ≥ 2), whole ms: k ↦ P(think ≤ k), the value being
 * round(X) with X ~ Lognormal(mu, sigma).
 */
export function thinkGridCdf(c: Config): (k: number) => number {
  const { mu, sigma } = c.turns.think_time_ms;
  return (k) => (k < 0 ? 0 : lognormalCdf(k + 0.5, mu, sigma));
}

/** Cells of the stored sentiment score: −1, 20 cells of width 0.1 inside (−1, 1), and 1. */
export const SENTIMENT_CELLS = 22;

/**
 * Cell of a stored sentiment score (4 decimals, in [−1, 1]): 0 for −1, 21 for 1, else
 * 1 + ⌊(score + 1) × 10⌋, computed on the 4-decimal grid so no cell edge falls
 * between two grid values by floating-point error.
 *
 * @returns 0..21, or −1 when the score is outside [−1, 1].
 */
export function sentimentCell(score: number): number {
  const k = Math.round(score * 1e4);
  if (!(k >= -1e4 && k <= 1e4)) return -1;
  if (k === -1e4) return 0;
  if (k === 1e4) return SENTIMENT_CELLS - 1;
  return 1 + Math.floor((k + 1e4) / 1000);
}

/**
 * Adds one session's probability of each sentiment cell ({@linkcode sentimentCell}) to
 * `out`. The stored score is round(clamp(mean + Normal(0, sd), −1, 1) × 10^4) / 10^4
 * (half up), so cell 0 holds the raw values below −0.99995, cell c ∈ 1..20 holds the raw values in [−1 + 0.1(c − 1) − 0.00005,
 * −1 + 0.1c − 0.00005) and cell 21 those from 0.99995 on: the
 * discretized distribution, not the continuous one.
 *
 * @param mean The session's predicted score ({@linkcode sentimentMean}).
 * @param out Expected counts per cell, length {@linkcode SENTIMENT_CELLS}.
 */
export function addSentimentCellProbs(
  c: Config,
  mean: number,
  out: Float64Array,
): void {
  const sd = c.outcomes.sentiment.noise_sd;
  let prev = 0;
  for (let cell = 0; cell < SENTIMENT_CELLS - 1; cell++) {
    const edge = cell === 0 ? -0.99995 : -1 + 0.1 * cell - 0.00005;
    const f = sd > 0 ? normalCdf(edge, mean, sd) : (edge > mean ? 1 : 0);
    out[cell] += f - prev;
    prev = f;
  }
  out[SENTIMENT_CELLS - 1] += 1 - prev;
}

/**
 * CDF of bot latency on a channel, ms: Lognormal(mu, sigma) × multiplier.
 */
export function latencyCdf(c: Config, channel: number): (x: number) => number {
  const m = c.channels[channel].latency_multiplier;
  const { mu, sigma } = c.latency_ms;
  return (x) => lognormalCdf(x / m, mu, sigma);
}

/** Equiprobable bins of latency (whole ms; value k ≤ x means X × m < k + 0.5). */
export function latencyBins(
  c: Config,
  channel: number,
  bins: number,
): { upper: number[]; probs: number[] } {
  const m = c.channels[channel].latency_multiplier;
  const { mu, sigma } = c.latency_ms;
  return gridBins(
    (q) => lognormalQuantile(q, mu, sigma) * m,
    (k) => lognormalCdf((k + 0.5) / m, mu, sigma),
    Infinity,
    bins,
  );
}

/** CDF of think time, ms: Lognormal(mu, sigma). */
export function thinkCdf(c: Config): (x: number) => number {
  const { mu, sigma } = c.turns.think_time_ms;
  return (x) => lognormalCdf(x, mu, sigma);
}

/** Equiprobable bins of think time (whole ms). */
export function thinkBins(
  c: Config,
  bins: number,
): { upper: number[]; probs: number[] } {
  const { mu, sigma } = c.turns.think_time_ms;
  return gridBins(
    (q) => lognormalQuantile(q, mu, sigma),
    (k) => lognormalCdf(k + 0.5, mu, sigma),
    Infinity,
    bins,
  );
}

/** Solve cdf(x) = q on [lo, hi] by bisection (60 halvings: below 1e-18 of the range). */
function invert(
  cdf: (x: number) => number,
  q: number,
  lo: number,
  hi: number,
): number {
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Bins over an integer grid with about equal probability.
 *
 * @param quantile q → value on the grid scale.
 * @param cdfAtUpper k → P(grid value ≤ k).
 * @param maxGrid Largest grid value (Infinity when unbounded).
 */
function gridBins(
  quantile: (q: number) => number,
  cdfAtUpper: (k: number) => number,
  maxGrid: number,
  bins: number,
): { upper: number[]; probs: number[] } {
  const upper: number[] = [];
  for (let j = 1; j < bins; j++) {
    const k = Math.round(quantile(j / bins));
    if (upper.length === 0 || k > upper[upper.length - 1]) upper.push(k);
  }
  upper.push(maxGrid);
  const probs: number[] = [];
  let prev = 0;
  for (const k of upper) {
    const f = k === Infinity || k >= maxGrid ? 1 : cdfAtUpper(k);
    probs.push(f - prev);
    prev = f;
  }
  return { upper, probs };
}

/** Expected fallback rate of each intent (see `expectedFallbackRate`). */
export function fallbackRates(c: Config): number[] {
  return c.intents.map((i) =>
    expectedFallbackRate(
      i.confidence.alpha,
      i.confidence.beta,
      c.fallback.threshold,
      c.fallback.noise_sd,
    )
  );
}

/**
 * Predicted sentiment before noise: intercept + w_c (mean confidence − centre) − w_f
 * fallback rate (docs/design.md §3.11, config `outcomes.sentiment`).
 */
export function sentimentMean(
  c: Config,
  meanConfidence: number,
  fallbackRate: number,
): number {
  const s = c.outcomes.sentiment;
  return s.intercept +
    s.confidence_weight * (meanConfidence - s.confidence_center) -
    s.fallback_weight * fallbackRate;
}

/**
 * P(satisfaction = 1..5) for one session: round(intercept + w × sentiment − penalty ×
 * escalated + Normal(0, sd)), clamped to 1..5.
 */
export function satisfactionProbs(
  c: Config,
  sentiment: number,
  escalated: boolean,
): number[] {
  const q = c.outcomes.satisfaction;
  const m = q.intercept + q.sentiment_weight * sentiment -
    (escalated ? q.escalation_penalty : 0);
  // Math.round rounds half up: value k for latent in [k − 0.5, k + 0.5).
  const F = (x: number) =>
    q.noise_sd > 0 ? normalCdf(x, m, q.noise_sd) : (x > m ? 1 : 0);
  return [
    F(1.5),
    F(2.5) - F(1.5),
    F(3.5) - F(2.5),
    F(4.5) - F(3.5),
    1 - F(4.5),
  ];
}
