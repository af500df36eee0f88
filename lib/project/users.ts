/**
 * User projections: `dim_user` rows (star, snowflake) and the user part of a raw line.
 *
 * @module
 */
import type { Model } from "../model/model.ts";
import type { UserRecord } from "../model/user.ts";
import { dayParts, formatIsoDate } from "../calendar/iso_date.ts";
import type { CellValue } from "./csv_row.ts";

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
  };
}

/** Snowflake `dim_user` row: hierarchy members by surrogate key. */
export function snowflakeUserRow(u: UserRecord): Record<string, CellValue> {
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
  };
}

/**
 * The user fields of a raw JSONL line, from `"user_id"` to `"user_signup_date"`,
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
  },"user_device":${j(device.name)},"user_platform":${
    j(device.platform)
  },"user_tenure_days":${u.tenureDays},"user_signup_date":"${
    formatIsoDate(u.signupDay)
  }"`;
}
