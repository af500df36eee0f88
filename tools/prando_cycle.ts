/**
 * Measure the cycle length of prando's raw xorshift sequence from one seed by
 * walking it (Brent's cycle detection, docs/design.md §4.2): a check of the
 * dependency's defect, not of chatsynth, so it lives here and not in the test suite
 * (which checks the same period at once through the step's GF(2) matrix, see
 * `tests/random_test.ts`). Walks up to about 2^31 states: some 25 s.
 *
 * Usage: `deno run tools/prando_cycle.ts [seed]` (default seed 1, an int32 that
 * `createPrando` accepts). Prints the cycle length and exits 0 when it is one of
 * the two periods docs/design.md §4.2 derives (536,870,911 or 1,073,741,822), 1
 * otherwise, 2 on a bad seed.
 *
 * @module
 */
import { createPrando, prandoState32 } from "../lib/random/mod.ts";

/**
 * Length of the cycle prando's state sequence enters from `seed`.
 *
 * @param seed An int32 seed `createPrando` accepts.
 * @returns The number of distinct states on the cycle.
 * @throws {RangeError} When `createPrando` rejects the seed.
 * @example
 * ```ts
 * cycleLength(1); // 536870911 or 1073741822
 * ```
 */
export function cycleLength(seed: number): number {
  const f = createPrando(seed);
  let power = 1, lambda = 1;
  let tortoise = prandoState32(f);
  let hare = prandoState32(f);
  while (tortoise !== hare) {
    if (power === lambda) {
      tortoise = hare;
      power *= 2;
      lambda = 0;
    }
    hare = prandoState32(f);
    lambda++;
  }
  return lambda;
}

if (import.meta.main) {
  const arg = Deno.args[0] ?? "1";
  const seed = Number(arg);
  let lambda: number;
  try {
    lambda = cycleLength(seed);
  } catch (e) {
    console.error(
      `Cannot measure the cycle of seed ${arg}: ${(e as Error).message}`,
    );
    Deno.exit(2);
  }
  const known = lambda === 536_870_911 || lambda === 1_073_741_822;
  console.log(
    `seed ${seed}: cycle length ${lambda}${known ? "" : " (unexpected)"}`,
  );
  Deno.exit(known ? 0 : 1);
}
