/**
 * The three representations agree (docs/design.md §5): row counts, keys, foreign keys,
 * strict CSV, types and precision per column, and the facts rebuilt from the raw
 * JSONL byte for byte.
 */
import assert from "node:assert/strict";
import { generateTemp, readCsv, readCsvObjects } from "./helpers.ts";
import {
  FACT_SESSION,
  FACT_TURN,
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../lib/schema/tables.ts";
import type { Column, Table } from "../lib/schema/table.ts";
import { csvRow } from "../lib/project/csv_row.ts";

const ds = generateTemp({ sessions: 1500, users: 300, seed: 7 });
const dir = ds.dir;
const rawLines = Deno.readTextFileSync(`${dir}/raw/turns.jsonl`).split("\n");
assert.equal(rawLines.pop(), "");
const raw = rawLines.map((l) => JSON.parse(l) as Record<string, unknown>);

const typePattern: Record<string, RegExp> = {
  integer: /^-?(0|[1-9]\d*)$/,
  boolean: /^(true|false)$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
};

function checkCell(t: Table, c: Column, v: string) {
  if (c.type === "number") {
    const re = new RegExp(`^-?(0|[1-9]\\d*)\\.\\d{${c.decimals}}$`);
    assert.match(v, re, `${t.name}.${c.name}`);
    assert.doesNotMatch(v, /^-0\.0*$/, `${t.name}.${c.name} is -0`);
  } else if (c.type === "string") {
    assert.ok(v.length > 0, `${t.name}.${c.name} empty`);
  } else {
    assert.match(v, typePattern[c.type], `${t.name}.${c.name} = ${v}`);
  }
}

for (
  const [schema, tables] of [["star", STAR_TABLES], [
    "snowflake",
    SNOWFLAKE_TABLES,
  ]] as const
) {
  Deno.test(`${schema}: headers, types and precision follow the schema`, () => {
    for (const t of tables) {
      const { header, rows } = readCsv(`${dir}/${schema}/${t.name}.csv`);
      assert.deepEqual(header, t.columns.map((c) => c.name), t.name);
      assert.ok(rows.length > 0, `${t.name} is empty`);
      for (const r of rows) {
        t.columns.forEach((c, i) => checkCell(t, c, r[i]));
      }
    }
  });

  Deno.test(`${schema}: primary keys unique, every foreign key resolves`, () => {
    const keysOf = new Map<string, Set<string>>();
    const objects = new Map<string, Record<string, string>[]>();
    for (const t of tables) {
      const rows = readCsvObjects(`${dir}/${schema}/${t.name}.csv`);
      objects.set(t.name, rows);
      const keys = new Set(
        rows.map((r) => t.primaryKey.map((k) => r[k]).join("|")),
      );
      assert.equal(keys.size, rows.length, `${t.name} primary key not unique`);
      keysOf.set(t.name, keys);
    }
    for (const t of tables) {
      for (const fk of t.foreignKeys) {
        const target = tables.find((x) => x.name === fk.table)!;
        assert.deepEqual(
          fk.references,
          target.primaryKey,
          `${t.name} → ${fk.table}`,
        );
        const keys = keysOf.get(fk.table)!;
        for (const r of objects.get(t.name)!) {
          const k = fk.fields.map((f) => r[f]).join("|");
          assert.ok(
            keys.has(k),
            `${t.name}.${fk.fields} = ${k} not in ${fk.table}`,
          );
        }
      }
    }
  });
}

Deno.test("row counts agree: raw lines = fact_turn rows (both schemas); fact_session = sessions", () => {
  const star = readCsv(`${dir}/star/fact_turn.csv`).rows.length;
  const snow = readCsv(`${dir}/snowflake/fact_turn.csv`).rows.length;
  assert.equal(raw.length, star);
  assert.equal(raw.length, snow);
  assert.equal(raw.length, ds.manifest.counts.turns);
  assert.equal(readCsv(`${dir}/star/fact_session.csv`).rows.length, 1500);
  assert.equal(readCsv(`${dir}/snowflake/fact_session.csv`).rows.length, 1500);
  assert.equal(readCsv(`${dir}/star/dim_user.csv`).rows.length, 300);
  assert.equal(new Set(raw.map((r) => r.session_id)).size, 1500);
});

Deno.test("raw JSONL: keys in RAW_TURN order, values of the declared types", () => {
  const names = RAW_TURN.columns.map((c) => c.name);
  for (const r of raw) {
    assert.deepEqual(Object.keys(r), names);
    for (const c of RAW_TURN.columns) {
      const v = r[c.name];
      const want = c.type === "integer" || c.type === "number"
        ? "number"
        : c.type === "boolean"
        ? "boolean"
        : "string";
      assert.equal(typeof v, want, c.name);
    }
  }
  // Text with commas and quotes survives JSON escaping.
  assert.ok(raw.some((r) => String(r.user_text).includes('"')));
  assert.ok(raw.some((r) => String(r.bot_text).includes(",")));
});

Deno.test("facts rebuilt from the raw JSONL equal both schemas' fact files byte for byte", () => {
  const dims = (name: string) => readCsvObjects(`${dir}/star/${name}.csv`);
  const key = (name: string, col: string, keyCol: string) =>
    new Map(dims(name).map((r) => [r[col], Number(r[keyCol])]));
  const intentKey = key("dim_intent", "intent_name", "intent_key");
  const channelKey = key("dim_channel", "channel_name", "channel_key");
  const deviceKey = key("dim_device", "device_name", "device_key");
  const actKey = key("dim_dialogue_act", "act", "act_key");
  const dateKey = (ts: string) => Number(ts.slice(0, 10).replaceAll("-", ""));
  const timeKey = (ts: string) =>
    Number(ts.slice(11, 13)) * 100 + Number(ts.slice(14, 16));
  const turnLines: string[] = [];
  const sessionLines: string[] = [];
  for (const r of raw) {
    turnLines.push(csvRow(FACT_TURN, {
      session_key: r.session_id as number,
      turn_number: r.turn_number as number,
      user_key: r.user_id as number,
      date_key: dateKey(r.user_ts as string),
      time_key: timeKey(r.user_ts as string),
      intent_key: intentKey.get(r.intent as string)!,
      user_act_key: actKey.get(r.user_act as string)!,
      bot_act_key: actKey.get(r.bot_act as string)!,
      channel_key: channelKey.get(r.channel as string)!,
      device_key: deviceKey.get(r.user_device as string)!,
      user_ts: r.user_ts as string,
      bot_ts: r.bot_ts as string,
      confidence: r.confidence as number,
      is_fallback: r.is_fallback as boolean,
      latency_ms: r.latency_ms as number,
      think_time_ms: r.think_time_ms as number,
    }));
    if (r.turn_number === 1) {
      const start = r.session_start as string, end = r.session_end as string;
      sessionLines.push(csvRow(FACT_SESSION, {
        session_key: r.session_id as number,
        user_key: r.user_id as number,
        channel_key: channelKey.get(r.channel as string)!,
        device_key: deviceKey.get(r.user_device as string)!,
        goal_intent_key: intentKey.get(r.session_goal as string)!,
        start_date_key: dateKey(start),
        start_time_key: timeKey(start),
        start_ts: start,
        end_ts: end,
        duration_ms: Date.parse(end) - Date.parse(start),
        turn_count: r.session_turns as number,
        fallback_count: r.session_fallbacks as number,
        fallback_rate: (r.session_fallbacks as number) /
          (r.session_turns as number),
        mean_confidence: r.session_mean_confidence as number,
        mean_latency_ms: r.session_mean_latency_ms as number,
        sentiment_score: r.session_sentiment_score as number,
        sentiment_label: r.session_sentiment as string,
        satisfaction: r.session_satisfaction as number,
        escalated: r.session_escalated as boolean,
        resolved: r.session_resolved as boolean,
        language: r.language as string,
        // The local keys are the date and minute of the raw local start text.
        local_date_key: dateKey(r.session_start_local as string),
        local_time_key: timeKey(r.session_start_local as string),
      }));
    }
  }
  const header = (t: Table) => t.columns.map((c) => c.name).join(",");
  const turnText = [header(FACT_TURN), ...turnLines, ""].join("\n");
  const sessionText = [header(FACT_SESSION), ...sessionLines, ""].join("\n");
  for (const schema of ["star", "snowflake"]) {
    assert.equal(
      Deno.readTextFileSync(`${dir}/${schema}/fact_turn.csv`),
      turnText,
    );
    assert.equal(
      Deno.readTextFileSync(`${dir}/${schema}/fact_session.csv`),
      sessionText,
    );
  }
});

Deno.test("session facts are consistent with their turns", () => {
  const sessions = readCsvObjects(`${dir}/star/fact_session.csv`);
  const bySession = new Map<string, Record<string, unknown>[]>();
  for (const r of raw) {
    const k = String(r.session_id);
    if (!bySession.has(k)) bySession.set(k, []);
    bySession.get(k)!.push(r);
  }
  for (const s of sessions) {
    const turns = bySession.get(s.session_key)!;
    assert.equal(turns.length, Number(s.turn_count));
    assert.equal(
      turns.filter((t) => t.is_fallback).length,
      Number(s.fallback_count),
    );
    const meanConf = turns.reduce((a, t) => a + (t.confidence as number), 0) /
      turns.length;
    assert.ok(
      Math.abs(meanConf - Number(s.mean_confidence)) <= 0.00005 + 1e-12,
    );
    assert.equal(turns[0].user_ts, s.start_ts);
    assert.equal(turns[turns.length - 1].bot_ts, s.end_ts);
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i];
      assert.equal(t.turn_number, i + 1);
      assert.equal(
        Date.parse(t.bot_ts as string) - Date.parse(t.user_ts as string),
        t.latency_ms,
      );
      if (i > 0) {
        assert.equal(
          Date.parse(t.user_ts as string) -
            Date.parse(turns[i - 1].bot_ts as string),
          t.think_time_ms,
        );
      } else assert.equal(t.think_time_ms, 0);
    }
    // Escalation (docs/design.md §3.13): the bot hands off on the last turn, never
    // before; a handoff answers a request for an agent or ends a run of 2 fallbacks.
    const last = turns[turns.length - 1];
    assert.equal(
      s.escalated === "true",
      last.bot_act === "handoff",
      `session ${s.session_key}`,
    );
    assert.ok(
      turns.slice(0, -1).every((t) => t.bot_act !== "handoff"),
      `session ${s.session_key}`,
    );
    if (last.bot_act === "handoff") {
      const before = turns[turns.length - 2];
      assert.ok(
        last.is_fallback
          ? before?.is_fallback === true
          : last.user_act === "request_agent" ||
            (last.user_act === "rephrase" && last.intent === "escalation"),
        `session ${s.session_key}`,
      );
    }
    if (s.resolved === "true") {
      assert.equal(s.escalated, "false");
      assert.equal(turns[turns.length - 1].is_fallback, false);
    }
    const score = Number(s.sentiment_score);
    const label = score < -0.2
      ? "negative"
      : score > 0.2
      ? "positive"
      : "neutral";
    assert.equal(s.sentiment_label, label);
    assert.ok(Number(s.satisfaction) >= 1 && Number(s.satisfaction) <= 5);
  }
});

Deno.test("users: signup before every session; star and snowflake dim_user agree", () => {
  const star = readCsvObjects(`${dir}/star/dim_user.csv`);
  const snow = readCsvObjects(`${dir}/snowflake/dim_user.csv`);
  const countries = readCsvObjects(`${dir}/snowflake/dim_country.csv`);
  const regions = readCsvObjects(`${dir}/snowflake/dim_region.csv`);
  const bands = readCsvObjects(`${dir}/snowflake/dim_age_band.csv`);
  for (let i = 0; i < star.length; i++) {
    const a = star[i], b = snow[i];
    assert.equal(a.user_key, b.user_key);
    assert.equal(a.user_name, b.user_name);
    const c = countries.find((x) => x.country_key === b.country_key)!;
    assert.equal(a.country_code, c.country_code);
    assert.equal(
      a.region,
      regions.find((r) => r.region_key === c.region_key)!.region,
    );
    const band = bands.find((x) => x.age_band_key === b.age_band_key)!;
    assert.equal(a.age_band, band.age_band);
    assert.ok(
      Number(a.age) >= Number(band.min_age) &&
        Number(a.age) <= Number(band.max_age),
    );
    assert.equal(
      Number(a.signup_date.replaceAll("-", "")),
      Number(b.signup_date_key),
    );
    assert.match(a.email, /@example\.com$/);
  }
  const signup = new Map(star.map((u) => [u.user_key, u.signup_date]));
  for (const r of raw) {
    assert.ok(
      signup.get(String(r.user_id))! <=
        (r.session_start as string).slice(0, 10),
    );
  }
});

Deno.test("dim_date: ISO weekday, ISO week and week-year against known dates", () => {
  const dates = new Map(
    readCsvObjects(`${dir}/star/dim_date.csv`).map((r) => [r.date, r]),
  );
  // 2024-12-30 is Monday of ISO week 1 of 2025; 2021-01-03 is Sunday of week 53 of 2020.
  const d1 = dates.get("2024-12-30")!;
  assert.deepEqual(
    [d1.iso_weekday, d1.iso_week, d1.iso_week_year, d1.year, d1.is_weekend],
    ["1", "1", "2025", "2024", "false"],
  );
  const d2 = dates.get("2021-01-03")!;
  assert.deepEqual(
    [
      d2.iso_weekday,
      d2.iso_week,
      d2.iso_week_year,
      d2.weekday_name,
      d2.is_weekend,
    ],
    ["7", "53", "2020", "Sunday", "true"],
  );
  const d3 = dates.get("2025-03-31")!;
  assert.deepEqual([d3.quarter, d3.month_name, d3.iso_week], [
    "1",
    "March",
    "14",
  ]);
  // Contiguous days.
  const keys = [...dates.keys()];
  for (let i = 1; i < keys.length; i++) {
    assert.equal(Date.parse(keys[i]) - Date.parse(keys[i - 1]), 86_400_000);
  }
});

Deno.test("cleanup", () => ds.cleanup());
