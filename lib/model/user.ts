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
import type { FakerPool } from "./faker_pool.ts";

/** One user, as every projection sees it. */
export interface UserRecord {
  /** Surrogate key, index + 1. */
  userKey: number;
  /** Full name, "First Last", from Faker in the country's locale. */
  name: string;
  /** Synthetic address at the reserved domain example.com (RFC 2606). */
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

/**
 * Generate user `index` (0-based). Draw order in stream ("user", index): device,
 * country, age, tenure, then Faker's first name and last name.
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
  const email = faker.internet.email({
    firstName,
    lastName,
    provider: "example.com",
  }).toLowerCase();
  return {
    userKey: index + 1,
    name: `${firstName} ${lastName}`,
    email,
    age,
    ageBand: model.ageBandOfAge[age],
    device,
    country,
    tenureDays,
    signupDay: model.calendarStartDay - tenureDays,
  };
}
