/**
 * Calendar arithmetic of `lib/calendar/iso_date.ts` against the JavaScript `Date`
 * object and the ISO 8601 rule "week 1 holds January 4" (an algorithm other than
 * the code's nearest-Thursday one), plus hand-checked dates around New Year.
 */
import assert from "node:assert/strict";
import {
  DAY_MS,
  dayParts,
  formatIsoDate,
  parseIsoDate,
} from "../lib/calendar/iso_date.ts";

/** ISO weekday 1..7 (Monday first) from Date's Sunday-first getUTCDay. */
function weekdayByDate(ms: number): number {
  return ((new Date(ms).getUTCDay() + 6) % 7) + 1;
}

/** Epoch-ms of the Monday of ISO week 1 of `year`: the Monday on or before Jan 4. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - (weekdayByDate(jan4) - 1) * DAY_MS;
}

/** ISO week and week-year by the January 4 rule. */
function isoWeekByJan4(ms: number): { week: number; year: number } {
  let year = new Date(ms).getUTCFullYear() + 1;
  while (week1Monday(year) > ms) year--;
  return {
    week: Math.floor((ms - week1Monday(year)) / (7 * DAY_MS)) + 1,
    year,
  };
}

Deno.test("dayParts agrees with Date and the January 4 rule on every day 1900–2100", () => {
  const first = Date.UTC(1900, 0, 1) / DAY_MS,
    last = Date.UTC(2100, 11, 31) / DAY_MS;
  for (let day = first; day <= last; day++) {
    const ms = day * DAY_MS;
    const d = new Date(ms);
    const p = dayParts(day);
    const at = d.toISOString();
    assert.equal(p.epochDay, day);
    assert.equal(p.iso, at.slice(0, 10), at);
    assert.equal(p.year, d.getUTCFullYear(), at);
    assert.equal(p.month, d.getUTCMonth() + 1, at);
    assert.equal(p.dayOfMonth, d.getUTCDate(), at);
    assert.equal(
      p.quarter,
      [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4][d.getUTCMonth()],
    );
    assert.equal(p.dateKey, Number(at.slice(0, 10).replaceAll("-", "")), at);
    assert.equal(p.isoWeekday, weekdayByDate(ms), at);
    const w = isoWeekByJan4(ms);
    assert.equal(p.isoWeek, w.week, at);
    assert.equal(p.isoWeekYear, w.year, at);
  }
});

Deno.test("dayParts: hand-checked ISO weeks around New Year and before 1970", () => {
  // [date, ISO weekday, ISO week, week-year], from a printed calendar.
  const cases: [string, number, number, number][] = [
    ["1970-01-01", 4, 1, 1970], // a Thursday
    ["2021-01-03", 7, 53, 2020], // Sunday of 2020's week 53
    ["2021-01-04", 1, 1, 2021],
    ["2024-12-30", 1, 1, 2025], // Monday of 2025's week 1
    ["2026-12-31", 4, 53, 2026], // 2026 starts on a Thursday: 53 weeks
    ["2027-01-01", 5, 53, 2026],
    ["1969-12-31", 3, 1, 1970], // a negative epoch day
  ];
  for (const [iso, weekday, week, weekYear] of cases) {
    const day = Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
    const p = dayParts(day);
    assert.deepEqual([p.isoWeekday, p.isoWeek, p.isoWeekYear], [
      weekday,
      week,
      weekYear,
    ], iso);
  }
});

Deno.test("parseIsoDate and formatIsoDate round-trip real dates and reject others", () => {
  assert.equal(parseIsoDate("1970-01-01"), 0);
  assert.equal(parseIsoDate("1969-12-31"), -1);
  assert.equal(parseIsoDate("2024-02-29"), Date.UTC(2024, 1, 29) / DAY_MS);
  assert.equal(parseIsoDate("2000-02-29"), Date.UTC(2000, 1, 29) / DAY_MS);
  for (
    const bad of [
      "2025-02-29", // not a leap year
      "1900-02-29", // century, not a leap year
      "2025-02-30",
      "2025-13-01",
      "2025-00-10",
      "2025-1-1",
      "25-01-01",
      "2025-01-01T00:00:00Z",
      " 2025-01-01",
      "",
    ]
  ) {
    assert.equal(parseIsoDate(bad), undefined, JSON.stringify(bad));
  }
  for (const day of [-1, 0, 1, 20088, 2932896]) {
    const text = formatIsoDate(day);
    assert.equal(text, new Date(day * DAY_MS).toISOString().slice(0, 10));
    assert.equal(parseIsoDate(text), day, text);
  }
  assert.equal(formatIsoDate(-719528), "0000-01-01");
  assert.equal(formatIsoDate(2932896), "9999-12-31");
});
