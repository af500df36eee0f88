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

/** Users per text chunk of {@linkcode RawUserFragments}. */
const CHUNK_USERS = 4096;

/**
 * The raw user fragments of every user, held compactly: small attributes in typed
 * arrays (off the JavaScript heap) and the JSON-quoted names and e-mails joined into
 * one flat string per 4,096 users. {@linkcode RawUserFragments.fragment} rebuilds
 * exactly the string {@linkcode rawUserFragment} makes, once per session, instead of
 * keeping one pre-built (and, in V8, fragmented) string per user.
 *
 * Memory per user: about 45 bytes of heap (the quoted name and e-mail, one byte per
 * character when no character is above U+00FF) and 24 bytes of typed arrays.
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * import type { UserRecord } from "../model/user.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const user = (i: number): UserRecord => ({
 *   userKey: i + 1,
 *   name: i ? "三輪 蓮" : 'Mia "M" Jones',
 *   email: `mia${i + 1}@example.com`,
 *   age: 30 + i,
 *   ageBand: 0,
 *   device: i,
 *   country: i,
 *   tenureDays: 10,
 *   signupDay: model.calendarStartDay - 10, // as generateUser sets it: start − tenure
 *   zone: 0,
 * });
 * const table = new RawUserFragments(model, 2, Int32Array.from([0, 1]));
 * table.add(0, user(0));
 * table.add(1, user(1));
 * for (const i of [0, 1]) {
 *   const fragment = table.fragment(i);
 *   if (fragment !== rawUserFragment(model, user(i))) throw new Error(fragment);
 *   // A strict JSON parser reads it as object members.
 *   if (JSON.parse(`{${fragment}}`).user_email !== `mia${i + 1}@example.com`) throw new Error(fragment);
 * }
 * ```
 */
export class RawUserFragments {
  #model: Model;
  #device: Int32Array;
  #age: Int32Array;
  #ageBand: Int32Array;
  #country: Int32Array;
  #tenureDays: Float64Array;
  /** Per user: end of its text within its chunk, and the length of the quoted name. */
  #end: Uint32Array;
  #nameLength: Uint32Array;
  /** Joined chunks, and the parts of the chunk being filled. */
  #chunks: string[] = [];
  #pending: string[] = [];
  #pendingLength = 0;
  #filled = 0;
  /** JSON members by index: age band; country to locale; device and platform. */
  #ageBandJson: string[];
  #countryJson: string[];
  #deviceJson: string[];

  /**
   * Room for `users` users, added in index order.
   *
   * @param model Compiled model (labels of age bands, countries, devices).
   * @param users Users to hold, count.
   * @param device Device index by user index, filled by the caller (shared, not copied).
   */
  constructor(model: Model, users: number, device: Int32Array) {
    this.#model = model;
    this.#device = device;
    this.#age = new Int32Array(users);
    this.#ageBand = new Int32Array(users);
    this.#country = new Int32Array(users);
    this.#tenureDays = new Float64Array(users);
    this.#end = new Uint32Array(users);
    this.#nameLength = new Uint32Array(users);
    const p = model.config.population;
    const j = JSON.stringify;
    this.#ageBandJson = p.age_bands.map((b) => `"user_age_band":${j(b.label)}`);
    this.#countryJson = p.countries.map((c) =>
      `"user_country_code":${j(c.code)},"user_country":${
        j(c.name)
      },"user_region":${j(c.region)},"user_locale":${j(c.locale)},"language":${
        j(localeLanguage(c.locale))
      }`
    );
    this.#deviceJson = p.devices.map((d) =>
      `"user_device":${j(d.name)},"user_platform":${j(d.platform)}`
    );
  }

  /**
   * Record user `u`; users must be added in index order 0, 1, 2, …
   *
   * @throws {RangeError} When `u` is not the next index.
   */
  add(index: number, u: UserRecord): void {
    if (index !== this.#filled) {
      throw new RangeError(
        `Cannot add user ${index} to the raw user table: expected user ${this.#filled}`,
      );
    }
    this.#age[index] = u.age;
    this.#ageBand[index] = u.ageBand;
    this.#country[index] = u.country;
    this.#tenureDays[index] = u.tenureDays;
    const name = JSON.stringify(u.name);
    const email = JSON.stringify(u.email);
    this.#pending.push(name, email);
    this.#pendingLength += name.length + email.length;
    this.#end[index] = this.#pendingLength;
    this.#nameLength[index] = name.length;
    this.#filled++;
    if (this.#filled % CHUNK_USERS === 0) this.#seal();
  }

  /** Join the pending parts into one flat chunk string. */
  #seal(): void {
    if (this.#pending.length === 0) return;
    this.#chunks.push(this.#pending.join(""));
    this.#pending = [];
    this.#pendingLength = 0;
  }

  /**
   * The raw JSON fragment of user `index`, identical to {@linkcode rawUserFragment}'s.
   * Call after the last {@linkcode add}.
   */
  fragment(index: number): string {
    if (this.#pending.length) this.#seal();
    const chunk = this.#chunks[Math.floor(index / CHUNK_USERS)];
    const start = index % CHUNK_USERS === 0 ? 0 : this.#end[index - 1];
    const nameEnd = start + this.#nameLength[index];
    const tenure = this.#tenureDays[index];
    return `"user_id":${index + 1},"user_name":${
      chunk.slice(start, nameEnd)
    },"user_email":${chunk.slice(nameEnd, this.#end[index])},"user_age":${
      this.#age[index]
    },${this.#ageBandJson[this.#ageBand[index]]},${
      this.#countryJson[this.#country[index]]
    },${
      this.#deviceJson[this.#device[index]]
    },"user_tenure_days":${tenure},"user_signup_date":"${
      formatIsoDate(this.#model.calendarStartDay - tenure)
    }"`;
  }
}
