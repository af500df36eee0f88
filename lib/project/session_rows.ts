/**
 * The hot path: one generated session → its `fact_session` row, its `fact_turn` rows
 * and its raw turn rows, as typed values in {@linkcode RowBatch}es of `FACT_SESSION`,
 * `FACT_TURN` and `RAW_TURN` (columns found by name; tests rebuild the text rows with
 * the schema-driven `csvRow`). Encoders turn the batches into bytes.
 *
 * @module
 */
import type { Model } from "../model/model.ts";
import { SENTIMENT_LABELS, type SessionRecord } from "../model/session.ts";
import { DAY_MS, dayParts } from "../calendar/iso_date.ts";
import { decimalUnits } from "../number_format.ts";
import { utcOffsetMinutes } from "../calendar/time_zone.ts";
import { ACT_NAMES } from "../model/dialogue_acts.ts";
import { RowBatch } from "../schema/row_batch.ts";
import { FACT_SESSION, FACT_TURN, RAW_TURN } from "../schema/tables.ts";
import type { RawUserColumns } from "./users.ts";

const MINUTE_MS = 60_000;

/** Column indices of a batch, by name. */
function indices<K extends string>(
  b: RowBatch,
  names: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const n of names) out[n] = b.index(n);
  return out;
}

const SESSION_COLUMNS = [
  "session_key",
  "user_key",
  "channel_key",
  "device_key",
  "goal_intent_key",
  "start_date_key",
  "start_time_key",
  "start_ts",
  "end_ts",
  "duration_ms",
  "turn_count",
  "fallback_count",
  "fallback_rate",
  "mean_confidence",
  "mean_latency_ms",
  "sentiment_score",
  "sentiment_label",
  "satisfaction",
  "escalated",
  "resolved",
  "language",
  "local_date_key",
  "local_time_key",
] as const;

const TURN_COLUMNS = [
  "session_key",
  "turn_number",
  "user_key",
  "date_key",
  "time_key",
  "intent_key",
  "user_act_key",
  "bot_act_key",
  "channel_key",
  "device_key",
  "user_ts",
  "bot_ts",
  "confidence",
  "is_fallback",
  "latency_ms",
  "think_time_ms",
] as const;

const RAW_COLUMNS = [
  "session_id",
  "turn_number",
  "channel",
  "channel_type",
  "session_start",
  "session_end",
  "session_turns",
  "session_fallbacks",
  "session_mean_confidence",
  "session_mean_latency_ms",
  "session_sentiment_score",
  "session_sentiment",
  "session_satisfaction",
  "session_escalated",
  "session_resolved",
  "session_goal",
  "intent",
  "intent_category",
  "user_act",
  "bot_act",
  "confidence",
  "is_fallback",
  "latency_ms",
  "think_time_ms",
  "user_ts",
  "bot_ts",
  "user_text",
  "bot_text",
  "user_time_zone",
  "session_start_local",
] as const;

/** Which of a session's tables to fill. */
export interface SessionTables {
  /** Fill `fact_session` and `fact_turn` (star and snowflake). */
  facts: boolean;
  /** Fill the raw turn rows, with each user's columns from this table. */
  raw?: RawUserColumns;
}

/**
 * Batches of the rows of up to `sessions` sessions: {@linkcode SessionBatches.add}
 * one generated session at a time, hand the batches to the encoders, then
 * {@linkcode SessionBatches.clear}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const w = new SessionBatches(model, 10, { facts: true });
 * const ms = Date.UTC(2025, 0, 15, 13, 45); // 2025-01-15 13:45Z, inside config.yaml's calendar
 * strictEqual(w.dateKey(ms), 20250115);
 * strictEqual(w.timeKey(ms), 1345);
 * strictEqual(w.factTurn?.capacity, 10 * model.config.turns.count.max);
 * ```
 */
export class SessionBatches {
  /** `fact_session` rows (with facts). */
  readonly factSession: RowBatch | undefined;
  /** `fact_turn` rows (with facts). */
  readonly factTurn: RowBatch | undefined;
  /** Raw turn rows (with raw). */
  readonly raw: RowBatch | undefined;
  /** YYYYMMDD by epoch day − dimDateFirstDay. */
  #dateKeys: Int32Array;
  #firstDay: number;
  #zones: string[];
  #users: RawUserColumns | undefined;
  #fs: Record<typeof SESSION_COLUMNS[number], number> | undefined;
  #ft: Record<typeof TURN_COLUMNS[number], number> | undefined;
  #rw: Record<typeof RAW_COLUMNS[number], number> | undefined;

  /**
   * Empty batches for `sessions` sessions of `model`.
   *
   * @param model The compiled model.
   * @param sessions Sessions the batches hold, count.
   * @param tables Which tables to fill.
   */
  constructor(model: Model, sessions: number, tables: SessionTables) {
    this.#firstDay = model.dimDateFirstDay;
    const n = model.dimDateLastDay - model.dimDateFirstDay + 1;
    this.#dateKeys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.#dateKeys[i] = dayParts(this.#firstDay + i).dateKey;
    }
    const c = model.config;
    this.#zones = model.timeZones;
    const turns = sessions * c.turns.count.max;
    if (tables.facts) {
      this.factSession = new RowBatch(FACT_SESSION, sessions, {
        sentiment_label: SENTIMENT_LABELS,
        language: Object.keys(c.dialogue.text),
      });
      this.factTurn = new RowBatch(FACT_TURN, turns);
      this.#fs = indices(this.factSession, SESSION_COLUMNS);
      this.#ft = indices(this.factTurn, TURN_COLUMNS);
    }
    if (tables.raw) {
      this.#users = tables.raw;
      this.raw = new RowBatch(RAW_TURN, turns, {
        ...tables.raw.dictionaries(),
        channel: c.channels.map((ch) => ch.name),
        channel_type: c.channels.map((ch) => ch.type),
        session_sentiment: SENTIMENT_LABELS,
        session_goal: c.intents.map((i) => i.name),
        intent: c.intents.map((i) => i.name),
        intent_category: c.intents.map((i) => i.category),
        user_act: ACT_NAMES,
        bot_act: ACT_NAMES,
        user_time_zone: model.timeZones,
      });
      this.#rw = indices(this.raw, RAW_COLUMNS);
    }
  }

  /**
   * UTC offset of zone `zone` (index into the model's `timeZones`) at an instant,
   * minutes east (see `utcOffsetMinutes`).
   */
  offsetMinutes(zone: number, ms: number): number {
    return utcOffsetMinutes(this.#zones[zone], ms);
  }

  /**
   * `date_key` (YYYYMMDD) of an instant.
   *
   * @throws {RangeError} When the instant's day is outside `dim_date` (a bug: the
   *   model bounds every session inside it).
   */
  dateKey(ms: number): number {
    const i = Math.floor(ms / DAY_MS) - this.#firstDay;
    const k = this.#dateKeys[i];
    if (k === undefined) {
      throw new RangeError(`Instant ${ms} is outside dim_date`);
    }
    return k;
  }

  /**
   * `time_key` (HHMM) of an instant, also before 1970 (a local instant west of UTC
   * on 1969-12-31 is negative: the minute of the day is taken modulo a day, not
   * with the sign of `%`).
   */
  timeKey(ms: number): number {
    const minute = Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    return Math.floor(minute / 60) * 100 + (minute % 60);
  }

  /**
   * Append a session's rows.
   *
   * @param s The generated session.
   * @param zone The user's zone index (into the model's `timeZones`).
   * @throws {RangeError} When the batches are full (more sessions than their size).
   */
  add(s: SessionRecord, zone: number): void {
    const offset = this.offsetMinutes(zone, s.startMs);
    const sentimentUnits = decimalUnits(s.sentimentScore, 4);
    if (this.factSession) this.#addFacts(s, offset, sentimentUnits);
    if (this.raw) this.#addRaw(s, zone, offset, sentimentUnits);
  }

  #addFacts(s: SessionRecord, offset: number, sentimentUnits: number): void {
    const b = this.factSession!, k = this.#fs!, r = b.length;
    if (r >= b.capacity) throw new RangeError("Session batch is full");
    const num = b.numbers, local = s.startMs + offset * MINUTE_MS;
    num[k.session_key]![r] = s.sessionKey;
    num[k.user_key]![r] = s.user + 1;
    num[k.channel_key]![r] = s.channel + 1;
    num[k.device_key]![r] = s.device + 1;
    num[k.goal_intent_key]![r] = s.goal + 1;
    num[k.start_date_key]![r] = this.dateKey(s.startMs);
    num[k.start_time_key]![r] = this.timeKey(s.startMs);
    num[k.start_ts]![r] = s.startMs;
    num[k.end_ts]![r] = s.endMs;
    num[k.duration_ms]![r] = s.endMs - s.startMs;
    num[k.turn_count]![r] = s.turnCount;
    num[k.fallback_count]![r] = s.fallbackCount;
    num[k.fallback_rate]![r] = s.fallbackRateE4;
    num[k.mean_confidence]![r] = s.meanConfidenceE4;
    num[k.mean_latency_ms]![r] = s.meanLatencyE1;
    num[k.sentiment_score]![r] = sentimentUnits;
    b.codes[k.sentiment_label]![r] = s.sentimentLabel;
    num[k.satisfaction]![r] = s.satisfaction;
    b.flags[k.escalated]![r] = s.escalated ? 1 : 0;
    b.flags[k.resolved]![r] = s.resolved ? 1 : 0;
    b.codes[k.language]![r] = s.language;
    num[k.local_date_key]![r] = this.dateKey(local);
    num[k.local_time_key]![r] = this.timeKey(local);
    b.length = r + 1;

    const t = this.factTurn!, j = this.#ft!, tn = t.numbers;
    let row = t.length;
    if (row + s.turnCount > t.capacity) {
      throw new RangeError("Turn batch is full");
    }
    const sessionKey = tn[j.session_key]!, turnNumber = tn[j.turn_number]!;
    const userKey = tn[j.user_key]!, dateKey = tn[j.date_key]!;
    const timeKey = tn[j.time_key]!, intentKey = tn[j.intent_key]!;
    const userActKey = tn[j.user_act_key]!, botActKey = tn[j.bot_act_key]!;
    const channelKey = tn[j.channel_key]!, deviceKey = tn[j.device_key]!;
    const userTs = tn[j.user_ts]!, botTs = tn[j.bot_ts]!;
    const confidence = tn[j.confidence]!, isFallback = t.flags[j.is_fallback]!;
    const latency = tn[j.latency_ms]!, think = tn[j.think_time_ms]!;
    const last = s.turnCount - 1;
    for (let i = 0; i <= last; i++, row++) {
      const ms = s.userMs[i];
      sessionKey[row] = s.sessionKey;
      turnNumber[row] = i + 1;
      userKey[row] = s.user + 1;
      dateKey[row] = this.dateKey(ms);
      timeKey[row] = this.timeKey(ms);
      intentKey[row] = s.intent[i] + 1;
      userActKey[row] = s.userAct[i] + 1;
      botActKey[row] = s.botAct[i] + 1;
      channelKey[row] = s.channel + 1;
      deviceKey[row] = s.device + 1;
      userTs[row] = i === 0 ? s.startMs : ms;
      botTs[row] = i === last ? s.endMs : s.botMs[i];
      confidence[row] = decimalUnits(s.confidence[i], 4);
      isFallback[row] = s.fallback[i] === 1 ? 1 : 0;
      latency[row] = s.latencyMs[i];
      think[row] = s.thinkMs[i];
    }
    t.length = row;
  }

  #addRaw(
    s: SessionRecord,
    zone: number,
    offset: number,
    sentimentUnits: number,
  ): void {
    const b = this.raw!, k = this.#rw!, num = b.numbers, codes = b.codes;
    const first = b.length, end = first + s.turnCount;
    if (end > b.capacity) throw new RangeError("Raw batch is full");
    this.#users!.fill(b, first, end, s.user);
    // Session columns: the same value on each of its turns.
    const same = (x: Float64Array | Int32Array | Uint8Array, v: number) =>
      x.fill(v, first, end);
    same(num[k.session_id]!, s.sessionKey);
    same(codes[k.channel]!, s.channel);
    same(codes[k.channel_type]!, s.channel);
    same(num[k.session_start]!, s.startMs);
    same(num[k.session_end]!, s.endMs);
    same(num[k.session_turns]!, s.turnCount);
    same(num[k.session_fallbacks]!, s.fallbackCount);
    same(num[k.session_mean_confidence]!, s.meanConfidenceE4);
    same(num[k.session_mean_latency_ms]!, s.meanLatencyE1);
    same(num[k.session_sentiment_score]!, sentimentUnits);
    same(codes[k.session_sentiment]!, s.sentimentLabel);
    same(num[k.session_satisfaction]!, s.satisfaction);
    same(b.flags[k.session_escalated]!, s.escalated ? 1 : 0);
    same(b.flags[k.session_resolved]!, s.resolved ? 1 : 0);
    same(codes[k.session_goal]!, s.goal);
    same(codes[k.user_time_zone]!, zone);
    same(num[k.session_start_local]!, s.startMs);
    b.offsets[k.session_start_local]!.fill(offset, first, end);
    // Turn columns.
    const turnNumber = num[k.turn_number]!, intent = codes[k.intent]!;
    const category = codes[k.intent_category]!, userAct = codes[k.user_act]!;
    const botAct = codes[k.bot_act]!, confidence = num[k.confidence]!;
    const isFallback = b.flags[k.is_fallback]!, latency = num[k.latency_ms]!;
    const think = num[k.think_time_ms]!, userTs = num[k.user_ts]!;
    const botTs = num[k.bot_ts]!, userText = b.texts[k.user_text]!;
    const botText = b.texts[k.bot_text]!;
    const last = s.turnCount - 1;
    for (let i = 0, row = first; i <= last; i++, row++) {
      turnNumber[row] = i + 1;
      intent[row] = s.intent[i];
      category[row] = s.intent[i];
      userAct[row] = s.userAct[i];
      botAct[row] = s.botAct[i];
      confidence[row] = decimalUnits(s.confidence[i], 4);
      isFallback[row] = s.fallback[i] === 1 ? 1 : 0;
      latency[row] = s.latencyMs[i];
      think[row] = s.thinkMs[i];
      userTs[row] = i === 0 ? s.startMs : s.userMs[i];
      botTs[row] = i === last ? s.endMs : s.botMs[i];
      userText[row] = s.userText[i];
      botText[row] = s.botText[i];
    }
    b.length = end;
  }

  /** Forget the rows (after the encoders have taken them). */
  clear(): void {
    this.factSession?.clear();
    this.factTurn?.clear();
    this.raw?.clear();
  }
}
