/**
 * Summary statistics of repeated timings (the `bench` command's median and p95).
 *
 * @module
 */

/** The summary of one series of timed runs, all in milliseconds. */
export interface TimeSummary {
  /**
   * The middle value of the sorted times; for an even count, the mean of the two
   * middle values.
   */
  medianMs: number;
  /**
   * The 95th percentile by nearest rank: the ⌈0.95·n⌉-th smallest time (the same as
   * R's `quantile(x, 0.95, type = 1)`, the inverse of the empirical distribution
   * function). It is always one of the measured times; for n ≤ 19 it is the largest.
   */
  p95Ms: number;
  /** The smallest time. */
  minMs: number;
  /** The largest time. */
  maxMs: number;
}

/**
 * Summarize repeated timings: median, nearest-rank p95, minimum and maximum.
 *
 * @param timesMs The times of the timed runs in milliseconds, in any order (not
 *   modified); at least one, each finite and ≥ 0.
 * @returns The summary, in milliseconds.
 * @throws {RangeError} When `timesMs` is empty or holds a negative, NaN or infinite
 *   value (the message names it).
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { summarizeTimes } from "./timing.ts";
 * const s = summarizeTimes([4, 1, 3, 2]);
 * ok(s.medianMs === 2.5 && s.p95Ms === 4 && s.minMs === 1);
 * ```
 */
export function summarizeTimes(timesMs: readonly number[]): TimeSummary {
  if (timesMs.length === 0) {
    throw new RangeError("Cannot summarize times: received no times");
  }
  const bad = timesMs.find((t) => !(Number.isFinite(t) && t >= 0));
  if (bad !== undefined) {
    throw new RangeError(
      `Cannot summarize times: received ${bad}, expected a finite time ≥ 0 ms`,
    );
  }
  const sorted = [...timesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const half = Math.floor(n / 2);
  const medianMs = n % 2 === 1
    ? sorted[half]
    : (sorted[half - 1] + sorted[half]) / 2;
  // ⌈95·n / 100⌉ in integer arithmetic: 0.95 · n in floating point is not exact, and
  // a product a hair above an integer would round the rank up by one.
  const rank = Math.floor((95 * n + 99) / 100);
  return {
    medianMs,
    p95Ms: sorted[rank - 1],
    minMs: sorted[0],
    maxMs: sorted[n - 1],
  };
}
