/**
 * Random streams and samplers: every random draw of chatsynth goes through here.
 *
 * @example
 * ```ts
 * import { StreamFactory, Categorical, lognormal } from "./mod.ts";
 * const draw = (seed: number) => {
 *   const rng = new StreamFactory(seed).stream("session", 0);
 *   return [new Categorical([1, 2, 3]).sample(rng), lognormal(rng, 6.6, 0.5)];
 * };
 * if (draw(42).join() !== draw(42).join()) throw new Error("Same seed, different draws");
 * ```
 *
 * @module
 */
export { assertSeed, MAX_SEED, streamId, unitKey } from "./unit_key.ts";
export {
  createPrando,
  FREEZING_SEED,
  prandoState32,
  SHORT_CYCLE_SEEDS,
} from "./prando_source.ts";
export {
  halfToSeed,
  RandomStream,
  StreamFactory,
  WEYL_START,
  WEYL_STEP,
} from "./stream.ts";
export type { Uniform } from "./stream.ts";
export { normal, standardNormal } from "./normal.ts";
export { truncatedNormal } from "./truncated_normal.ts";
export { lognormal } from "./lognormal.ts";
export { gamma, logGamma } from "./gamma.ts";
export { betaVariate } from "./beta.ts";
export { censoredGeometricMean, geometric } from "./geometric.ts";
export { Categorical } from "./categorical.ts";
