/**
 * IANA time zones without the runtime's ICU data: UTC offsets come from the pinned
 * `moment-timezone` package, which ships its own copy of the IANA database (its
 * `dataVersion`, e.g. "2026f") and computes offsets from its transition tables, never
 * through `Intl`. The output therefore cannot depend on the machine's time-zone data
 * or on the `TZ` variable (docs/design.md §3.2, §4).
 *
 * This is the only module that imports the package.
 *
 * @module
 */
import moment from "moment-timezone";

/** Milliseconds in one minute. */
const MINUTE_MS = 60_000;

/** The package's transition table of one zone (documented Zone object fields). */
interface Transitions {
  /** Instant each period ends, ms since the epoch, ascending; the last is Infinity. */
  untils: number[];
  /** Offset of each period, minutes WEST of UTC (New York in winter: 300). */
  offsets: number[];
}

const cache = new Map<string, Transitions | null>();

/** The transition table of `zone` spelt exactly as IANA does, or null. */
function transitions(zone: string): Transitions | null {
  let t = cache.get(zone);
  if (t === undefined) {
    const z = moment.tz.zone(zone);
    // The package looks names up case-insensitively; only the exact spelling counts.
    t = z !== null && z.name === zone
      ? { untils: z.untils, offsets: z.offsets }
      : null;
    cache.set(zone, t);
  }
  return t;
}

/** The version of the IANA time-zone database the offsets come from, e.g. "2026f". */
export const TIME_ZONE_DATA_VERSION: string = moment.tz.dataVersion;

/**
 * Whether `zone` is an IANA time-zone name the data knows, spelt exactly (case
 * included), e.g. "Europe/Berlin" or the link "Asia/Calcutta".
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(isTimeZone("Australia/Sydney"), true);
 * strictEqual(isTimeZone("australia/sydney"), false);
 * strictEqual(isTimeZone("Mars/Olympus"), false);
 * ```
 */
export function isTimeZone(zone: string): boolean {
  return transitions(zone) !== null;
}

/**
 * Every IANA zone and link name the data knows, sorted (for "did you mean").
 *
 * @example
 * ```ts
 * if (!timeZoneNames().includes("Asia/Kolkata")) throw new Error("Asia/Kolkata missing");
 * ```
 */
export function timeZoneNames(): string[] {
  return moment.tz.names();
}

/**
 * The UTC offset of `zone` at an instant: local time = UTC + offset, in minutes
 * (east of UTC positive), daylight saving time included.
 *
 * @param zone An IANA zone name (see {@linkcode isTimeZone}).
 * @param epochMs The instant, ms since 1970-01-01T00:00:00Z.
 * @returns Minutes, e.g. −300 for New York in January, 330 for Kolkata.
 * @throws {RangeError} When `zone` is not a known zone name.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * // New York starts daylight saving time on 2025-03-09 at 07:00Z.
 * strictEqual(utcOffsetMinutes("America/New_York", Date.UTC(2025, 2, 9, 6, 59)), -300);
 * strictEqual(utcOffsetMinutes("America/New_York", Date.UTC(2025, 2, 9, 7, 0)), -240);
 * strictEqual(utcOffsetMinutes("Asia/Kolkata", Date.UTC(2025, 0, 1)), 330);
 * ```
 */
export function utcOffsetMinutes(zone: string, epochMs: number): number {
  const t = transitions(zone);
  if (t === null) {
    throw new RangeError(`Unknown time zone "${zone}"`);
  }
  // The first period that ends after the instant (binary search).
  const u = t.untils;
  let lo = 0, hi = u.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u[mid] > epochMs) hi = mid;
    else lo = mid + 1;
  }
  // Normalize −0 (a zone at UTC) to 0.
  return 0 - t.offsets[lo];
}

/** One period of constant UTC offset, as {@linkcode utcOffsetPeriods} lists it. */
export interface OffsetPeriod {
  /** First instant of the period within the range asked for, ms since the epoch. */
  fromMs: number;
  /** The offset, minutes east of UTC; not always whole (Monrovia 1919–1972: −44.5). */
  offsetMinutes: number;
}

/**
 * The UTC offsets of `zone` over the instants [fromMs, toMs]: every period of
 * constant offset that overlaps the range, in time order, the first starting at
 * `fromMs` itself.
 *
 * @param zone An IANA zone name (see {@linkcode isTimeZone}).
 * @param fromMs First instant, ms since the epoch.
 * @param toMs Last instant (inclusive), ≥ fromMs.
 * @returns At least one period.
 * @throws {RangeError} When `zone` is not a known zone name.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * // Kiritimati moved from −10:40 to −10:00 on 1979-10-01 at 10:40Z.
 * deepStrictEqual(
 *   utcOffsetPeriods("Pacific/Kiritimati", Date.UTC(1979, 8, 30), Date.UTC(1979, 9, 2)),
 *   [
 *     { fromMs: Date.UTC(1979, 8, 30), offsetMinutes: -640 },
 *     { fromMs: Date.UTC(1979, 9, 1, 10, 40), offsetMinutes: -600 },
 *   ],
 * );
 * ```
 */
export function utcOffsetPeriods(
  zone: string,
  fromMs: number,
  toMs: number,
): OffsetPeriod[] {
  const out = [{ fromMs, offsetMinutes: utcOffsetMinutes(zone, fromMs) }];
  const t = transitions(zone)!;
  for (let i = 0; i < t.untils.length - 1; i++) {
    const u = t.untils[i];
    if (u > fromMs && u <= toMs) {
      out.push({ fromMs: u, offsetMinutes: 0 - t.offsets[i + 1] });
    }
  }
  return out;
}

/**
 * An instant as local ISO 8601 text with the numeric offset and milliseconds:
 * `YYYY-MM-DDTHH:mm:ss.sss±HH:MM` (UTC itself is written "+00:00").
 *
 * @param epochMs The instant, whole ms since the epoch, years 0000..9999 locally.
 * @param offsetMinutes The zone's offset at that instant (see {@linkcode utcOffsetMinutes}).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(
 *   localTimestamp(Date.UTC(2025, 0, 2, 22, 15, 2, 123), 660),
 *   "2025-01-03T09:15:02.123+11:00",
 * );
 * ```
 */
export function localTimestamp(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * MINUTE_MS).toISOString();
  const a = Math.abs(offsetMinutes);
  const hh = String(Math.floor(a / 60)).padStart(2, "0");
  const mm = String(a % 60).padStart(2, "0");
  return `${local.slice(0, 23)}${offsetMinutes < 0 ? "-" : "+"}${hh}:${mm}`;
}
