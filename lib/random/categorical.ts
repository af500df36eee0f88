/**
 * Categorical draws by inversion of a cumulative weight table (binary search).
 *
 * @module
 */
import type { Uniform } from "./stream.ts";

/**
 * A categorical distribution over indices 0..n−1 with non-negative weights.
 * An index with zero weight is never drawn.
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const c = new Categorical([1, 0, 3]);
 * if (c.probability(2) !== 0.75) throw new Error(`Expected 0.75, received ${c.probability(2)}`);
 * const rng = new RandomStream(1, 2);
 * for (let i = 0; i < 1000; i++) {
 *   if (c.sample(rng) === 1) throw new Error("Index 1 has zero weight");
 * }
 * ```
 */
export class Categorical {
  /** Cumulative weights; `cdf[n − 1]` is the total. */
  readonly cdf: Float64Array;
  /** Sum of the weights (> 0). */
  readonly total: number;

  /**
   * Build the cumulative table of `weights`.
   *
   * @param weights Non-negative finite weights, at least one positive. They need
   *   not sum to 1: probabilities are weight / total.
   * @throws {RangeError} When a weight is negative or not finite, or all are zero.
   */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.cdf = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new RangeError(
          `Cannot build categorical: weight ${i} must be a finite number >= 0, received ${w}`,
        );
      }
      s += w;
      this.cdf[i] = s;
    }
    if (!(s > 0)) {
      throw new RangeError("Cannot build categorical: all weights are zero");
    }
    this.total = s;
  }

  /**
   * Draw one index; consumes one uniform.
   *
   * @returns The first index i with cdf[i] > u × total.
   */
  sample(rng: Uniform): number {
    const x = rng.next() * this.total;
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Probability of index i: weight / total. */
  probability(i: number): number {
    return (this.cdf[i] - (i > 0 ? this.cdf[i - 1] : 0)) / this.total;
  }
}
