/**
 * Dimension rows that come from the config and the calendar (everything but users):
 * star (denormalized) and snowflake (normalized hierarchies).
 *
 * @module
 */
import type { Model } from "../model/model.ts";
import {
  dayParts,
  formatIsoDate,
  MONTH_NAMES,
  WEEKDAY_NAMES,
} from "../calendar/iso_date.ts";
import type { CellValue } from "./csv_row.ts";
import { DIALOGUE_ACTS } from "../model/dialogue_acts.ts";

/** Rows of one table, keyed by column name. */
export type Rows = Record<string, CellValue>[];

/** Day part of an hour: night 0–5, morning 6–11, afternoon 12–17, evening 18–23. */
export function dayPart(hour: number): string {
  return hour < 6
    ? "night"
    : hour < 12
    ? "morning"
    : hour < 18
    ? "afternoon"
    : "evening";
}

/**
 * Distinct values in first-appearance order and a value → 1-based key map: the
 * surrogate keys of snowflake hierarchy levels (regions, categories, types, platforms).
 */
export function levelKeys(values: string[]): {
  names: string[];
  key: Map<string, number>;
} {
  const key = new Map<string, number>();
  const names: string[] = [];
  for (const v of values) {
    if (!key.has(v)) {
      names.push(v);
      key.set(v, names.length);
    }
  }
  return { names, key };
}

function dateRows(model: Model, snowflake: boolean): Rows {
  const rows: Rows = [];
  for (let d = model.dimDateFirstDay; d <= model.dimDateLastDay; d++) {
    const p = dayParts(d);
    const common = {
      date_key: p.dateKey,
      date: formatIsoDate(d),
      day_of_month: p.dayOfMonth,
      iso_weekday: p.isoWeekday,
      weekday_name: WEEKDAY_NAMES[p.isoWeekday - 1],
      iso_week: p.isoWeek,
      iso_week_year: p.isoWeekYear,
      is_weekend: p.isoWeekday >= 6,
    };
    rows.push(
      snowflake ? { ...common, month_key: p.year * 100 + p.month } : {
        ...common,
        year: p.year,
        quarter: p.quarter,
        month: p.month,
        month_name: MONTH_NAMES[p.month - 1],
      },
    );
  }
  return rows;
}

/** `dim_dialogue_act` rows: one per act, key = index + 1 (both schemas). */
function actRows(): Rows {
  return DIALOGUE_ACTS.map((a, i) => ({
    act_key: i + 1,
    act: a.name,
    speaker: a.speaker,
    description: a.description,
  }));
}

function timeRows(): Rows {
  const rows: Rows = [];
  for (let h = 0; h < 24; h++) {
    for (let m = 0; m < 60; m++) {
      rows.push({
        time_key: h * 100 + m,
        time: `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`,
        hour: h,
        minute: m,
        day_part: dayPart(h),
      });
    }
  }
  return rows;
}

/**
 * Star dimensions except `dim_user`, by table name.
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const dims = starDimensions(model);
 * // One dim_date row per day from dimDateFirstDay to dimDateLastDay; 24 × 60 dim_time rows.
 * const days = model.dimDateLastDay - model.dimDateFirstDay + 1;
 * if (dims.get("dim_date")!.length !== days) throw new Error("dim_date");
 * if (dims.get("dim_time")!.length !== 24 * 60) throw new Error("dim_time");
 * if (dims.get("dim_intent")!.length !== model.config.intents.length) throw new Error("dim_intent");
 * ```
 */
export function starDimensions(model: Model): Map<string, Rows> {
  const c = model.config;
  return new Map<string, Rows>([
    ["dim_date", dateRows(model, false)],
    ["dim_time", timeRows()],
    [
      "dim_intent",
      c.intents.map((i, k) => ({
        intent_key: k + 1,
        intent_name: i.name,
        intent_category: i.category,
      })),
    ],
    ["dim_dialogue_act", actRows()],
    [
      "dim_channel",
      c.channels.map((ch, k) => ({
        channel_key: k + 1,
        channel_name: ch.name,
        channel_type: ch.type,
      })),
    ],
    [
      "dim_device",
      c.population.devices.map((d, k) => ({
        device_key: k + 1,
        device_name: d.name,
        platform: d.platform,
      })),
    ],
  ]);
}

/** Snowflake hierarchy keys shared by dimensions and `dim_user`. */
export interface SnowflakeKeys {
  /** Country regions (`dim_region`), from `population.countries[].region`. */
  region: ReturnType<typeof levelKeys>;
  /** Intent categories (`dim_intent_category`), from `intents[].category`. */
  category: ReturnType<typeof levelKeys>;
  /** Channel types (`dim_channel_type`), from `channels[].type`. */
  channelType: ReturnType<typeof levelKeys>;
  /** Device platforms (`dim_platform`), from `population.devices[].platform`. */
  platform: ReturnType<typeof levelKeys>;
}

/** Hierarchy level keys of the snowflake schema, from the config. */
export function snowflakeKeys(model: Model): SnowflakeKeys {
  const c = model.config;
  return {
    region: levelKeys(c.population.countries.map((x) => x.region)),
    category: levelKeys(c.intents.map((x) => x.category)),
    channelType: levelKeys(c.channels.map((x) => x.type)),
    platform: levelKeys(c.population.devices.map((x) => x.platform)),
  };
}

/** Snowflake dimensions except `dim_user`, by table name. */
export function snowflakeDimensions(model: Model): Map<string, Rows> {
  const c = model.config;
  const k = snowflakeKeys(model);
  const months: Rows = [];
  const quarters: Rows = [];
  const years: Rows = [];
  const seen = new Set<number>();
  for (let d = model.dimDateFirstDay; d <= model.dimDateLastDay; d++) {
    const p = dayParts(d);
    const mk = p.year * 100 + p.month, qk = p.year * 10 + p.quarter;
    if (!seen.has(mk)) {
      seen.add(mk);
      months.push({
        month_key: mk,
        month: p.month,
        month_name: MONTH_NAMES[p.month - 1],
        quarter_key: qk,
      });
    }
    if (!seen.has(-qk)) {
      seen.add(-qk);
      quarters.push({ quarter_key: qk, quarter: p.quarter, year_key: p.year });
    }
    if (!seen.has(-1e9 - p.year)) {
      seen.add(-1e9 - p.year);
      years.push({ year_key: p.year, year: p.year });
    }
  }
  return new Map<string, Rows>([
    [
      "dim_age_band",
      c.population.age_bands.map((b, i) => ({
        age_band_key: i + 1,
        age_band: b.label,
        min_age: b.min,
        max_age: b.max,
      })),
    ],
    [
      "dim_country",
      c.population.countries.map((x, i) => ({
        country_key: i + 1,
        country_code: x.code,
        country_name: x.name,
        locale: x.locale,
        region_key: k.region.key.get(x.region)!,
      })),
    ],
    [
      "dim_region",
      k.region.names.map((n, i) => ({ region_key: i + 1, region: n })),
    ],
    ["dim_date", dateRows(model, true)],
    ["dim_month", months],
    ["dim_quarter", quarters],
    ["dim_year", years],
    ["dim_time", timeRows()],
    [
      "dim_intent",
      c.intents.map((x, i) => ({
        intent_key: i + 1,
        intent_name: x.name,
        intent_category_key: k.category.key.get(x.category)!,
      })),
    ],
    [
      "dim_intent_category",
      k.category.names.map((n, i) => ({
        intent_category_key: i + 1,
        intent_category: n,
      })),
    ],
    ["dim_dialogue_act", actRows()],
    [
      "dim_channel",
      c.channels.map((x, i) => ({
        channel_key: i + 1,
        channel_name: x.name,
        channel_type_key: k.channelType.key.get(x.type)!,
      })),
    ],
    [
      "dim_channel_type",
      k.channelType.names.map((n, i) => ({
        channel_type_key: i + 1,
        channel_type: n,
      })),
    ],
    [
      "dim_device",
      c.population.devices.map((x, i) => ({
        device_key: i + 1,
        device_name: x.name,
        platform_key: k.platform.key.get(x.platform)!,
      })),
    ],
    [
      "dim_platform",
      k.platform.names.map((n, i) => ({ platform_key: i + 1, platform: n })),
    ],
  ]);
}
