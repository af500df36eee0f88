/**
 * User projections: `dim_user` rows (star, snowflake) and the user part of a raw line.
 *
 * @module
 */
import type { Model } from "../model/model.ts";
import type { UserRecord } from "../model/user.ts";
import { dayParts, formatIsoDate } from "../calendar/iso_date.ts";
import type { CellValue } from "./csv_row.ts";
import { localeLanguage } from "../model/text.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import type { Population } from "../model/population.ts";

/** Star `dim_user` row: country, region, age band and device denormalized. */
export function starUserRow(
  model: Model,
  u: UserRecord,
): Record<string, CellValue> {
  const p = model.config.population;
  const country = p.countries[u.country];
  const device = p.devices[u.device];
  return {
    user_key: u.userKey,
    user_name: u.name,
    email: u.email,
    age: u.age,
    age_band: p.age_bands[u.ageBand].label,
    country_code: country.code,
    country_name: country.name,
    region: country.region,
    locale: country.locale,
    device_name: device.name,
    platform: device.platform,
    tenure_days: u.tenureDays,
    signup_date: formatIsoDate(u.signupDay),
    time_zone: model.timeZones[u.zone],
  };
}

/** Snowflake `dim_user` row: hierarchy members by surrogate key. */
export function snowflakeUserRow(
  model: Model,
  u: UserRecord,
): Record<string, CellValue> {
  return {
    user_key: u.userKey,
    user_name: u.name,
    email: u.email,
    age: u.age,
    age_band_key: u.ageBand + 1,
    country_key: u.country + 1,
    device_key: u.device + 1,
    tenure_days: u.tenureDays,
    signup_date_key: dayParts(u.signupDay).dateKey,
    time_zone: model.timeZones[u.zone],
  };
}

/**
 * The user fields of a raw JSONL line, from `"user_id"` to `"user_signup_date"`
 * (with `"language"`, the user's language, after `"user_locale"`),
 * without braces or surrounding commas (see `RAW_TURN` for the order).
 */
export function rawUserFragment(model: Model, u: UserRecord): string {
  const p = model.config.population;
  const country = p.countries[u.country];
  const device = p.devices[u.device];
  const j = JSON.stringify;
  return `"user_id":${u.userKey},"user_name":${j(u.name)},"user_email":${
    j(u.email)
  },"user_age":${u.age},"user_age_band":${
    j(p.age_bands[u.ageBand].label)
  },"user_country_code":${j(country.code)},"user_country":${
    j(country.name)
  },"user_region":${j(country.region)},"user_locale":${
    j(country.locale)
  },"language":${j(localeLanguage(country.locale))},"user_device":${
    j(device.name)
  },"user_platform":${
    j(device.platform)
  },"user_tenure_days":${u.tenureDays},"user_signup_date":"${
    formatIsoDate(u.signupDay)
  }"`;
}

/**
 * What the raw log repeats of each user on every turn: the user's columns of a raw
 * turn row, from the population's on-demand records (nothing is held per user).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * import { Population } from "../model/population.ts";
 * import { FakerPool } from "../model/faker_pool.ts";
 * import { StreamFactory } from "../random/mod.ts";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { RAW_TURN } from "../schema/tables.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const people = new Population(model, new StreamFactory(1), new FakerPool(new Date(0)), 3);
 * const columns = new RawUserColumns(model, people);
 * const b = new RowBatch(RAW_TURN, 2, columns.dictionaries());
 * columns.fill(b, 0, 2, 2);
 * strictEqual(b.text(b.index("user_email"), 1), people.record(2).email);
 * strictEqual(b.numbers[b.index("user_id")]![0], 3);
 * ```
 */
export class RawUserColumns {
  #population: Population;
  #dictionaries: Record<string, string[]>;
  #cols: number[] | undefined;

  /**
   * The raw user columns of `population`'s users.
   *
   * @param model Compiled model (labels of age bands, countries, devices).
   */
  constructor(model: Model, population: Population) {
    this.#population = population;
    const p = model.config.population;
    const countries = p.countries;
    this.#dictionaries = {
      user_age_band: p.age_bands.map((b) => b.label),
      user_country_code: countries.map((c) => c.code),
      user_country: countries.map((c) => c.name),
      user_region: countries.map((c) => c.region),
      user_locale: countries.map((c) => c.locale),
      language: countries.map((c) => localeLanguage(c.locale)),
      user_device: p.devices.map((d) => d.name),
      user_platform: p.devices.map((d) => d.platform),
    };
  }

  /** Dictionaries of the raw user columns, for the raw batch (by column name). */
  dictionaries(): Record<string, readonly string[]> {
    return this.#dictionaries;
  }

  /**
   * Write user `u`'s columns (`user_id` … `user_signup_date`, `language`) into rows
   * `from` (inclusive) to `to` (exclusive) of a raw turn batch made with
   * {@linkcode dictionaries}: a session's turns.
   */
  fill(b: RowBatch, from: number, to: number, u: number): void {
    const k = this.#cols ??= [
      "user_id",
      "user_name",
      "user_email",
      "user_age",
      "user_age_band",
      "user_country_code",
      "user_country",
      "user_region",
      "user_locale",
      "language",
      "user_device",
      "user_platform",
      "user_tenure_days",
      "user_signup_date",
    ].map((n) => b.index(n));
    const r = this.#population.record(u);
    const num = b.numbers, codes = b.codes;
    num[k[0]]!.fill(r.userKey, from, to);
    b.texts[k[1]]!.fill(r.name, from, to);
    b.texts[k[2]]!.fill(r.email, from, to);
    num[k[3]]!.fill(r.age, from, to);
    codes[k[4]]!.fill(r.ageBand, from, to);
    for (let c = 5; c <= 9; c++) codes[k[c]]!.fill(r.country, from, to);
    codes[k[10]]!.fill(r.device, from, to);
    codes[k[11]]!.fill(r.device, from, to);
    num[k[12]]!.fill(r.tenureDays, from, to);
    num[k[13]]!.fill(r.signupDay, from, to);
  }
}
