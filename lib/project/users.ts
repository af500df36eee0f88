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

/** Users per text chunk of {@linkcode RawUserTable}. */
const CHUNK_USERS = 4096;

/**
 * What the raw log repeats of each user on every turn, held compactly: small
 * attributes in typed arrays (off the JavaScript heap), and the names and e-mails
 * joined into one flat string per 4,096 users (a string per user, as Faker makes
 * them, costs about 250 bytes of heap each). {@linkcode RawUserTable.fill} writes a
 * user's columns into a raw turn row.
 *
 * Memory per user: the name and the e-mail, one byte per character when no
 * character of its 4,096-user chunk is above U+00FF (two otherwise), and 28 bytes of
 * typed arrays.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * import { RowBatch } from "../schema/row_batch.ts";
 * import { RAW_TURN } from "../schema/tables.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const table = new RawUserTable(model, 1, Int32Array.from([0]));
 * table.add(0, {
 *   userKey: 1, name: "三輪 蓮", email: "ren1@example.com", age: 30, ageBand: 0,
 *   device: 0, country: 0, tenureDays: 10, signupDay: model.calendarStartDay - 10, zone: 0,
 * });
 * const b = new RowBatch(RAW_TURN, 1, table.dictionaries());
 * table.fill(b, 0, 1, 0);
 * strictEqual(b.text(b.index("user_email"), 0), "ren1@example.com");
 * strictEqual(b.numbers[b.index("user_signup_date")]![0], model.calendarStartDay - 10);
 * ```
 */
export class RawUserTable {
  #calendarStart: number;
  #device: Int32Array;
  #age: Int32Array;
  #ageBand: Int32Array;
  #country: Int32Array;
  #tenureDays: Float64Array;
  /** Per user: end of its name and e-mail within its chunk, and its name's length. */
  #end: Uint32Array;
  #nameLength: Uint32Array;
  /** Joined chunks, and the parts of the chunk being filled. */
  #chunks: string[] = [];
  #pending: string[] = [];
  #pendingLength = 0;
  #filled = 0;
  /** The last user written and its name and e-mail (a session's turns repeat them). */
  #lastUser = -1;
  #lastName = "";
  #lastEmail = "";
  #dictionaries: Record<string, string[]>;
  #cols: number[] | undefined;

  /**
   * Room for `users` users, added in index order.
   *
   * @param model Compiled model (labels of age bands, countries, devices).
   * @param users Users to hold, count.
   * @param device Device index by user index, filled by the caller (shared, not copied).
   */
  constructor(model: Model, users: number, device: Int32Array) {
    this.#calendarStart = model.calendarStartDay;
    this.#device = device;
    this.#age = new Int32Array(users);
    this.#ageBand = new Int32Array(users);
    this.#country = new Int32Array(users);
    this.#tenureDays = new Float64Array(users);
    this.#end = new Uint32Array(users);
    this.#nameLength = new Uint32Array(users);
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
    this.#pending.push(u.name, u.email);
    this.#pendingLength += u.name.length + u.email.length;
    this.#end[index] = this.#pendingLength;
    this.#nameLength[index] = u.name.length;
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

  /** Name and e-mail of user `u` (after the last {@linkcode add}). */
  #lookUp(u: number): void {
    if (u === this.#lastUser) return;
    if (this.#pending.length) this.#seal();
    const chunk = this.#chunks[Math.floor(u / CHUNK_USERS)];
    const start = u % CHUNK_USERS === 0 ? 0 : this.#end[u - 1];
    const nameEnd = start + this.#nameLength[u];
    this.#lastUser = u;
    this.#lastName = chunk.slice(start, nameEnd);
    this.#lastEmail = chunk.slice(nameEnd, this.#end[u]);
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
    this.#lookUp(u);
    const country = this.#country[u], device = this.#device[u];
    const tenure = this.#tenureDays[u];
    const num = b.numbers, codes = b.codes;
    num[k[0]]!.fill(u + 1, from, to);
    b.texts[k[1]]!.fill(this.#lastName, from, to);
    b.texts[k[2]]!.fill(this.#lastEmail, from, to);
    num[k[3]]!.fill(this.#age[u], from, to);
    codes[k[4]]!.fill(this.#ageBand[u], from, to);
    for (let c = 5; c <= 9; c++) codes[k[c]]!.fill(country, from, to);
    codes[k[10]]!.fill(device, from, to);
    codes[k[11]]!.fill(device, from, to);
    num[k[12]]!.fill(tenure, from, to);
    num[k[13]]!.fill(this.#calendarStart - tenure, from, to);
  }
}
