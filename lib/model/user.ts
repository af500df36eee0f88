/**
 * Users: pure functions from (model, user index) to a user record (docs/design.md §3.1).
 *
 * @module
 */
import type { Model } from "./model.ts";
import {
  logGamma,
  lognormal,
  type StreamFactory,
  truncatedNormal,
} from "../random/mod.ts";
import { type FakerPool, localeFullName } from "./faker_pool.ts";
import { romanizeHangul } from "./romanize.ts";

/** One user, as every projection sees it. */
export interface UserRecord {
  /** Surrogate key, index + 1. */
  userKey: number;
  /**
   * Full name from Faker in the country's locale, in the locale's own order and
   * spacing (see `localeFullName`): "Mia Jones" (`en_US`), "三輪 蓮" (`ja`),
   * "김가람" (`ko`), "Hajdu Nóra" (`hu`).
   */
  name: string;
  /**
   * Synthetic ASCII address at the reserved domain example.com (RFC 2606), unique
   * per user: see {@linkcode userEmail}.
   */
  email: string;
  /** Integer years, in [age.min, age.max]. */
  age: number;
  /** Index into `population.age_bands`. */
  ageBand: number;
  /** Index into `population.devices`. */
  device: number;
  /** Index into `population.countries`. */
  country: number;
  /** Whole days between signup and `calendar.start`. */
  tenureDays: number;
  /** Epoch day of signup: calendar start − tenure. */
  signupDay: number;
  /** Index into the model's `timeZones`: one of the country's zones. */
  zone: number;
}

/**
 * Log of the activity weight of one user, weight ~ Gamma(activity_shape, 1): a
 * session picks its user with probability weight / total. In logs so tiny shapes
 * (whose weights underflow to 0) still rank users; `dataset.ts` exponentiates
 * relative to the largest. Drawn from its own stream ("user.activity", index) so the
 * session → user table needs no other user attribute.
 */
export function userActivityLogWeight(
  model: Model,
  streams: StreamFactory,
  index: number,
): number {
  return logGamma(
    streams.stream("user.activity", index),
    model.config.population.activity_shape,
  );
}

/** What a session needs of its user: device, country and time zone (indices). */
export interface UserCore {
  /** Index into `population.devices`. */
  device: number;
  /** Index into `population.countries`. */
  country: number;
  /** Index into the model's `timeZones`. */
  zone: number;
}

/** User `index`'s time zone, one of `country`'s, from stream ("user.zone", index). */
function userZone(
  model: Model,
  streams: StreamFactory,
  index: number,
  country: number,
): number {
  const rng = streams.stream("user.zone", index);
  return model.countryZones[country][model.countryZoneCat[country].sample(rng)];
}

/**
 * Device, country and time zone of user `index`: the same values as
 * {@linkcode generateUser}'s, without drawing the rest (about 1 µs instead of 9).
 *
 * @param out Record filled and returned (reused by callers on the hot path).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "./model.ts";
 * import { StreamFactory } from "../random/mod.ts";
 * import { FakerPool } from "./faker_pool.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const streams = new StreamFactory(3);
 * const full = generateUser(model, streams, new FakerPool(new Date(0)), 41);
 * const core = userCore(model, streams, 41, { device: 0, country: 0, zone: 0 });
 * strictEqual(core.zone, full.zone);
 * strictEqual(core.country, full.country);
 * ```
 */
export function userCore(
  model: Model,
  streams: StreamFactory,
  index: number,
  out: UserCore,
): UserCore {
  const rng = streams.stream("user", index);
  out.device = model.deviceCat.sample(rng);
  out.country = model.countryCat.sample(rng);
  out.zone = userZone(model, streams, index, out.country);
  return out;
}

/** The reserved domain of every e-mail address (RFC 2606). */
export const EMAIL_DOMAIN = "example.com";

/**
 * A user's e-mail address: Faker's address for the name parts (transliterated to
 * ASCII by Faker, Hangul romanized before, e.g. "nora_hajdu42@example.com"),
 * lower-cased, with the user key appended to the local part — after a "." when the
 * local part ends in a digit, so the key is always the local part's trailing run of
 * digits. Two users therefore never share an address, for any number of users; the
 * local part stays within 64 characters (Faker caps its part at 50).
 *
 * @param fakerEmail From Faker's `internet.email` with provider {@linkcode EMAIL_DOMAIN}.
 * @param userKey The user's surrogate key, a positive integer.
 * @returns E.g. `userEmail("Nora_Hajdu@example.com", 7)` → "nora_hajdu7@example.com",
 *   `userEmail("nora.hajdu42@example.com", 7)` → "nora.hajdu42.7@example.com".
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(userEmail("Mia.Jones@example.com", 12), "mia.jones12@example.com");
 * ```
 */
export function userEmail(fakerEmail: string, userKey: number): string {
  const at = fakerEmail.lastIndexOf("@");
  const local = (at < 0 ? fakerEmail : fakerEmail.slice(0, at)).toLowerCase() ||
    "user";
  const c = local.charCodeAt(local.length - 1);
  const sep = c >= 48 && c <= 57 ? "." : "";
  return `${local}${sep}${userKey}@${EMAIL_DOMAIN}`;
}

/**
 * Generate user `index` (0-based). Draw order in stream ("user", index): device,
 * country, age, tenure, then Faker's first name, last name, the locale's name
 * pattern (only when it has several) and the e-mail's separator and number. The time
 * zone, one of the country's, comes from its own stream ("user.zone", index): with
 * device and country (the first two draws) it is all a session needs of its user, and
 * {@linkcode userCore} draws those three without Faker.
 */
export function generateUser(
  model: Model,
  streams: StreamFactory,
  fakers: FakerPool,
  index: number,
): UserRecord {
  const p = model.config.population;
  const rng = streams.stream("user", index);
  const device = model.deviceCat.sample(rng);
  const country = model.countryCat.sample(rng);
  const age = Math.floor(
    truncatedNormal(rng, p.age.mean, p.age.sd, p.age.min, p.age.max + 1),
  );
  // Rejection: the config rules guarantee the range holds ≥ 0.1% of the mass.
  let tenureDays = Infinity;
  for (let i = 0; i < 100_000 && tenureDays > p.tenure_days.max_days; i++) {
    tenureDays = Math.floor(
      lognormal(rng, p.tenure_days.mu, p.tenure_days.sigma),
    );
  }
  if (tenureDays > p.tenure_days.max_days) {
    throw new RangeError(
      `Cannot sample tenure within 0..${p.tenure_days.max_days} days after 100,000 draws`,
    );
  }
  const faker = fakers.use(p.countries[country].locale, rng);
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const name = localeFullName(faker, firstName, lastName);
  // Hangul is romanized first: Faker's ASCII fallback would spell it in base-36
  // codes. Faker's draws are the same either way.
  const fakerEmail = faker.internet.email({
    firstName: romanizeHangul(firstName),
    lastName: romanizeHangul(lastName),
    provider: EMAIL_DOMAIN,
  });
  const zone = userZone(model, streams, index, country);
  return {
    userKey: index + 1,
    name,
    email: userEmail(fakerEmail, index + 1),
    age,
    ageBand: model.ageBandOfAge[age],
    device,
    country,
    tenureDays,
    signupDay: model.calendarStartDay - tenureDays,
    zone,
  };
}
