/**
 * Faker driven by chatsynth's own streams (docs/design.md §4): one Faker instance per
 * locale, all reading uniforms from whichever stream is current, and a fixed
 * reference date so nothing reads the clock.
 *
 * @module
 */
import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import type { Uniform } from "../random/mod.ts";

/**
 * Faker's class. Internal only because `deno doc --lint` reports every npm type as a
 * private type (denoland/deno#27364).
 *
 * @internal
 */
type FakerInstance = Faker;

/** Faker instances keyed by locale, sharing one switchable randomness source. */
export class FakerPool {
  #current: Uniform | undefined;
  #fakers = new Map<string, Faker>();
  #refDate: Date;

  /**
   * An empty pool; Faker instances are created on first use.
   *
   * @param referenceDate The config's `reference_date` as a UTC midnight Date.
   */
  constructor(referenceDate: Date) {
    this.#refDate = referenceDate;
  }

  /**
   * The Faker of a locale, drawing from `rng` until the next call.
   *
   * @param locale A Faker locale id, e.g. "en_US" (checked by the config rules).
   * @param rng The unit stream Faker must draw from.
   */
  use(locale: string, rng: Uniform): FakerInstance {
    this.#current = rng;
    let f = this.#fakers.get(locale);
    if (!f) {
      const defs = allLocales as Record<string, LocaleDefinition>;
      f = new Faker({
        locale: [defs[locale], allLocales.en, allLocales.base],
        randomizer: {
          next: () => this.#current!.next(),
          seed: () => {},
        },
      });
      f.setDefaultRefDate(this.#refDate);
      this.#fakers.set(locale, f);
    }
    return f;
  }
}
