/**
 * Goodness-of-fit tests, delegated to `@stdlib` (docs/design.md §8): Pearson's
 * chi-square for categorical and binned quantities, the one-sample Kolmogorov–Smirnov
 * test for continuous ones (against the discretized CDF of the stored, rounded
 * values), the exact binomial test for rates, Holm's correction.
 *
 * @module
 */
import chi2gof from "@stdlib/stats-chi2gof";
import kolmogorovCdf from "@stdlib/stats-kstest/lib/marsaglia.js";
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import padjust from "@stdlib/stats-padjust";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";

/** Smallest expected count per chi-square cell (Cochran's rule); smaller cells merge. */
export const MIN_EXPECTED = 5;

/** Outcome of one statistical test. */
export interface TestResult {
  /**
   * "chi-square", "Kolmogorov-Smirnov", "binomial (exact)", a ratio or mean z-test,
   * or a normal approximation.
   */
  test: string;
  /**
   * Statistic: chi-square X², Kolmogorov–Smirnov D, observed proportion (binomial) or z
   * (normal approximation).
   */
  statistic: number;
  /** Degrees of freedom (chi-square only). */
  df?: number;
  /** Unadjusted p-value, in [0, 1]. */
  pValue: number;
  /** Observations used. */
  n: number;
  /** Set when the test could not run (too few observations); it then passes. */
  skipped?: string;
}

/** A chi-square test that could not run (fewer than two usable cells): it passes. */
function chiSquareSkipped(n: number): TestResult {
  return {
    test: "chi-square",
    statistic: 0,
    pValue: 1,
    n,
    df: 0,
    skipped: "too few observations for a chi-square test",
  };
}

/**
 * Cells of a nominal chi-square: each category whose expected count p × n reaches
 * {@linkcode MIN_EXPECTED} on its own, the rest merged into one "other" cell, which
 * joins the smallest cell when it is still too small. Zero-probability categories
 * are left out (the callers reject an observation in one first).
 */
function nominalCells(
  observed: ArrayLike<number>,
  probs: ArrayLike<number>,
  n: number,
): { o: number; p: number }[] {
  const cells: { o: number; p: number }[] = [];
  const other = { o: 0, p: 0 };
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    if (probs[i] * n >= MIN_EXPECTED) {
      cells.push({ o: observed[i], p: probs[i] });
    } else {
      other.o += observed[i];
      other.p += probs[i];
    }
  }
  if (other.p > 0) {
    if (other.p * n >= MIN_EXPECTED || cells.length === 0) cells.push(other);
    else {
      // Fold a too-small "other" cell into the smallest cell.
      const s = cells.reduce((a, c) => (c.p < a.p ? c : a));
      s.o += other.o;
      s.p += other.p;
    }
  }
  return cells;
}

/**
 * Pearson's chi-square goodness-of-fit test of counts against probabilities.
 *
 * Categories with probability 0 must have count 0 (else the statistic is +∞ and the
 * p-value 0) and are then left out. Cells with expected count below
 * {@linkcode MIN_EXPECTED} are merged: with the next cell when `ordinal`, else into
 * one "other" cell.
 *
 * @param observed Counts per category.
 * @param probs Probabilities per category (sum 1).
 * @param ordinal Whether neighbouring categories may be merged (ages, counts).
 */
export function chiSquare(
  observed: ArrayLike<number>,
  probs: ArrayLike<number>,
  ordinal: boolean,
): TestResult {
  let n = 0;
  for (let i = 0; i < observed.length; i++) n += observed[i];
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0 && observed[i] > 0) {
      return {
        test: "chi-square",
        statistic: Infinity,
        pValue: 0,
        n,
        df: undefined,
      };
    }
  }
  const cells: { o: number; p: number }[] = [];
  if (ordinal) {
    let o = 0, p = 0;
    for (let i = 0; i < probs.length; i++) {
      o += observed[i];
      p += probs[i];
      if (p * n >= MIN_EXPECTED) {
        cells.push({ o, p });
        o = 0;
        p = 0;
      }
    }
    if ((o > 0 || p > 0) && cells.length) {
      cells[cells.length - 1].o += o;
      cells[cells.length - 1].p += p;
    } else if (o > 0 || p > 0) cells.push({ o, p });
  } else cells.push(...nominalCells(observed, probs, n));
  if (cells.length < 2 || n === 0) {
    return chiSquareSkipped(n);
  }
  const total = cells.reduce((a, c) => a + c.p, 0);
  const r = chi2gof(
    cells.map((c) => c.o),
    cells.map((c) => c.p / total),
  ) as { statistic: number; pValue: number; df: number };
  return {
    test: "chi-square",
    statistic: r.statistic,
    df: r.df,
    pValue: r.pValue,
    n,
  };
}

/**
 * Pearson's chi-square test of several independent strata at once (e.g. the local
 * start hours of each time zone), each against its own probabilities given its own
 * count: X² is the sum of the strata's X², and its degrees of freedom the sum of
 * theirs (cells − 1 per stratum; stdlib's `ddof` removes one per stratum beyond the
 * first from the pooled cells − 1). Within a stratum, cells with expected count below
 * {@linkcode MIN_EXPECTED} merge into one "other" cell, which joins the smallest cell
 * when still too small; a stratum left with one cell adds nothing.
 *
 * @param strata Counts and probabilities (sum 1) per stratum, same length each.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const r = stratifiedChiSquare([
 *   { observed: [30, 70], probs: [0.3, 0.7] },
 *   { observed: [52, 48], probs: [0.5, 0.5] },
 * ]);
 * strictEqual(r.df, 2);
 * ```
 */
export function stratifiedChiSquare(
  strata: { observed: ArrayLike<number>; probs: ArrayLike<number> }[],
): TestResult {
  const obs: number[] = [], exp: number[] = [];
  let n = 0, used = 0;
  for (const { observed, probs } of strata) {
    let m = 0;
    for (let i = 0; i < observed.length; i++) m += observed[i];
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] === 0 && observed[i] > 0) {
        return { test: "chi-square", statistic: Infinity, pValue: 0, n };
      }
    }
    n += m;
    if (m === 0) continue;
    const cells = nominalCells(observed, probs, m);
    if (cells.length < 2) continue;
    const total = cells.reduce((a, c) => a + c.p, 0);
    for (const c of cells) {
      obs.push(c.o);
      exp.push(m * c.p / total);
    }
    used++;
  }
  if (used === 0) {
    return chiSquareSkipped(n);
  }
  const pooled = obs.reduce((a, b) => a + b, 0);
  const r = chi2gof(obs, exp.map((e) => e / pooled), { ddof: used - 1 }) as {
    statistic: number;
    pValue: number;
    df: number;
  };
  return {
    test: "chi-square",
    statistic: r.statistic,
    df: r.df,
    pValue: r.pValue,
    n,
  };
}

/**
 * One-sample two-sided Kolmogorov–Smirnov test of values stored on an integer grid
 * against the discretized CDF of the model, the distribution of the stored (rounded)
 * values rather than of the continuous quantity before rounding.
 *
 * The statistic D = sup |F_n − G| of two step functions that jump only on the grid is
 * taken at every grid value: on each sample value v, F_n(v) − G(v) and
 * G(v − 1) − F_n(v − 1). Its p-value comes from the continuous Kolmogorov
 * distribution (stdlib's exact Marsaglia–Tsang–Wang algorithm), which is conservative
 * for a discrete null (Noether 1963): a correct generator fails no more often than the
 * level, however coarse the grid is against the distribution (e.g. Beta(0.001, 0.001)
 * stored with 4 decimals: nearly all values are 0.0000 or 1.0000).
 *
 * @param grid Sample values as integers on the grid (e.g. confidence × 10^4, whole ms).
 * @param cdf k ↦ P(stored value ≤ k) under the model, for integer k.
 * @returns The test; skipped below 20 values.
 * @example
 * ```ts
 * const r = ksTestGrid([0, 0, 1, 1], (k) => (k < 0 ? 0 : k < 1 ? 0.5 : 1));
 * if (r.skipped === undefined) throw new Error("Expected skipped: too few values");
 * ```
 */
export function ksTestGrid(
  grid: ArrayLike<number>,
  cdf: (k: number) => number,
): TestResult {
  const n = grid.length;
  if (n < 20) {
    return {
      test: "Kolmogorov-Smirnov (discretized CDF)",
      statistic: 0,
      pValue: 1,
      n,
      skipped: "fewer than 20 observations",
    };
  }
  const x = Float64Array.from(grid).sort();
  let d = 0;
  for (let i = 0; i < n;) {
    const v = x[i];
    const below = i / n;
    let j = i;
    while (j < n && x[j] === v) j++;
    d = Math.max(d, j / n - cdf(v), cdf(v - 1) - below);
    i = j;
  }
  const p = 1 - (kolmogorovCdf(d, n) as number);
  return {
    test: "Kolmogorov-Smirnov (discretized CDF)",
    statistic: d,
    pValue: Math.min(1, Math.max(0, p)),
    n,
  };
}

/**
 * Exact two-sided binomial test of `x` successes in `n` trials against probability
 * `p`: the central (equal-tailed) p-value, twice the smaller tail
 * min(P(X ≤ x), P(X ≥ x)), capped at 1; tails from stdlib's binomial CDF. An
 * impossible outcome (x > 0 when p = 0, x < n when p = 1) has p-value 0 exactly.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(binomial(1, 3000, 0).pValue, 0); // an event of probability 0 happened
 * ```
 */
export function binomial(x: number, n: number, p: number): TestResult {
  if ((p === 0 && x > 0) || (p === 1 && x < n)) {
    return { test: "binomial (exact)", statistic: x / n, pValue: 0, n };
  }
  if (n === 0) {
    return {
      test: "binomial (exact)",
      statistic: 0,
      pValue: 1,
      n,
      skipped: "no trials",
    };
  }
  const lower = binomialCdf(x, n, p);
  const upper = x > 0 ? 1 - binomialCdf(x - 1, n, p) : 1;
  return {
    test: "binomial (exact)",
    statistic: x / n,
    pValue: Math.min(1, 2 * Math.min(lower, upper)),
    n,
  };
}

/**
 * Holm's step-down adjustment (controls the family-wise error rate).
 *
 * @param pValues Raw p-values.
 * @returns Adjusted p-values, same order.
 */
export function holm(pValues: number[]): number[] {
  if (pValues.length === 0) return [];
  // A NaN p-value (a test on damaged data) counts as 0: that check fails.
  return padjust(
    pValues.map((p) => (Number.isNaN(p) ? 0 : p)),
    "holm",
  ) as number[];
}

/** Fewest independent units (sessions) a normal-approximation test runs on. */
export const MIN_CLUSTERS = 20;

/**
 * The result of a test whose observation the model makes impossible: p-value 0,
 * statistic ±∞ in the direction of the deviation.
 */
function impossible(test: string, deviation: number, n: number): TestResult {
  return {
    test,
    statistic: deviation < 0 ? -Infinity : Infinity,
    pValue: 0,
    n,
  };
}

/** A two-sided p-value from a standard normal z, with a degenerate (zero-variance) case. */
function normalTest(
  test: string,
  deviation: number,
  variance: number,
  n: number,
  scale: number,
): TestResult {
  if (!(variance > 0)) {
    // No spread at all: the data agree with the model only at the expected value
    // itself (up to rounding of the expectation's floating-point sum).
    const ok = Math.abs(deviation) <= 1e-9 * Math.max(1, scale);
    return {
      test,
      statistic: ok ? 0 : deviation > 0 ? Infinity : -Infinity,
      pValue: ok ? 1 : 0,
      n,
    };
  }
  const z = deviation / Math.sqrt(variance);
  return {
    test,
    statistic: z,
    pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z), 0, 1))),
    n,
  };
}

/**
 * Two-sided z-test of a ratio of sums over independent clusters (a ratio estimator):
 * R = Σ a_s / Σ n_s against R0, with the cluster (linearization) variance
 * Var(R) ≈ Σ_s (a_s − R0 n_s)² / (Σ_s n_s)², i.e. z = (Σ a_s − R0 Σ n_s) /
 * √Σ_s (a_s − R0 n_s)². For a share of turns when the turns of a session are not
 * independent but the sessions are (Cochran, Sampling Techniques, §6.4).
 *
 * @param a Σ_s a_s: the events counted (e.g. turns of one intent).
 * @param n Σ_s n_s: the units they are a share of (e.g. all turns).
 * @param r0 The expected ratio E[a_s] / E[n_s].
 * @param clusterSq Σ_s (a_s − r0 n_s)².
 * @param clusters Sessions (independent clusters), count; skipped below {@linkcode MIN_CLUSTERS}.
 * @returns The test; `statistic` is z, `n` the units (Σ n_s). An impossible
 *   observation (a > 0 when r0 = 0, a < n when r0 = 1: an event of probability 0
 *   happened) has p-value 0 and z = ±∞ whatever the number of sessions; the
 *   clustered variance would otherwise call a handful of such events likely.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * // 3 of 10 turns in one session, 1 of 10 in another: R = 0.2 against 0.2.
 * const few = ratioZTest(4, 20, 0.2, (3 - 2) ** 2 + (1 - 2) ** 2, 2);
 * if (few.skipped === undefined) throw new Error("Expected skipped: too few sessions");
 * // One event in each of 10 of 3,000 sessions against a share of exactly 0.
 * strictEqual(ratioZTest(10, 21_000, 0, 10, 3000).pValue, 0); // not 2 × (1 − Φ(√10)) ≈ 0.0016
 * ```
 */
export function ratioZTest(
  a: number,
  n: number,
  r0: number,
  clusterSq: number,
  clusters: number,
): TestResult {
  const test = "ratio z-test (variance by session)";
  if ((r0 === 0 && a > 0) || (r0 === 1 && a < n)) {
    return impossible(test, a - r0 * n, n);
  }
  if (clusters < MIN_CLUSTERS || n === 0) {
    return {
      test,
      statistic: 0,
      pValue: 1,
      n,
      skipped: `fewer than ${MIN_CLUSTERS} sessions`,
    };
  }
  return normalTest(test, a - r0 * n, clusterSq, n, n);
}

/**
 * Two-sided one-sample z-test of a mean against `mu`, with the sample variance:
 * z = (mean − mu) / √(s² / n).
 *
 * @param n Values, count; skipped below {@linkcode MIN_CLUSTERS}.
 * @param mean Their mean.
 * @param variance Their sample variance (n − 1 divisor).
 * @param mu The expected mean.
 * @param support The smallest and largest value the model allows, when known: a mean
 *   expected at a bound (mu = min: every value is min) but observed off it is
 *   impossible, with p-value 0 and z = ±∞ whatever n is.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * // z = (1.1 − 1.15) / √(0.09 / 100) = −1.67, two-sided p ≈ 0.096.
 * const p = meanZTest(100, 1.1, 0.09, 1.15).pValue;
 * if (Math.abs(p - 0.0956) > 0.001) throw new Error(`Unexpected p = ${p}`);
 * strictEqual(meanZTest(3000, 0.01, 0.0099, 0, { min: 0, max: 2 }).pValue, 0);
 * ```
 */
export function meanZTest(
  n: number,
  mean: number,
  variance: number,
  mu: number,
  support?: { min: number; max: number },
): TestResult {
  const test = "z-test of the mean (sample variance)";
  if (
    support && n > 0 &&
    ((mu === support.min && mean > mu) || (mu === support.max && mean < mu))
  ) {
    return impossible(test, mean - mu, n);
  }
  if (n < MIN_CLUSTERS) {
    return {
      test,
      statistic: 0,
      pValue: 1,
      n,
      skipped: `fewer than ${MIN_CLUSTERS} sessions`,
    };
  }
  return normalTest(test, mean - mu, variance / n, n, 1);
}

/**
 * Two-sided normal approximation to a sum of independent binomials: X = Σ x_i
 * successes against E[X] = Σ n_i p_i, Var(X) = Σ n_i p_i (1 − p_i); z = (X − E[X]) /
 * √Var(X). An impossible count (x_i > 0 where p_i = 0, x_i < n_i where p_i = 1) has
 * p-value 0 and z = ±∞: the other groups' variance must not hide it.
 *
 * @param x Successes per group (e.g. fallback turns per intent).
 * @param n Trials per group (e.g. turns per intent), same length.
 * @param p Success probability per group, same length.
 * @returns The test; `statistic` is z, `n` the trials (Σ n_i); skipped without trials.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(sumOfBinomialsZTest([10, 5], [100, 100], [0.1, 0.05]).pValue, 1); // z = 0
 * strictEqual(sumOfBinomialsZTest([10, 1], [100, 100], [0.1, 0]).pValue, 0);
 * ```
 */
export function sumOfBinomialsZTest(
  x: ArrayLike<number>,
  n: ArrayLike<number>,
  p: ArrayLike<number>,
): TestResult {
  const test = "normal approximation (sum of binomials)";
  let ex = 0, vx = 0, sx = 0, sn = 0;
  // The first impossible group's direction of deviation.
  let impossibleDeviation = 0;
  for (let i = 0; i < p.length; i++) {
    if (
      impossibleDeviation === 0 &&
      ((p[i] === 0 && x[i] > 0) || (p[i] === 1 && x[i] < n[i]))
    ) {
      impossibleDeviation = x[i] - p[i] * n[i];
    }
    ex += n[i] * p[i];
    vx += n[i] * p[i] * (1 - p[i]);
    sx += x[i];
    sn += n[i];
  }
  if (impossibleDeviation !== 0) {
    return impossible(test, impossibleDeviation, sn);
  }
  if (sn === 0) {
    return { test, statistic: 0, pValue: 1, n: sn, skipped: "no turns" };
  }
  return normalTest(test, sx - ex, vx, sn, sn);
}
