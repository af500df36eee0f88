/**
 * `lib/project`: CSV cells and rows read back by csv-parse in strict mode, and the
 * config/calendar dimensions against hand-computed values and the `Date` object.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { csvRow, formatCell } from "../lib/project/csv_row.ts";
import {
  dayPart,
  levelKeys,
  snowflakeDimensions,
  starDimensions,
} from "../lib/project/dimensions.ts";
import type { Column, Table } from "../lib/schema/table.ts";
import { STAR_TABLES } from "../lib/schema/tables.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/generate.ts";
import { compileModel } from "../lib/model/model.ts";
import { ROOT } from "./helpers.ts";

/** One CSV line parsed strictly (RFC 4180 quoting, no relaxations). */
function parseLine(line: string): string[] {
  const records = parse(line + "\n", {
    relax_quotes: false,
    relax_column_count: false,
    // A bare CR or LF outside quotes ends a record: both must be quoted.
    record_delimiter: ["\n", "\r"],
  }) as string[][];
  assert.equal(records.length, 1, `one record in ${JSON.stringify(line)}`);
  return records[0];
}

const col = (
  name: string,
  type: Column["type"],
  decimals?: number,
): Column => ({
  name,
  type,
  description: name,
  decimals,
});

const TABLE: Table = {
  name: "t",
  grain: "test",
  columns: [
    col("id", "integer"),
    col("score", "number", 3),
    col("flag", "boolean"),
    col("text", "string"),
    col("day", "date"),
    col("at", "datetime"),
  ],
  primaryKey: ["id"],
  foreignKeys: [],
};

Deno.test("csvRow: schema order, and every awkward string survives a strict CSV parser", () => {
  for (
    const text of [
      "plain",
      "a, b",
      'say "hi"',
      "two\nlines",
      "cr\rinside",
      '"',
      ",",
      "  spaced  ",
      "한국어 😀",
    ]
  ) {
    // Keys given out of schema order: the row follows the schema.
    const line = csvRow(TABLE, {
      at: "2025-01-02T03:04:05.678Z",
      text,
      day: "2025-01-02",
      flag: false,
      score: 0.5,
      id: 42,
    });
    assert.deepEqual(parseLine(line), [
      "42",
      "0.500",
      "false",
      text,
      "2025-01-02",
      "2025-01-02T03:04:05.678Z",
    ], JSON.stringify(text));
  }
});

Deno.test("formatCell: numbers by hand, negative zero unsigned, wrong types rejected", () => {
  assert.equal(formatCell(col("n", "number", 2), 12.3456), "12.35");
  assert.equal(formatCell(col("n", "number", 2), 0.125), "0.13"); // exact half: up
  assert.equal(formatCell(col("n", "number", 2), -0.001), "0.00");
  // 4 decimals by default; the double nearest 0.12345 lies just above it.
  assert.equal(formatCell(col("n", "number"), 0.12345), "0.1235");
  assert.equal(formatCell(col("n", "number"), 1), "1.0000");
  assert.equal(formatCell(col("i", "integer"), -7), "-7");
  assert.equal(formatCell(col("i", "integer"), -0), "0");
  assert.equal(formatCell(col("b", "boolean"), true), "true");
  assert.throws(() => formatCell(col("i", "integer"), "7"), TypeError);
  assert.throws(() => formatCell(col("b", "boolean"), 1), TypeError);
  assert.throws(() => formatCell(col("s", "string"), 1), TypeError);
  assert.throws(
    () => formatCell(col("d", "date"), true),
    (e: Error) => e instanceof TypeError && e.message.includes("d (date)"),
  );
  assert.throws(() => formatCell(col("i", "integer"), 1.5), RangeError);
  assert.throws(
    () => csvRow(TABLE, { id: 1 }),
    (e: Error) => e instanceof TypeError && /column score/.test(e.message),
  );
});

Deno.test("dayPart boundaries and levelKeys first-appearance keys, by hand", () => {
  const parts = Array.from({ length: 24 }, (_, h) => dayPart(h));
  assert.deepEqual(
    [
      parts[0],
      parts[5],
      parts[6],
      parts[11],
      parts[12],
      parts[17],
      parts[18],
      parts[23],
    ],
    [
      "night",
      "night",
      "morning",
      "morning",
      "afternoon",
      "afternoon",
      "evening",
      "evening",
    ],
  );
  const { names, key } = levelKeys(["EU", "NA", "EU", "APAC", "NA"]);
  assert.deepEqual(names, ["EU", "NA", "APAC"]);
  assert.deepEqual([...key], [["EU", 1], ["NA", 2], ["APAC", 3]]);
  assert.deepEqual(levelKeys([]).names, []);
});

const base = loadConfig(`${ROOT}/config.yaml`);
const model = compileModel(effectiveConfig(base.config, {}, base.source));

Deno.test("star dimensions: dim_time is every minute; dim_date every day, checked with Date", () => {
  const star = starDimensions(model);
  const time = star.get("dim_time")!;
  assert.equal(time.length, 24 * 60);
  assert.deepEqual(time[0], {
    time_key: 0,
    time: "00:00",
    hour: 0,
    minute: 0,
    day_part: "night",
  });
  assert.deepEqual(time[13 * 60 + 7], {
    time_key: 1307,
    time: "13:07",
    hour: 13,
    minute: 7,
    day_part: "afternoon",
  });
  const dates = star.get("dim_date")!;
  const first = new Date(`${dates[0].date}T00:00:00Z`);
  assert.equal(first.getTime() / 86_400_000, model.dimDateFirstDay);
  assert.equal(dates.length, model.dimDateLastDay - model.dimDateFirstDay + 1);
  dates.forEach((r, i) => {
    const d = new Date(first.getTime() + i * 86_400_000);
    const iso = d.toISOString().slice(0, 10);
    assert.equal(r.date, iso);
    assert.equal(r.date_key, Number(iso.replaceAll("-", "")));
    assert.equal(
      r.weekday_name,
      d.toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" }),
    );
    assert.equal(
      r.month_name,
      d.toLocaleDateString("en-US", { month: "long", timeZone: "UTC" }),
    );
    assert.equal(r.is_weekend, d.getUTCDay() === 0 || d.getUTCDay() === 6);
    assert.equal(r.quarter, Math.ceil((d.getUTCMonth() + 1) / 3));
  });
  // Every star dimension's rows serialize to its own schema's header width.
  for (const [name, rows] of star) {
    const t = STAR_TABLES.find((x) => x.name === name)!;
    assert.ok(t, name);
    for (const r of rows.slice(0, 50)) {
      assert.equal(parseLine(csvRow(t, r)).length, t.columns.length, name);
    }
  }
});

Deno.test("snowflake dimensions: one month row per calendar month the dates span", () => {
  const snow = snowflakeDimensions(model);
  const months = snow.get("dim_month")!;
  const seen = new Set<string>();
  for (let d = model.dimDateFirstDay; d <= model.dimDateLastDay; d++) {
    seen.add(new Date(d * 86_400_000).toISOString().slice(0, 7));
  }
  assert.deepEqual(
    months.map((m) => String(m.month_key)),
    [...seen].map((ym) => ym.replace("-", "")),
  );
  // Date rows point to their month.
  for (const r of snow.get("dim_date")!) {
    assert.equal(
      String(r.month_key),
      String(r.date).slice(0, 7).replace("-", ""),
    );
  }
});
