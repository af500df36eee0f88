/**
 * The one number and timestamp formatter every writer uses (docs/design.md §5.3): no exponent
 * notation, no `-0`, no NaN or Infinity, fixed precision per column, timestamps in
 * ISO 8601 UTC with milliseconds and `Z`. Output never depends on locale or time zone.
 *
 * @module
 */
import { DAY_MS } from "./calendar/iso_date.ts";

/** `(k / 10^4).toFixed(4)` for k = 0..10^4: the 4-decimal grid of [0, 1]. */
const GRID4 = Array.from({ length: 10_001 }, (_, k) => (k / 1e4).toFixed(4));

/**
 * Format a number with exactly `decimals` digits after the point.
 *
 * @param x A finite number with |x| < 1e21 (`toFixed` switches to exponent notation above).
 * @param decimals 0..20.
 * @returns E.g. `fixed(0.5, 4)` → "0.5000"; `fixed(-0.00001, 4)` → "0.0000" (never "-0.0000").
 * @throws {RangeError} When `x` is NaN, infinite or |x| ≥ 1e21.
 */
export function fixed(x: number, decimals: number): string {
  if (decimals === 4 && x >= 0 && x <= 1) {
    // Confidences are already on the 4-decimal grid: a table lookup gives the very
    // string toFixed would (the table is built with toFixed), ~10× faster.
    const k = Math.round(x * 1e4);
    if (k / 1e4 === x) return GRID4[k];
  }
  if (!(Math.abs(x) < 1e21)) {
    throw new RangeError(`Cannot format number: received ${x}`);
  }
  const s = x.toFixed(decimals);
  // A negative value that rounds to zero prints as "-0.00..": drop the sign.
  if (s.charCodeAt(0) === 45 && /^-0\.?0*$/.test(s)) return s.slice(1);
  return s;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * The quotient `numerator / denominator` of two non-negative integers, rounded to an
 * integer, half away from zero (0.5 → 1), with exact integer arithmetic.
 *
 * @param numerator An integer ≥ 0.
 * @param denominator An integer ≥ 1.
 * @returns E.g. `roundedQuotient(11919, 2)` → 5960 (5959.5 rounds up).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(roundedQuotient(5 * 10_000, 32), 1563); // 5/32 = 0.15625 → "0.1563" with `scaled`
 * ```
 * @throws {RangeError} When an argument is out of range or 2 × `numerator` +
 *   `denominator` exceeds 2^53 − 1 (the quotient would no longer be exact).
 */
export function roundedQuotient(
  numerator: number,
  denominator: number,
): number {
  const a = 2 * numerator + denominator, b = 2 * denominator;
  if (
    !(Number.isSafeInteger(a) && Number.isInteger(numerator) &&
      Number.isInteger(denominator) && numerator >= 0 && denominator >= 1)
  ) {
    throw new RangeError(
      `Cannot divide exactly: received ${numerator} / ${denominator}`,
    );
  }
  // floor((2n + d) / 2d) = round-half-up of n/d; the correction makes the floor
  // exact even where the floating-point division rounds up to an integer.
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/**
 * An integer count of 10^−`decimals` units as a decimal string: `scaled(5960, 4)` →
 * "0.5960", `scaled(6005, 1)` → "600.5". Exact (no floating-point division).
 *
 * @param units A safe integer ≥ 0.
 * @param decimals 0..6.
 * @throws {RangeError} When `units` is not a safe non-negative integer or
 *   `decimals` is outside 0..6.
 */
export function scaled(units: number, decimals: number): string {
  const p = POW10[decimals];
  if (p === undefined || !Number.isSafeInteger(units) || units < 0) {
    throw new RangeError(
      `Cannot format ${units} units of 10^-${decimals}`,
    );
  }
  if (decimals === 4 && units <= 10_000) return GRID4[units];
  if (decimals === 0) return String(units);
  const whole = Math.floor(units / p);
  return `${whole}.${String(units - whole * p).padStart(decimals, "0")}`;
}

/**
 * A signed count of 10^−`decimals` units as a decimal string, as {@linkcode scaled}
 * writes a non-negative one: `decimal(-1235, 4)` → "-0.1235", `decimal(0, 1)` → "0.0".
 *
 * @param units A safe integer.
 * @param decimals 0..6.
 * @throws {RangeError} As {@linkcode scaled}.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(decimal(-1235, 4), "-0.1235");
 * strictEqual(decimal(60055, 1), "6005.5");
 * ```
 */
export function decimal(units: number, decimals: number): string {
  return units < 0 ? "-" + scaled(-units, decimals) : scaled(units, decimals);
}

/**
 * The units of 10^−`decimals` that {@linkcode fixed} writes for `x`: the integer whose
 * {@linkcode decimal} is `fixed(x, decimals)`, so a value stored as units reads back
 * as the very decimal the text encodings print (`toFixed`'s rounding of the binary
 * value, not a re-rounding of `x × 10^decimals`).
 *
 * @param x As for {@linkcode fixed}.
 * @param decimals 0..6.
 * @returns A safe integer; 0 for a value that prints as zero.
 * @throws {RangeError} As {@linkcode fixed}.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(decimalUnits(0.1234, 4), 1234);
 * // 1.0005 is stored as 1.000499999…, which toFixed(3) rounds down.
 * strictEqual(decimalUnits(1.0005, 3), 1000);
 * strictEqual(decimal(decimalUnits(-0.00001, 4), 4), fixed(-0.00001, 4));
 * ```
 */
export function decimalUnits(x: number, decimals: number): number {
  const p = POW10[decimals];
  if (p === undefined) {
    throw new RangeError(`Cannot format ${x} with ${decimals} decimals`);
  }
  const k = Math.round(x * p);
  // On the grid (confidences, probabilities): toFixed prints exactly k.
  if (k / p === x && Number.isSafeInteger(k)) return k === 0 ? 0 : k;
  const s = fixed(x, decimals);
  const units = Number(decimals === 0 ? s : s.replace(".", ""));
  return units === 0 ? 0 : units;
}

/**
 * Format an integer.
 *
 * @param x A safe integer (|x| ≤ 2^53 − 1); −0 prints as "0".
 * @throws {RangeError} When `x` is not a safe integer.
 */
export function integer(x: number): string {
  if (x >= 0 && x < SMALL_INTEGERS && x === Math.floor(x)) {
    // Keys, turn numbers and milliseconds repeat: their text is made once.
    return smallIntegers[x] ??= x === 0 ? "0" : String(x);
  }
  if (!Number.isSafeInteger(x)) {
    throw new RangeError(`Cannot format integer: received ${x}`);
  }
  return x === 0 ? "0" : String(x);
}

/** Integers 0..SMALL_INTEGERS − 1 keep their text once made (about 2 MB at most). */
const SMALL_INTEGERS = 1 << 16;
const smallIntegers = new Array<string | undefined>(SMALL_INTEGERS);

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
/** `HH:MM:` by minute of the day. */
const MINUTES_TEXT = Array.from(
  { length: 1440 },
  (_, m) => PAD2[Math.floor(m / 60)] + ":" + PAD2[m % 60] + ":",
);
/** `SS.mmmZ` by millisecond of the minute, made when first needed. */
const secondsText = new Array<string | undefined>(60_000);
let cachedDay = NaN;
let cachedPrefix = "";

/**
 * Format an instant as ISO 8601 UTC with milliseconds, e.g. "2025-01-01T09:30:00.123Z":
 * the same text as `Date.prototype.toISOString`, several times faster (the date part
 * is cached per day, `HH:MM:` and `SS.mmmZ` are looked up; tested against
 * `toISOString` in tests/number_format_test.ts).
 *
 * @param ms Milliseconds since 1970-01-01T00:00:00Z, an integer in years 1970..9999.
 * @throws {RangeError} When `ms` is not an integer in that range.
 */
export function timestamp(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000) || ms !== Math.floor(ms)) {
    throw new RangeError(`Cannot format timestamp: received ${ms}`);
  }
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const r = ms - day * DAY_MS;
  const minute = Math.floor(r / 60_000), inMinute = r - minute * 60_000;
  return cachedPrefix + MINUTES_TEXT[minute] +
    (secondsText[inMinute] ??= PAD2[Math.floor(inMinute / 1000)] + "." +
      String(inMinute % 1000).padStart(3, "0") + "Z");
}

/**
 * Quote a CSV field per RFC 4180 only when needed: when it holds a comma, a double
 * quote, CR or LF; inner quotes are doubled.
 *
 * @param s Field text.
 */
export function csvField(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) {
      return '"' + s.replace(/"/g, '""') + '"';
    }
  }
  return s;
}

/**
 * Group an integer's digits in thousands: 1234567 → "1,234,567" (messages and
 * reports), or with another separator for a locale's amounts ("1.234.567").
 *
 * @param n A safe integer.
 * @param separator Between groups of three digits (default ",").
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { thousands } from "./number_format.ts";
 * ok(thousands(1234567, ".") === "1.234.567");
 * ```
 */
export function thousands(n: number, separator = ","): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}
