/**
 * Calendar arithmetic on UTC days, independent of the machine's time zone: a day is
 * an integer count of days since 1970-01-01 (the "epoch day").
 *
 * @module
 */

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/** English weekday names, Monday first: index ISO 8601 weekday − 1. */
export const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** English month names, January first: index month − 1. */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/**
 * Parse `YYYY-MM-DD` into an epoch day.
 *
 * @param text A date string.
 * @returns Days since 1970-01-01 (UTC), or `undefined` when the text is not a real
 *   calendar date (e.g. "2025-02-30", "2025-1-1").
 *
 * @example
 * ```ts
 * const day = parseIsoDate("2025-03-30");
 * if (day !== Date.UTC(2025, 2, 30) / DAY_MS) throw new Error(`Unexpected ${day}`);
 * if (parseIsoDate("2025-02-30") !== undefined) throw new Error("February 30 is no date");
 * ```
 */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d
  ) return undefined;
  return ms / DAY_MS;
}

/**
 * Format an epoch day as `YYYY-MM-DD`.
 *
 * @param day Days since 1970-01-01 (UTC), years 0000..9999.
 *
 * @example
 * ```ts
 * const text = formatIsoDate(Date.UTC(2024, 1, 29) / DAY_MS);
 * if (text !== "2024-02-29") throw new Error(`Unexpected ${text}`);
 * ```
 */
export function formatIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar attributes of one day, as `dim_date` carries them (docs/design.md §5.3). */
export interface DayParts {
  /** Days since 1970-01-01. */
  epochDay: number;
  /** `YYYY-MM-DD`. */
  iso: string;
  /** Surrogate key YYYYMMDD. */
  dateKey: number;
  /** Calendar year, e.g. 2025. */
  year: number;
  /** 1..4 */
  quarter: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  dayOfMonth: number;
  /** ISO 8601 weekday, Monday = 1 .. Sunday = 7. */
  isoWeekday: number;
  /** ISO 8601 week number, 1..53. */
  isoWeek: number;
  /** ISO 8601 week-numbering year (may differ from `year` around New Year). */
  isoWeekYear: number;
}

/**
 * The calendar attributes of an epoch day (ISO 8601 weekday, week and week-year).
 *
 * @param epochDay Days since 1970-01-01 (UTC).
 *
 * @example
 * ```ts
 * // Monday 2024-12-30 opens ISO week 1 of 2025 (the week holding 2025-01-02, a Thursday).
 * const p = dayParts(Date.UTC(2024, 11, 30) / DAY_MS);
 * if (p.isoWeekday !== 1 || p.isoWeek !== 1 || p.isoWeekYear !== 2025 || p.year !== 2024) {
 *   throw new Error(`Unexpected ${JSON.stringify(p)}`);
 * }
 * ```
 */
export function dayParts(epochDay: number): DayParts {
  const d = new Date(epochDay * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const dayOfMonth = d.getUTCDate();
  // 1970-01-01 was a Thursday (ISO weekday 4).
  const isoWeekday = ((((epochDay + 3) % 7) + 7) % 7) + 1;
  // ISO week: the week holding this week's Thursday; its year is the week-year.
  const thursday = epochDay - isoWeekday + 4;
  const isoWeekYear = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Date.UTC(isoWeekYear, 0, 1) / DAY_MS;
  const isoWeek = Math.floor((thursday - jan1) / 7) + 1;
  return {
    epochDay,
    iso: d.toISOString().slice(0, 10),
    dateKey: year * 10000 + month * 100 + dayOfMonth,
    year,
    quarter: Math.floor((month - 1) / 3) + 1,
    month,
    dayOfMonth,
    isoWeekday,
    isoWeek,
    isoWeekYear,
  };
}
