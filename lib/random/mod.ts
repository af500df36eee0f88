/**
 * Random streams and samplers: every random draw of chatsynth goes through here.
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
