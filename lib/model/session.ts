/**
 * Sessions and their turns: a pure function from (model, session index) to a session
 * (docs/design.md §3.2–§3.12). The record is reused between calls (struct of arrays), so the
 * hot path allocates only the strings it produces.
 *
 * @module
 */
import type { Model } from "./model.ts";
import {
  betaVariate,
  lognormal,
  normal,
  type StreamFactory,
  type Uniform,
} from "../random/mod.ts";
import { DAY_MS } from "../calendar/iso_date.ts";
import { CELL_MS } from "../calendar/local_cells.ts";
import { roundedQuotient } from "../number_format.ts";
import {
  fillOne,
  fillTemplate,
  pickIndex,
  SLOT_NAMES,
  type SlotContext,
  type TextTables,
  type TurnSlots,
} from "./text.ts";
import { CLARIFY, HANDOFF, REPHRASE as REPHRASE_ACT } from "./dialogue_acts.ts";
import type { Exchange } from "./dialogue.ts";
import type { Population } from "./population.ts";

/** Slot values of the goal being generated (reset when a goal opens). */
const slots: TurnSlots = new Array(SLOT_NAMES.length).fill(undefined);
/** What slot filling needs of the session being generated (set per session). */
const fill: SlotContext = {
  products: [],
  money: { symbol: "", position: "before", decimal: ".", group: "" },
  date: { months: [], format: "" },
  day: 0,
};

/** Kinds of the next turn (the states of dialogue_chain.ts, without its bookkeeping). */
const GREET = 0, OPEN = 1, CONTINUE = 2, REPHRASE = 3, AGENT = 4, CLOSE = 5;

function isTask(kind: number): boolean {
  return kind === OPEN || kind === CONTINUE || kind === REPHRASE;
}

/**
 * One exchange of `list`, uniform (one draw).
 */
function pickOf(rng: Uniform, list: readonly Exchange[]): Exchange {
  return list[pickIndex(rng, list.length, -1)];
}

let usedMarks = new Uint8Array(0);
/** The per-goal marks of used exchanges (scratch, one per process). */
function usedScratch(n: number): Uint8Array {
  if (usedMarks.length < n) usedMarks = new Uint8Array(n);
  return usedMarks;
}

/** Candidates of {@linkcode pickFollow} (scratch). */
const candidates: Exchange[] = [];

/**
 * A follow-up of the goal: uniform among those not yet used in this goal; once all are
 * used, uniform among all but the previous exchange (a follow-up never repeats itself
 * at once). One draw.
 *
 * @param used Marks by exchange index of the exchanges used in this goal.
 */
function pickFollow(
  rng: Uniform,
  list: readonly Exchange[],
  used: Uint8Array,
  previous: number,
): Exchange {
  candidates.length = 0;
  for (const x of list) if (used[x.index] === 0) candidates.push(x);
  if (candidates.length === 0) {
    for (const x of list) if (x.index !== previous) candidates.push(x);
  }
  if (candidates.length === 0) candidates.push(list[0]);
  return candidates[Math.floor(rng.next() * candidates.length)];
}

/** Sentiment labels by index (see {@linkcode SessionRecord.sentimentLabel}). */
export const SENTIMENT_LABELS = ["negative", "neutral", "positive"] as const;

/** One session with its turns; turn arrays are valid for indices 0..turnCount−1. */
export class SessionRecord {
  /** Surrogate key, index + 1. */
  sessionKey = 0;
  /** User index (0-based; the user key is index + 1). */
  user = 0;
  /** Index into `channels`. */
  channel = 0;
  /** Index into `population.devices` (the user's device). */
  device = 0;
  /** Index into the model's `timeZones` (the user's zone). */
  zone = 0;
  /** Session start, ms since 1970-01-01T00:00:00Z (= first user message). */
  startMs = 0;
  /** Last bot response time, ms since epoch. */
  endMs = 0;
  /** Turns in the session, count (1..`turns.count.max`). */
  turnCount = 0;
  /** Turns that fell back, count. */
  fallbackCount = 0;
  /**
   * Mean turn confidence as written, in units of 10^−4 (probability × 10^4): the
   * exact mean of the turns' 4-decimal confidences, rounded half away from zero to
   * 4 decimals, so it equals a decimal recomputation from the stored turns.
   */
  meanConfidenceE4 = 0;
  /**
   * Mean turn latency as written, in units of 0.1 ms: the exact mean of the turns'
   * whole-ms latencies, rounded half away from zero to 1 decimal.
   */
  meanLatencyE1 = 0;
  /**
   * Fallback rate as written, in units of 10^−4: fallbackCount / turnCount rounded
   * half away from zero to 4 decimals.
   */
  fallbackRateE4 = 0;
  /** In [−1, 1]. */
  sentimentScore = 0;
  /** Index into {@linkcode SENTIMENT_LABELS}. */
  sentimentLabel = 0;
  /** 1..5. */
  satisfaction = 0;
  /**
   * Escalated to a human: an `escalation` turn, or `escalation_consecutive_fallbacks`
   * fallbacks in a row.
   */
  escalated = false;
  /** Resolved: not escalated, last turn answered, and a draw below `resolution_probability`. */
  resolved = false;
  /** Intent index of the session's (first) goal. */
  goal = 0;
  /** Whether the session moved to a second goal. */
  switched = false;
  /** Index into the config's `dialogue.text` languages: the user's language. */
  language = 0;

  /** Per turn: intent index. */
  intent: Int32Array;
  /** Per turn: the user's dialogue act (index into `DIALOGUE_ACTS`). */
  userAct: Uint8Array;
  /** Per turn: the bot's dialogue act (index into `DIALOGUE_ACTS`). */
  botAct: Uint8Array;
  /** Per turn: NLU confidence, probability in (0, 1). */
  confidence: Float64Array;
  /** Per turn: 1 when the bot fell back. */
  fallback: Uint8Array;
  /** Per turn: bot response latency, whole ms ≥ 1. */
  latencyMs: Float64Array;
  /** Per turn: user think time before this message, whole ms (0 on turn 1). */
  thinkMs: Float64Array;
  /** Per turn: user message time, ms since epoch. */
  userMs: Float64Array;
  /** Per turn: bot response time = user message + latency, ms since epoch. */
  botMs: Float64Array;
  /** Per turn: user utterance. */
  userText: string[];
  /** Per turn: bot response. */
  botText: string[];

  /**
   * An empty record with room for `maxTurns` turns.
   *
   * @param maxTurns Capacity: the config's `turns.count.max`.
   */
  constructor(maxTurns: number) {
    this.intent = new Int32Array(maxTurns);
    this.userAct = new Uint8Array(maxTurns);
    this.botAct = new Uint8Array(maxTurns);
    this.confidence = new Float64Array(maxTurns);
    this.fallback = new Uint8Array(maxTurns);
    this.latencyMs = new Float64Array(maxTurns);
    this.thinkMs = new Float64Array(maxTurns);
    this.userMs = new Float64Array(maxTurns);
    this.botMs = new Float64Array(maxTurns);
    this.userText = new Array(maxTurns).fill("");
    this.botText = new Array(maxTurns).fill("");
  }
}

/** Per-run inputs of {@linkcode generateSession} besides the model. */
export interface SessionContext {
  /** The compiled model of the run. */
  model: Model;
  /** Random streams of the dataset seed. */
  streams: StreamFactory;
  /** The users: who a session picks, and that user's device, country and zone. */
  population: Population;
  /** Compiled text templates and the product name pool. */
  text: TextTables;
  /**
   * Whether to generate turn text. Text has its own stream ("session.text", index),
   * so skipping it (no raw output) changes no other value.
   */
  withText: boolean;
}

/**
 * Generate session `index` (0-based) into `out`.
 *
 * Draw order in stream ("session", index): user, start cell (a 15-minute UTC cell,
 * weighted in the user's local time), ms within the cell, channel, goal, greeting; per turn: the exchange (unless it is implied),
 * Beta confidence, fallback noise, latency, think time (turns ≥ 2), then what comes
 * next (leave after a fallback; escalate / end / switch / continue after an answered
 * task turn, with the closing or the second goal); then sentiment noise, satisfaction
 * noise, resolution. The walk is the chain of `dialogue_chain.ts`. Stream
 * ("session.text", index), per turn: user template and its new slots, bot template and
 * its new slots (slots persist through a goal).
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "./model.ts";
 * import { textTables } from "./text.ts";
 * import { StreamFactory } from "../random/mod.ts";
 * import { Population } from "./population.ts";
 * import { FakerPool } from "./faker_pool.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const c = model.config;
 * const streams = new StreamFactory(7);
 * const ctx = {
 *   model,
 *   streams,
 *   population: new Population(model, streams, new FakerPool(new Date(0)), 1),
 *   text: textTables(
 *     c.dialogue.text,
 *     c.dialogue.exchanges.map((x) => x.id),
 *     ["Widget"],
 *     c.population.countries.map((x) => x.currency),
 *   ),
 *   withText: false,
 * };
 * const s = generateSession(ctx, 4, new SessionRecord(c.turns.count.max));
 * if (s.sessionKey !== 5 || s.user !== 0) throw new Error(`Unexpected key ${s.sessionKey}`);
 * if (s.turnCount < 1 || s.turnCount > c.turns.count.max) throw new Error(`${s.turnCount} turns`);
 * if (!(s.endMs > s.startMs)) throw new Error("A session ends after it starts");
 * // Same seed and index, same session.
 * const again = generateSession(ctx, 4, new SessionRecord(c.turns.count.max));
 * if (again.startMs !== s.startMs || again.turnCount !== s.turnCount) throw new Error("Not reproducible");
 * ```
 */
export function generateSession(
  ctx: SessionContext,
  index: number,
  out: SessionRecord,
): SessionRecord {
  const { model, text } = ctx;
  const c = model.config;
  const rng = ctx.streams.stream("session", index);
  const textRng = ctx.withText
    ? ctx.streams.stream("session.text", index)
    : undefined;
  out.sessionKey = index + 1;
  const user = ctx.population.sample(rng);
  out.user = user;
  const who = ctx.population.core(user);
  const country = who.country;
  out.device = who.device;
  out.zone = who.zone;
  const cell = model.zoneStartCells[who.zone].sample(rng);
  out.startMs = model.calendarStartDay * DAY_MS + cell * CELL_MS +
    Math.floor(rng.next() * CELL_MS);
  out.channel = model.channelGivenDevice[out.device].sample(rng);
  const multiplier = c.channels[out.channel].latency_multiplier;

  const intents = c.intents;
  const { threshold, noise_sd } = c.fallback;
  const d = model.dialogue;
  const ch = d.chain;
  const K = ch.handoffFallbacks;
  out.language = model.languageOfCountry[country];
  const lang = textRng ? text.languages[out.language] : undefined;
  if (lang) {
    fill.products = text.products;
    fill.money = text.money[country];
    fill.date = lang.date;
    fill.day = Math.floor(out.startMs / DAY_MS);
  }
  let goal = d.goal.sample(rng);
  out.goal = goal;
  let kind = rng.next() < ch.greet ? GREET : OPEN;
  let t = out.startMs;
  let fallbacks = 0, confSumE4 = 0, latSum = 0, run = 0;
  let escalated = false, switched = false;
  let ex = d.exchanges[0], pending = -1, prevTask = -1, userTpl = -1;
  const used = usedScratch(d.exchanges.length);
  let n = 0;
  for (;;) {
    switch (kind) {
      case GREET:
        ex = pickOf(rng, d.greet);
        break;
      case OPEN:
        ex = pickOf(rng, d.open[goal]);
        slots.fill(undefined);
        used.fill(0);
        break;
      case CONTINUE:
        ex = pending >= 0
          ? d.exchanges[pending]
          : pickFollow(rng, d.follow[goal], used, prevTask);
        break;
      case AGENT:
        ex = pickOf(rng, d.escalate);
        break;
      case CLOSE:
        ex = pickOf(rng, d.close);
        break;
        // REPHRASE: the same exchange again, in other words.
    }
    const i = n;
    const intent = ex.intent;
    // Confidence is kept at the 4 decimals every output shows, so each output
    // (and the session means) can be recomputed exactly from the others.
    const confE4 = Math.round(
      betaVariate(
        rng,
        intents[intent].confidence.alpha,
        intents[intent].confidence.beta,
      ) * 1e4,
    );
    const conf = confE4 / 1e4;
    const fb = conf < threshold + normal(rng, 0, noise_sd) ? 1 : 0;
    const latency = Math.max(
      1,
      Math.round(
        lognormal(rng, c.latency_ms.mu, c.latency_ms.sigma) * multiplier,
      ),
    );
    let think = 0;
    if (i > 0) {
      think = Math.round(
        lognormal(rng, c.turns.think_time_ms.mu, c.turns.think_time_ms.sigma),
      );
      t += think;
    }
    const rephrase = kind === REPHRASE;
    let botAct: number;
    let handoffAfterFallbacks = false;
    if (fb) {
      run++;
      if (run >= K) {
        botAct = HANDOFF;
        handoffAfterFallbacks = true;
        escalated = true;
      } else botAct = CLARIFY;
    } else {
      run = 0;
      botAct = ex.botAct;
      if (botAct === HANDOFF) escalated = true;
    }
    out.intent[i] = intent;
    out.userAct[i] = rephrase ? REPHRASE_ACT : ex.userAct;
    out.botAct[i] = botAct;
    out.confidence[i] = conf;
    out.fallback[i] = fb;
    out.latencyMs[i] = latency;
    out.thinkMs[i] = think;
    out.userMs[i] = t;
    t += latency;
    out.botMs[i] = t;
    if (lang) {
      const users = lang.user[ex.index];
      userTpl = pickIndex(textRng!, users.length, rephrase ? userTpl : -1);
      out.userText[i] = fillTemplate(
        textRng!,
        users[userTpl],
        fill,
        slots,
      );
      out.botText[i] = fillOne(
        textRng!,
        handoffAfterFallbacks
          ? lang.handoff
          : fb
          ? lang.fallback
          : lang.bot[ex.index],
        fill,
        slots,
      );
    }
    fallbacks += fb;
    confSumE4 += confE4;
    latSum += latency;
    n++;
    const greeting = ex.role === "greet";
    if (isTask(kind) && !greeting) {
      prevTask = ex.index;
      used[ex.index] = 1;
    }
    // What comes next: the chain of dialogue_chain.ts, drawn.
    if (escalated || n === ch.maxTurns) break;
    if (fb) {
      if (kind === CLOSE) break;
      else if (rng.next() < ch.leaveAfterFallback) break;
      else kind = REPHRASE;
      continue;
    }
    if (greeting) {
      kind = OPEN;
      continue;
    }
    if (kind === CLOSE) break;
    const u = rng.next();
    if (u < ch.escalate) {
      kind = AGENT;
    } else if (u < ch.escalate + ch.end) {
      if (rng.next() < ch.close) kind = CLOSE;
      else break;
    } else if (
      !switched && d.switchGoal[goal] !== null &&
      u < ch.escalate + ch.end + ch.switchGoal
    ) {
      goal = d.switchGoal[goal]!.sample(rng);
      switched = true;
      kind = OPEN;
      pending = -1;
      prevTask = -1;
    } else {
      kind = CONTINUE;
      pending = ex.then;
    }
  }
  out.turnCount = n;
  out.switched = switched;
  out.endMs = t;
  out.fallbackCount = fallbacks;
  // The session aggregates as written: exact integer arithmetic on the stored turn
  // values, so SQL over fact_turn gives the same decimals.
  out.meanConfidenceE4 = roundedQuotient(confSumE4, n);
  out.meanLatencyE1 = roundedQuotient(latSum * 10, n);
  out.fallbackRateE4 = roundedQuotient(fallbacks * 10_000, n);
  const meanConfidence = out.meanConfidenceE4 / 1e4;
  const o = c.outcomes;
  out.escalated = escalated;

  const s = o.sentiment;
  let sentiment = s.intercept +
    s.confidence_weight * (meanConfidence - s.confidence_center) -
    s.fallback_weight * (fallbacks / n) + normal(rng, 0, s.noise_sd);
  sentiment = sentiment < -1 ? -1 : sentiment > 1 ? 1 : sentiment;
  // Rounded to the 4 decimals written, so the label follows from the written score.
  sentiment = Math.round(sentiment * 1e4) / 1e4;
  out.sentimentScore = sentiment;
  out.sentimentLabel = sentiment < -s.label_cutoff
    ? 0
    : sentiment > s.label_cutoff
    ? 2
    : 1;
  const q = o.satisfaction;
  const latent = q.intercept + q.sentiment_weight * sentiment -
    (escalated ? q.escalation_penalty : 0) + normal(rng, 0, q.noise_sd);
  const sat = Math.round(latent);
  out.satisfaction = sat < 1 ? 1 : sat > 5 ? 5 : sat;
  const u = rng.next();
  out.resolved = !escalated && out.fallback[n - 1] === 0 &&
    u < o.resolution_probability;
  return out;
}
