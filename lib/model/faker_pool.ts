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

/** A full-name pattern of a locale, e.g. "{{person.lastName}} {{person.firstName}}". */
interface NamePattern {
  value: string;
  weight: number;
}

const FIRST = "{{person.firstName}}", LAST = "{{person.lastName}}";
const namePatterns = new WeakMap<Faker, NamePattern[]>();

/**
 * The full-name patterns of a Faker instance's locale (falling back as Faker does)
 * that consist of exactly the given name and the family name plus literal text: the
 * locale's order and separator without its titles, middle names or suffixes.
 */
function plainNamePatterns(faker: Faker): NamePattern[] {
  let p = namePatterns.get(faker);
  if (!p) {
    const all = faker.definitions.person.name as NamePattern[];
    p = all.filter((x) => {
      const rest = x.value.replace(FIRST, "").replace(LAST, "");
      return x.value.includes(FIRST) && x.value.includes(LAST) &&
        !rest.includes("{{");
    });
    // Every Faker 10 locale has one; a locale without falls back to "First Last".
    if (p.length === 0) p = [{ value: `${FIRST} ${LAST}`, weight: 1 }];
    namePatterns.set(faker, p);
  }
  return p;
}

/**
 * A full name in the locale's own pattern, as Faker's `person.fullName` arranges
 * the parts (e.g. `ja` "{{person.lastName}} {{person.firstName}}", `zh_CN` and `ko`
 * without a space), restricted to the patterns made of the two parts alone. A locale
 * with several such patterns (e.g. `en_ZA`, both orders) picks one by Faker's
 * weights, drawing from the current stream; with one pattern nothing is drawn.
 *
 * @param faker An instance from {@linkcode FakerPool.use}.
 * @param firstName The given name.
 * @param lastName The family name.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { RandomStream } from "../random/stream.ts";
 * const pool = new FakerPool(new Date(Date.UTC(2025, 3, 1)));
 * const ja = pool.use("ja", new RandomStream(1, 2));
 * strictEqual(localeFullName(ja, "蓮", "三輪"), "三輪 蓮"); // family name first
 * const en = pool.use("en_US", new RandomStream(1, 2));
 * strictEqual(localeFullName(en, "Mia", "Jones"), "Mia Jones");
 * ```
 */
export function localeFullName(
  faker: FakerInstance,
  firstName: string,
  lastName: string,
): string {
  const p = plainNamePatterns(faker);
  const pattern = p.length === 1
    ? p[0].value
    : faker.helpers.weightedArrayElement(p);
  return faker.helpers.mustache(pattern, {
    "person.firstName": firstName,
    "person.lastName": lastName,
  });
}
