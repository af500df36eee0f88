/**
 * Goodness-of-fit tests, delegated to `@stdlib` (docs/design.md §8): Pearson's
 * chi-square for categorical and binned quantities, the one-sample Kolmogorov–Smirnov
 * test for continuous ones, the exact binomial test for rates, Holm's correction.
 *
 * @module
 */
import chi2gof from "@stdlib/stats-chi2gof";
import kstest from "@stdlib/stats-kstest";
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import padjust from "@stdlib/stats-padjust";

/** Smallest expected count per chi-square cell (Cochran's rule); smaller cells merge. */
export const MIN_EXPECTED = 5;

/** Outcome of one statistical test. */
export interface TestResult {
  /** "chi-square", "Kolmogorov-Smirnov" or "binomial (exact)". */
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
  } else {
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
  }
  if (cells.length < 2 || n === 0) {
    return {
      test: "chi-square",
      statistic: 0,
      pValue: 1,
      n,
      df: 0,
      skipped: "too few observations for a chi-square test",
    };
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
 * One-sample two-sided Kolmogorov–Smirnov test (stdlib's exact Marsaglia–Tsang–Wang
 * distribution, so keep samples to a few thousand values).
 *
 * @param sample Observations.
 * @param cdf The hypothesized CDF.
 */
export function ksTest(
  sample: ArrayLike<number>,
  cdf: (x: number) => number,
): TestResult {
  if (sample.length < 20) {
    return {
      test: "Kolmogorov-Smirnov",
      statistic: 0,
      pValue: 1,
      n: sample.length,
      skipped: "fewer than 20 observations",
    };
  }
  const r = kstest(Array.from(sample), cdf) as {
    statistic: number;
    pValue: number;
  };
  return {
    test: "Kolmogorov-Smirnov",
    statistic: r.statistic,
    pValue: Math.min(1, Math.max(0, r.pValue)),
    n: sample.length,
  };
}

/**
 * Exact two-sided binomial test of `x` successes in `n` trials against probability
 * `p`: the central (equal-tailed) p-value, twice the smaller tail
 * min(P(X ≤ x), P(X ≥ x)), capped at 1; tails from stdlib's binomial CDF.
 */
export function binomial(x: number, n: number, p: number): TestResult {
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
