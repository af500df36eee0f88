/**
 * Session-start intensity in the user's local time (docs/design.md §3.2): the
 * calendar range [calendar.start 00:00Z, calendar.end + 1 00:00Z) cut into 15-minute
 * UTC cells, each weighted by hour_weights[local hour] × weekday_weights[local ISO
 * weekday] in one time zone. The config rules admit only zones whose offset over the
 * dataset's dates is a whole multiple of 15 minutes (not so before 1980 in
 * Pacific/Kiritimati, −10:40, and before 1972 in Africa/Monrovia, −0:44:30), so the
 * local hour and weekday are constant within a cell.
 *
 * @module
 */
import { DAY_MS } from "./iso_date.ts";
import { utcOffsetMinutes } from "./time_zone.ts";

/** Length of one start cell, ms (15 minutes). */
export const CELL_MS = 900_000;
/** Start cells per UTC day. */
export const CELLS_PER_DAY = 96;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The calendar keys the intensity reads (a subset of the config's `calendar`). */
export interface CalendarWeights {
  /** Relative intensity by local hour 00..23 (24 entries, ≥ 0). */
  hour_weights: number[];
  /** Relative intensity by local ISO weekday, keys Mon..Sun (≥ 0). */
  weekday_weights: Record<
    "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun",
    number
  >;
}

/** Weekday weights in ISO order, Monday first. */
function weekdayOrder(cal: CalendarWeights): number[] {
  const w = cal.weekday_weights;
  return [w.Mon, w.Tue, w.Wed, w.Thu, w.Fri, w.Sat, w.Sun];
}

/**
 * Local hour (0..23) and ISO weekday index (0 = Monday .. 6 = Sunday) of an instant
 * at a given UTC offset.
 *
 * @param epochMs The instant, ms since the epoch.
 * @param offsetMinutes The zone's UTC offset then, minutes east.
 * @returns `[hour, weekday]`.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * // Sunday 2025-01-05 23:30Z at UTC+1 is Monday 00:30: local hour 0, weekday index 0 (Monday).
 * deepStrictEqual(localHourWeekday(Date.UTC(2025, 0, 5, 23, 30), 60), [0, 0]);
 * ```
 */
export function localHourWeekday(
  epochMs: number,
  offsetMinutes: number,
): [number, number] {
  const local = epochMs + offsetMinutes * MINUTE_MS;
  const day = Math.floor(local / DAY_MS);
  return [
    Math.floor((local - day * DAY_MS) / HOUR_MS),
    (((day + 3) % 7) + 7) % 7,
  ];
}

/**
 * The weight of every 15-minute UTC cell of days `startDay`..`endDay` for users in
 * `zone`: cell i starts at startDay × 1 day + i × 15 min, and weighs
 * hour_weights[h] × weekday_weights[d] with h and d the local hour and weekday at its
 * start.
 *
 * @param cal The calendar weights.
 * @param startDay First UTC epoch day.
 * @param endDay Last UTC epoch day (inclusive), ≥ startDay.
 * @param zone An IANA zone name (validated by the config rules).
 * @returns (endDay − startDay + 1) × 96 weights, ≥ 0 (relative, not normalized).
 * @throws {RangeError} When `zone` is unknown.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const cal = {
 *   hour_weights: Array.from({ length: 24 }, (_, h) => (h === 9 ? 1 : 0)),
 *   weekday_weights: { Mon: 1, Tue: 1, Wed: 1, Thu: 1, Fri: 1, Sat: 1, Sun: 1 },
 * };
 * const w = zoneCellWeights(cal, 20089, 20089, "Asia/Kolkata"); // 2025-01-01
 * strictEqual(w.indexOf(1), 14); // 03:30Z is 09:00 in Kolkata (+5:30)
 * ```
 */
export function zoneCellWeights(
  cal: CalendarWeights,
  startDay: number,
  endDay: number,
  zone: string,
): Float64Array {
  const n = (endDay - startDay + 1) * CELLS_PER_DAY;
  const out = new Float64Array(n);
  const wd = weekdayOrder(cal);
  const t0 = startDay * DAY_MS;
  for (let i = 0; i < n; i++) {
    const t = t0 + i * CELL_MS;
    const [h, d] = localHourWeekday(t, utcOffsetMinutes(zone, t));
    out[i] = cal.hour_weights[h] * wd[d];
  }
  return out;
}

/**
 * Whether any 15-minute cell of days `startDay`..`endDay` has positive weight in
 * `zone` (otherwise no session of a user there could start).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * const cal = {
 *   hour_weights: Array(24).fill(1),
 *   weekday_weights: { Mon: 1, Tue: 0, Wed: 0, Thu: 0, Fri: 0, Sat: 0, Sun: 0 },
 * };
 * strictEqual(zoneHasIntensity(cal, 20089, 20089, "Europe/Berlin"), false); // a Wednesday
 * ```
 */
export function zoneHasIntensity(
  cal: CalendarWeights,
  startDay: number,
  endDay: number,
  zone: string,
): boolean {
  const wd = weekdayOrder(cal);
  const t0 = startDay * DAY_MS, n = (endDay - startDay + 1) * CELLS_PER_DAY;
  for (let i = 0; i < n; i++) {
    const t = t0 + i * CELL_MS;
    const [h, d] = localHourWeekday(t, utcOffsetMinutes(zone, t));
    if (cal.hour_weights[h] * wd[d] > 0) return true;
  }
  return false;
}
