/**
 * Gamma variates by Marsaglia & Tsang, "A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000, with the shape < 1 boost U^(1/shape).
 *
 * @module
 */
import type { Uniform } from "./stream.ts";
import { standardNormal } from "./normal.ts";

/**
 * Natural log of one draw from Gamma(shape, 1), finite even for tiny shapes whose
 * draws underflow to 0 as plain numbers (shape 0.001: U^(1/shape) < 1e-308 for most U).
 * Consumes the same uniforms as {@linkcode gamma}.
 *
 * @param rng Uniform source.
 * @param shape Shape k > 0.
 */
export function logGamma(rng: Uniform, shape: number): number {
  if (shape < 1) {
    const g = gamma(rng, shape + 1);
    return Math.log(g) + Math.log(rng.next()) / shape;
  }
  return Math.log(gamma(rng, shape));
}

/**
 * One draw from Gamma(shape, 1) (unit scale; multiply for another scale).
 *
 * @param rng Uniform source.
 * @param shape Shape k > 0.
 * @returns A positive number with mean `shape` and variance `shape`.
 *
 * @example
 * ```ts
 * import { RandomStream } from "./stream.ts";
 * const rng = new RandomStream(1, 2);
 * let sum = 0;
 * for (let i = 0; i < 10_000; i++) sum += gamma(rng, 3);
 * const mean = sum / 10_000; // about 3 (standard error 0.017)
 * if (Math.abs(mean - 3) > 0.1) throw new Error(`Expected a mean near 3, received ${mean}`);
 * ```
 */
export function gamma(rng: Uniform, shape: number): number {
  if (shape < 1) {
    // Gamma(k) = Gamma(k + 1) * U^(1/k); exp/log instead of pow for portability.
    const g = gamma(rng, shape + 1);
    return g * Math.exp(Math.log(rng.next()) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
