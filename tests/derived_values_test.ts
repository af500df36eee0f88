/**
 * Every stored session aggregate equals what a decimal SQL engine computes from the
 * stored turn rows: counts, start, end and duration from `fact_turn`, and the means
 * and the fallback rate as exact decimals rounded half away from zero (PostgreSQL's
 * `round(avg(x::numeric), d)`). The recomputation below is BigInt arithmetic on the
 * digits as written, independent of the generator's formatter.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { generateTemp, readCsv, ROOT } from "./helpers.ts";
import { roundedQuotient, scaled } from "../lib/number_format.ts";

/** A fixed-point decimal string with exactly `d` places, as a BigInt of 10^−d units. */
function units(s: string, d: number): bigint {
  const m = d === 0 ? /^(\d+)$/.exec(s) : new RegExp(`^(\\d+)\\.(\\d{${d}})$`)
    .exec(s);
  if (!m) throw new Error(`"${s}" is not a decimal with ${d} places`);
  return BigInt(m[1] + (m[2] ?? ""));
}

/** `sum / n` with `d` places, rounded half away from zero (sum, n ≥ 0), as text. */
function roundedMean(sum: bigint, n: bigint, d: number): {
  text: string;
  tie: boolean;
} {
  const scaled = sum * 10n ** BigInt(d);
  const q = (2n * scaled + n) / (2n * n);
  const digits = q.toString().padStart(d + 1, "0");
  return {
    text: d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}`,
    // Exactly halfway between two d-place decimals.
    tie: (2n * scaled) % n === 0n && ((2n * scaled) / n) % 2n === 1n,
  };
}

interface Ties {
  confidence: number;
  latency: number;
  rate: number;
}

/**
 * Recompute every aggregate of every session of `dir`'s star facts from its turns
 * and compare with `fact_session`; returns the sessions whose exact value was a tie.
 */
function checkAggregates(dir: string): {
  ties: Ties;
  rows: Map<string, Record<string, string>>;
} {
  const turns = readCsv(`${dir}/star/fact_turn.csv`);
  const ti = Object.fromEntries(turns.header.map((h, i) => [h, i]));
  interface Acc {
    n: bigint;
    fallbacks: bigint;
    conf: bigint;
    latency: bigint;
    minUser: string;
    maxBot: string;
  }
  const acc = new Map<string, Acc>();
  for (const r of turns.rows) {
    const k = r[ti.session_key];
    let a = acc.get(k);
    if (!a) {
      a = {
        n: 0n,
        fallbacks: 0n,
        conf: 0n,
        latency: 0n,
        minUser: r[ti.user_ts],
        maxBot: r[ti.bot_ts],
      };
      acc.set(k, a);
    }
    a.n++;
    if (r[ti.is_fallback] === "true") a.fallbacks++;
    else assert.equal(r[ti.is_fallback], "false");
    a.conf += units(r[ti.confidence], 4);
    a.latency += units(r[ti.latency_ms], 0);
    if (r[ti.user_ts] < a.minUser) a.minUser = r[ti.user_ts];
    if (r[ti.bot_ts] > a.maxBot) a.maxBot = r[ti.bot_ts];
  }
  const sessions = readCsv(`${dir}/star/fact_session.csv`);
  const ties: Ties = { confidence: 0, latency: 0, rate: 0 };
  const rows = new Map<string, Record<string, string>>();
  assert.equal(sessions.rows.length, acc.size);
  for (const row of sessions.rows) {
    const s = Object.fromEntries(sessions.header.map((h, i) => [h, row[i]]));
    rows.set(s.session_key, s);
    const a = acc.get(s.session_key);
    assert.ok(a, `session ${s.session_key} has no turns`);
    const at = `session ${s.session_key}`;
    assert.equal(s.turn_count, a.n.toString(), at);
    assert.equal(s.fallback_count, a.fallbacks.toString(), at);
    assert.equal(s.start_ts, a.minUser, at);
    assert.equal(s.end_ts, a.maxBot, at);
    assert.equal(
      s.duration_ms,
      String(Date.parse(a.maxBot) - Date.parse(a.minUser)),
      at,
    );
    const conf = roundedMean(a.conf, a.n * 10n ** 4n, 4);
    const lat = roundedMean(a.latency, a.n, 1);
    const rate = roundedMean(a.fallbacks, a.n, 4);
    assert.equal(s.mean_confidence, conf.text, `${at} mean_confidence`);
    assert.equal(s.mean_latency_ms, lat.text, `${at} mean_latency_ms`);
    assert.equal(s.fallback_rate, rate.text, `${at} fallback_rate`);
    ties.confidence += conf.tie ? 1 : 0;
    ties.latency += lat.tie ? 1 : 0;
    ties.rate += rate.tie ? 1 : 0;
  }
  return { ties, rows };
}

Deno.test("default run: every session aggregate equals its exact recomputation from fact_turn", () => {
  const ds = generateTemp({ sessions: 1000 });
  try {
    const { ties, rows } = checkAggregates(ds.dir);
    // The failing input (generator 0.1.0, session 38): confidences 0.6236 and
    // 0.5683 average exactly 0.59595, stored then as 0.5959; the rule gives 0.5960.
    // The data changed since (0.2.0's random stream), so the pair is checked through
    // the stored-value arithmetic, against the BigInt rule above.
    const pair = roundedMean(6236n + 5683n, 2n * 10n ** 4n, 4);
    assert.equal(pair.text, "0.5960");
    assert.ok(pair.tie);
    assert.equal(scaled(roundedQuotient(6236 + 5683, 2), 4), pair.text);
    assert.ok(ties.confidence > 0, "the default run has mean-confidence ties");

    // The raw lines carry the same aggregates, digit for digit.
    const raw = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`);
    let lines = 0;
    for (const line of raw.split("\n")) {
      if (!line) continue;
      const field = (k: string) =>
        new RegExp(`"${k}":("[^"]*"|[^,}]+)`).exec(line)![1];
      const s = rows.get(field("session_id"))!;
      assert.equal(field("session_mean_confidence"), s.mean_confidence);
      assert.equal(field("session_mean_latency_ms"), s.mean_latency_ms);
      assert.equal(field("session_turns"), s.turn_count);
      assert.equal(field("session_fallbacks"), s.fallback_count);
      assert.equal(field("session_start"), `"${s.start_ts}"`);
      assert.equal(field("session_end"), `"${s.end_ts}"`);
      lines++;
    }
    assert.ok(lines > 1000);
  } finally {
    ds.cleanup();
  }
});

Deno.test("long sessions: exact ties of every mean and rate round half away from zero", () => {
  // Mean 30 turns: many sessions of 20, 32, 40 and 60 turns, whose latency means
  // (n = 20, 40, 60) and fallback rates (n = 32) can be exact ties.
  const c = YAML.parse(Deno.readTextFileSync(`${ROOT}/config.yaml`));
  c.turns.count.mean = 30;
  // Few requests for a human, so the dialogue can reach 30 turns on average.
  c.dialogue.escalate_probability = 0.005;
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  Deno.writeTextFileSync(tmp, YAML.stringify(c));
  let ds;
  try {
    ds = generateTemp({ sessions: 3000, seed: 11, formats: ["star"] }, tmp);
  } finally {
    Deno.removeSync(tmp);
  }
  try {
    const { ties } = checkAggregates(ds.dir);
    assert.ok(ties.confidence > 0, `confidence ties ${ties.confidence}`);
    assert.ok(ties.latency > 0, `latency ties ${ties.latency}`);
    assert.ok(ties.rate > 0, `fallback rate ties ${ties.rate}`);
  } finally {
    ds.cleanup();
  }
});
