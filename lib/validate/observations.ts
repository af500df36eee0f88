/**
 * Streaming accumulation of everything `validate` tests: counts, histograms on the
 * output grids, bounded samples for Kolmogorov–Smirnov, and the exact rules that link
 * a session to its turns (checked one session at a time). Memory is bounded by the
 * model's categories, 8 bytes per session (a hash for the duplicate check) and 8 per
 * user, never by the number of turns.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import {
  addSentimentCellProbs,
  confidenceBins,
  latencyBins,
  satisfactionProbs,
  SENTIMENT_CELLS,
  sentimentCell,
  sentimentMean,
  thinkBins,
} from "./targets.ts";
import { dayParts, parseIsoDate } from "../calendar/iso_date.ts";
import { countryZones, distinctZones } from "../model/derived.ts";
import { localTimestamp, utcOffsetMinutes } from "../calendar/time_zone.ts";
import { localeLanguage } from "../model/text.ts";
import { actIndex, DIALOGUE_ACTS } from "../model/dialogue_acts.ts";
import { compileDialogue } from "../model/dialogue.ts";
import type { ChainExpectations } from "../model/dialogue_chain.ts";

const GREET = actIndex("greet"),
  CLARIFY = actIndex("clarify"),
  HANDOFF = actIndex("handoff"),
  REPHRASE = actIndex("rephrase"),
  REQUEST_AGENT = actIndex("request_agent"),
  THANK = actIndex("thank"),
  GOODBYE = actIndex("goodbye"),
  INFORM = actIndex("inform"),
  REQUEST = actIndex("request"),
  AFFIRM = actIndex("affirm");

/** Equiprobable bins for continuous quantities (chi-square). */
export const CONTINUOUS_BINS = 20;
/** Values kept per continuous quantity for the Kolmogorov–Smirnov test. */
export const KS_SAMPLE = 5000;
/** Latency histogram size (ms); larger values go to the last cell. */
const LATENCY_HIST = 100_000;

/**
 * The exact (deterministic) rules `validate` checks on every row, by id, in words.
 * Each is counted in {@linkcode Observations.violations}.
 */
export const RULES = {
  order:
    "rows in key order: sessions 1..N once each, each session's turns next to it and numbered 1..turn_count, users once each (dim_user: keys 1..N in order)",
  timeOrder: "user_ts < bot_ts on every turn",
  latency: "bot_ts − user_ts = latency_ms on every turn",
  think:
    "each next user_ts = the previous bot_ts + think_time_ms (think_time_ms 0 on turn 1)",
  span:
    "start_ts = the first turn's user_ts, end_ts = the last turn's bot_ts, duration_ms = end_ts − start_ts",
  aggregates:
    "turn_count, fallback_count, fallback_rate, mean_confidence and mean_latency_ms equal their exact recomputation from the turns (rounded half away from zero)",
  agree:
    "each turn's user, channel, device, date and time keys agree with its session and user_ts; each session's start keys with start_ts and its device with its user's",
  keys:
    "every fact foreign key resolves in its dimension (and every turn in fact_session)",
  users:
    "each user's age band, country name, region, locale, platform and signup date (calendar start − tenure_days) follow from the config; raw: every line of a user repeats the same user fields, and its language is its locale's",
  formats:
    "every fact value validate reads in its column's format: integers without a point, decimals with exactly the schema's digits, booleans true or false, no surrounding whitespace (raw: not checked)",
  emails:
    "no two dim_user rows share an e-mail (64-bit hashes, equal ones compared exactly; raw: not checked)",
  duplicates:
    "no duplicate sessions (all columns but the key, with their turns)",
  acts:
    "every user_act_key and bot_act_key resolves in dim_dialogue_act, to an act its side performs (raw: user_act and bot_act name such acts)",
  actIntent:
    "request_agent turns have the escalation intent; greet, thank and goodbye turns the social intent; inform, request and affirm turns a task intent",
  greet:
    "greet only on turn 1: a user greet only there, answered by a bot greet unless it falls back (then the user rephrases it); a bot greet only answers a greeting or its rephrase",
  closing:
    "thank and goodbye (user) only on the last turn; a bot goodbye only answers one",
  clarify:
    "bot act clarify exactly on the fallback turns that do not end in a handoff",
  escalation:
    "bot act handoff only on the last turn, exactly on an answered escalation-intent turn or the fallback completing escalation_consecutive_fallbacks in a row; escalated = the last turn's bot act is handoff",
  rephrase:
    "a rephrase turn follows a clarify turn and has its intent; the turn after a clarify is always a rephrase (greetings included)",
  goal:
    "goal_intent_key is a task intent and the first task turn's intent; the task turns keep one intent, switching at most once, after an answered turn",
  resolved: "resolved only when not escalated and the last turn was answered",
  sentimentLabel: "sentiment_label follows sentiment_score",
  language:
    "each session's language is its user's: the language of the user's country's locale (pt_BR → pt)",
  localTime:
    "each user's time_zone is one of their country's zones; each session's local_date_key and local_time_key (raw: session_start_local) are start_ts in its user's zone, offset from the time-zone data",
} as const;

/** Id of one of the {@linkcode RULES}. */
export type RuleId = keyof typeof RULES;

/** One turn as read from any representation. */
export interface TurnObs {
  /** Turn number within the session as written, 1-based. */
  turnNumber: number;
  /** Index into the config's `intents` (0-based; −1 when the name or key is unknown). */
  intent: number;
  /** The user's dialogue act: index into `DIALOGUE_ACTS` (−1 when unknown). */
  userAct: number;
  /** The bot's dialogue act: index into `DIALOGUE_ACTS` (−1 when unknown). */
  botAct: number;
  /** Index into the config's `channels` (0-based; −1 when the name or key is unknown). */
  channel: number;
  /** NLU confidence as written, probability with 4 decimals. */
  confidence: number;
  /** Whether the bot fell back on this turn. */
  fallback: boolean;
  /** Bot response latency, whole ms. */
  latencyMs: number;
  /** User think time before this message, whole ms (0 on turn 1). */
  thinkMs: number;
  /** `user_ts`, ms since 1970-01-01T00:00:00Z (NaN when not a timestamp). */
  userMs: number;
  /** `bot_ts`, ms since 1970-01-01T00:00:00Z (NaN when not a timestamp). */
  botMs: number;
}

/** One session as read from any representation. */
export interface SessionObs {
  /** Session key, 1-based (session index + 1). */
  session: number;
  /** User index, 0-based (user key − 1). */
  user: number;
  /** Index into the config's `channels` (0-based; −1 when the name is unknown). */
  channel: number;
  /** Index into `population.devices` (0-based; −1 when the name is unknown). */
  device: number;
  /** Intent index of the session's first goal (0-based; −1 when unknown). */
  goal: number;
  /** Session start as written: ISO 8601 UTC text, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  startTs: string;
  /** `start_ts`, ms since the epoch (NaN when not a timestamp). */
  startMs: number;
  /** `end_ts`, ms since the epoch (NaN when not a timestamp). */
  endMs: number;
  /** `duration_ms` as written, ms; undefined when the representation has none (raw). */
  durationMs?: number;
  /** Turns in the session as written, count. */
  turnCount: number;
  /** Fallback turns as written, count. */
  fallbackCount: number;
  /** `fallback_rate` as written; undefined when the representation has none (raw). */
  fallbackRate?: number;
  /** Mean turn confidence as written (4 decimals), probability. */
  meanConfidence: number;
  /** Mean turn latency as written (1 decimal), ms. */
  meanLatencyMs: number;
  /** Sentiment score, in [−1, 1]. */
  sentimentScore: number;
  /** Sentiment label as written: "negative", "neutral" or "positive". */
  sentimentLabel: string;
  /** Satisfaction rating, integer 1..5. */
  satisfaction: number;
  /** Whether the session was escalated to a human agent. */
  escalated: boolean;
  /** Whether the session is marked resolved. */
  resolved: boolean;
  /** Language code as written (ISO 639-1). */
  language: string;
  /** `local_date_key` as written (YYYYMMDD); undefined in raw. */
  localDateKey?: string;
  /** `local_time_key` as written (HHMM); undefined in raw. */
  localTimeKey?: string;
  /** `session_start_local` as written (ISO 8601 with offset); undefined in the facts. */
  startLocal?: string;
  /**
   * The user's zone as the session's raw lines give it (index into the config's
   * distinct zones, −1 when unknown); undefined in the facts (dim_user gives it).
   */
  zone?: number;
}

/** One user as read from any representation. */
export interface UserObs {
  /** User index, 0-based (user key − 1). */
  user: number;
  /** Age, integer years. */
  age: number;
  /** Index into `population.devices` (0-based; −1 when the name is unknown). */
  device: number;
  /** Index into `population.countries` (0-based; −1 when the code is unknown). */
  country: number;
  /** Tenure before `calendar.start`, whole days. */
  tenureDays: number;
  /**
   * Index of the user's `time_zone` into the config's distinct zones (`distinctZones`),
   * −1 when the name is not one of them.
   */
  zone: number;
}

/**
 * Round num / den half away from zero (num ≥ 0 integer, den ≥ 1 integer), exactly for
 * the small sums of one session (|num| < 2^50).
 */
function roundedRatio(num: number, den: number): number {
  return Math.floor((2 * num + den) / (2 * den));
}

/**
 * A histogram over bins given by inclusive upper bounds, with the probability the
 * model gives each bin (for a chi-square test).
 */
export class Binned {
  /** Values counted per bin. */
  readonly counts: Float64Array;
  /**
   * Empty bins.
   *
   * @param upper Inclusive upper bound of each bin on the value's grid, ascending; the
   *   last bin also takes every larger value.
   * @param probs Model probability of each bin (sum 1).
   */
  constructor(readonly upper: number[], readonly probs: number[]) {
    this.counts = new Float64Array(upper.length);
  }
  /** Count value `v` in the first bin whose upper bound is ≥ `v`. */
  add(v: number): void {
    const u = this.upper;
    let lo = 0, hi = u.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= u[mid]) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
  }
}

/**
 * Running sums for mean and variance.
 *
 * @example
 * ```ts
 * // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32 / 7.
 * const m = new Moments();
 * for (const x of [2, 5, 5, 7, 9]) m.add(x);
 * m.addRepeated(4, 3);
 * if (m.mean !== 5 || Math.abs(m.variance - 32 / 7) > 1e-12) throw new Error(`${m.mean} ${m.variance}`);
 * ```
 */
export class Moments {
  /** Values added, count. */
  n = 0;
  /** Sum of the values added. */
  sum = 0;
  /** Sum of the squares of the values added. */
  sumSq = 0;
  /** Add one value. */
  add(x: number): void {
    this.addRepeated(x, 1);
  }
  /** Add the value `x` `count` times (a histogram cell). */
  addRepeated(x: number, count: number): void {
    this.n += count;
    this.sum += x * count;
    this.sumSq += x * x * count;
  }
  /** Sample mean; NaN when no value was added. */
  get mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }
  /** Sample variance with the n − 1 divisor; NaN with fewer than two values. */
  get variance(): number {
    return this.n > 1
      ? (this.sumSq - this.sum * this.sum / this.n) / (this.n - 1)
      : NaN;
  }
}

function sample(arr: number[], v: number): void {
  if (arr.length < KS_SAMPLE) arr.push(v);
}

/**
 * Everything observed in one dataset.
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const c = effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml");
 * const obs = new Observations(c, 10, 5);
 * obs.violate("timeOrder", 2);
 * if (obs.violations.timeOrder !== 2 || obs.violations.latency !== 0) {
 *   throw new Error(JSON.stringify(obs.violations));
 * }
 * ```
 */
export class Observations {
  /** Effective config of the dataset: the model every quantity is tested against. */
  readonly c: Config;
  // Turns.
  /** Turns read, count (including turns no session row claims). */
  turns = 0;
  /** Turns per intent index, count. */
  intentCounts: Float64Array;
  /** Fallback turns per intent index, count. */
  fallbacksByIntent: Float64Array;
  /**
   * Per intent index: confidence on the 4-decimal grid (value × 10^4) in
   * {@linkcode CONTINUOUS_BINS} equiprobable bins.
   */
  confBins: Binned[];
  /** Per intent index: the first {@linkcode KS_SAMPLE} confidences on the grid (× 10^4). */
  confSample: number[][];
  /** Per intent index: running mean and variance of confidence. */
  confMoments: Moments[];
  /** Per channel index: latency (whole ms) in {@linkcode CONTINUOUS_BINS} equiprobable bins. */
  latencyBins: Binned[];
  /** Per channel index: the first {@linkcode KS_SAMPLE} latencies, whole ms. */
  latencySample: number[][];
  /** Per channel index: running mean and variance of latency, ms. */
  latencyMoments: Moments[];
  /**
   * Turns by latency, index = whole ms (the last cell takes 99,999 ms and more), for
   * the median.
   */
  latencyHist = new Float64Array(LATENCY_HIST);
  /** Think time of turns ≥ 2 (whole ms) in {@linkcode CONTINUOUS_BINS} equiprobable bins. */
  thinkBins: Binned;
  /** The first {@linkcode KS_SAMPLE} think times of turns ≥ 2, whole ms. */
  thinkSample: number[] = [];
  /** Running mean and variance of the think time of turns ≥ 2, ms. */
  thinkMoments = new Moments();
  // Sessions.
  /** Session rows read, count. */
  sessions = 0;
  /** Sessions by turn count, index = turns (0..`turns.count.max`; index 0 stays empty). */
  turnCounts: Float64Array;
  /** The config's distinct time zones (`distinctZones`), by zone index. */
  readonly zones: string[];
  /**
   * Per zone index: sessions by local start weekday and hour in that zone, index
   * weekday × 24 + hour (weekday 0 = Monday .. 6 = Sunday).
   */
  localCells: Float64Array[];
  /**
   * Per zone index: sessions by UTC start weekday and hour, index weekday × 24 + hour
   * (weekday 0 = Monday), for the report's heatmap.
   */
  utcCells: Float64Array[];
  /** Sessions by device index, then channel index, count. */
  channelByDevice: Float64Array[];
  /** Sessions per user index, count (4 bytes per user). */
  sessionsPerUser: Uint32Array;
  /**
   * Device index of each user as read (255 = user not read), to check each session's
   * device against its user's and its user key against the users read (1 byte per user).
   */
  userDevice: Uint8Array;
  /**
   * Country index of each user as read, for the language rule (255 = not read or out
   * of range; 1 byte per user).
   */
  userCountry: Uint8Array;
  /**
   * Per session row: a 64-bit hash of the row without its key and of its turns
   * without the session key, for the duplicate check (8 bytes per session).
   */
  sessionHashes: BigUint64Array;
  /** Sessions by sentiment cell (see `sentimentCell`), count. */
  sentimentObserved = new Float64Array(SENTIMENT_CELLS);
  /** Expected sessions by sentiment cell: per-session model probabilities, summed. */
  sentimentExpected = new Float64Array(SENTIMENT_CELLS);
  /** Sessions whose sentiment score is clamped at −1 or 1, count. */
  sentimentClamped = 0;
  /** Sessions by satisfaction rating, index = rating − 1 (ratings 1..5). */
  satisfactionObserved = new Float64Array(5);
  /**
   * Expected sessions by satisfaction rating (index = rating − 1): per-session model
   * probabilities, summed.
   */
  satisfactionExpected = new Float64Array(5);
  /** Running mean and variance of the satisfaction rating (1..5). */
  satisfactionMoments = new Moments();
  /** Escalated sessions, count. */
  escalatedCount = 0;
  // The dialogue model (docs/design.md §3.13).
  /** The chain's exact expectations for this config (`compileDialogue(c).expected`). */
  readonly expected: ChainExpectations;
  /** Sessions by goal intent index, count. */
  goalCounts: Float64Array;
  /**
   * Per intent index: Σ over sessions of (a_s − R0 n_s)², with a_s the session's turns
   * of the intent, n_s its turns and R0 the expected turn share: the cluster variance
   * of the intent's turn share (a ratio estimator).
   */
  intentClusterSq: Float64Array;
  /** Turns of the sessions read (Σ n_s; turns no session row claims excluded). */
  dialogueTurns = 0;
  /** Task turns preceded by a task turn, count. */
  taskPairs = 0;
  /** Such pairs whose two turns have the same intent, count. */
  sameIntentPairs = 0;
  /** Σ over sessions of (same_s − P0 pairs_s)², P0 the expected share of same-intent pairs. */
  sameIntentClusterSq = 0;
  /** Distinct task intents per session. */
  distinctIntents = new Moments();
  /** Sessions whose turn 1 is a user greet, count. */
  greetSessions = 0;
  /** Sessions whose last turn is a user thank or goodbye, count. */
  closeSessions = 0;
  /** Sessions whose last turn is a handoff on a fallback, count. */
  handoffAfterFallbacks = 0;
  /** Escalated sessions whose last turn's bot act is handoff, count. */
  escalatedWithHandoff = 0;
  /** Turns after a turn whose bot act is handoff (in its session), count. */
  turnsAfterHandoff = 0;
  /** Turns whose user act is greet, count. */
  greetTurns = 0;
  /** Greet turns on turn 1, count. */
  greetFirst = 0;
  /** Turns whose user act is thank or goodbye, count. */
  closeTurns = 0;
  /** Thank or goodbye turns on the last turn, count. */
  closeLast = 0;
  /** Sessions eligible for resolution (not escalated, last turn answered), count. */
  resolutionEligible = 0;
  /** Eligible sessions marked resolved, count. */
  resolvedEligible = 0;
  /** Running mean and variance of the sentiment score. */
  sentimentMoments = new Moments();
  // Users.
  /** Users added, count. */
  users = 0;
  /** Users per device index, count. */
  deviceCounts: Float64Array;
  /** Users per country index, count. */
  countryCounts: Float64Array;
  /** Per country index: users per entry of the country's zone list, count. */
  zoneCounts: Float64Array[];
  /** Zone index of each user as read (65535 = unknown or not read; 2 bytes per user). */
  userZone: Uint16Array;
  /** Per country index: zone index → position in the country's zone list. */
  #countryZone: Map<number, number>[];
  /** Users by age, index = age − `population.age.min` (years). */
  ageCounts: Float64Array;
  /** Users by tenure, index = whole days (0..`tenure_days.max_days`). */
  tenureCounts: Float64Array;
  /** Values outside the model's support, by quantity. */
  outOfRange = new Map<string, number>();
  /** Violations of each exact rule, count (rows or sessions). */
  violations: Record<RuleId, number>;
  /** Index of the escalation intent (`dialogue.escalation_intent`). */
  #escalationIntent: number;
  /** Index of the social intent (`dialogue.social_intent`). */
  #socialIntent: number;
  /** Per intent index: 1 for a task intent (neither social nor escalation). */
  #task: Uint8Array;
  /** Per intent index: the expected turn share, E[turns of it] / E[turns]. */
  #share: Float64Array;
  /** Per intent index: the current session's turns of it (scratch). */
  #sessionIntents: Float64Array;
  /** Epoch days of the calendar's first and last day. */
  #calendar: [number, number];
  /** Session key the next session row should have. */
  #nextSession = 1;

  /**
   * Empty observations, sized for the dataset's config and counts. Memory: 8 bytes per
   * session and 7 per user, plus tables sized by the config.
   *
   * @param c Effective config of the dataset.
   * @param sessions Sessions the manifest records, count.
   * @param users Users the manifest records, count.
   */
  constructor(c: Config, sessions: number, users: number) {
    this.c = c;
    const nc = c.channels.length, ni = c.intents.length;
    this.#escalationIntent = c.intents.findIndex((i) =>
      i.name === c.dialogue.escalation_intent
    );
    this.#socialIntent = c.intents.findIndex((i) =>
      i.name === c.dialogue.social_intent
    );
    this.#task = Uint8Array.from(
      c.intents,
      (_, i) =>
        i === this.#escalationIntent || i === this.#socialIntent ? 0 : 1,
    );
    this.expected = compileDialogue(c).expected;
    const e = this.expected;
    this.#share = Float64Array.from(
      e.intentTurns,
      (x: number) => x / e.meanTurns,
    );
    this.#sessionIntents = new Float64Array(ni);
    this.goalCounts = new Float64Array(ni);
    this.intentClusterSq = new Float64Array(ni);
    this.#calendar = [
      parseIsoDate(c.calendar.start)!,
      parseIsoDate(c.calendar.end)!,
    ];
    this.intentCounts = new Float64Array(ni);
    this.fallbacksByIntent = new Float64Array(ni);
    this.confBins = c.intents.map((_, i) => {
      const b = confidenceBins(c, i, CONTINUOUS_BINS);
      return new Binned(b.upper, b.probs);
    });
    this.confSample = c.intents.map(() => []);
    this.confMoments = c.intents.map(() => new Moments());
    this.latencyBins = c.channels.map((_, i) => {
      const b = latencyBins(c, i, CONTINUOUS_BINS);
      return new Binned(b.upper, b.probs);
    });
    this.latencySample = c.channels.map(() => []);
    this.latencyMoments = c.channels.map(() => new Moments());
    const tb = thinkBins(c, CONTINUOUS_BINS);
    this.thinkBins = new Binned(tb.upper, tb.probs);
    this.turnCounts = new Float64Array(c.turns.count.max + 1);
    this.channelByDevice = c.population.devices.map(() => new Float64Array(nc));
    this.sessionsPerUser = new Uint32Array(users);
    this.userDevice = new Uint8Array(users).fill(255);
    this.userCountry = new Uint8Array(users).fill(255);
    this.sessionHashes = new BigUint64Array(sessions);
    this.deviceCounts = new Float64Array(c.population.devices.length);
    this.countryCounts = new Float64Array(c.population.countries.length);
    this.zones = distinctZones(c);
    const zoneIndex = new Map(this.zones.map((z, i) => [z, i]));
    this.#countryZone = c.population.countries.map((ctry) =>
      new Map(countryZones(ctry).map((z, j) => [zoneIndex.get(z.zone)!, j]))
    );
    this.zoneCounts = c.population.countries.map((ctry) =>
      new Float64Array(countryZones(ctry).length)
    );
    this.localCells = this.zones.map(() => new Float64Array(7 * 24));
    this.utcCells = this.zones.map(() => new Float64Array(7 * 24));
    this.userZone = new Uint16Array(users).fill(65535);
    this.ageCounts = new Float64Array(
      c.population.age.max - c.population.age.min + 1,
    );
    this.tenureCounts = new Float64Array(c.population.tenure_days.max_days + 1);
    this.violations = Object.fromEntries(
      Object.keys(RULES).map((k) => [k, 0]),
    ) as Record<RuleId, number>;
  }

  #outside(what: string): void {
    this.outOfRange.set(what, (this.outOfRange.get(what) ?? 0) + 1);
  }

  /** Count `n` violations of rule `id` found by the reader (keys, agreement, order). */
  violate(id: RuleId, n = 1): void {
    this.violations[id] += n;
  }

  /** Count turn rows that no session row claims (wrong session key or out of order). */
  orphanTurns(n: number): void {
    this.turns += n;
    this.violations.order += n;
  }

  /** Statistics of one turn. */
  #turnStats(t: TurnObs): void {
    if (
      !Number.isInteger(t.intent) || t.intent < 0 ||
      t.intent >= this.intentCounts.length ||
      !(t.confidence >= 0 && t.confidence <= 1) ||
      !Number.isInteger(t.latencyMs) || !Number.isInteger(t.thinkMs) ||
      t.latencyMs < 1 || t.thinkMs < 0
    ) {
      return this.#outside("turn values");
    }
    const grid = Math.round(t.confidence * 1e4);
    if (Math.abs(t.confidence * 1e4 - grid) > 1e-6) {
      this.#outside("confidence (4 decimals)");
    }
    this.intentCounts[t.intent]++;
    if (t.fallback) this.fallbacksByIntent[t.intent]++;
    this.confBins[t.intent].add(grid);
    sample(this.confSample[t.intent], grid);
    this.confMoments[t.intent].add(t.confidence);
    if (t.channel >= 0 && t.channel < this.latencyBins.length) {
      this.latencyBins[t.channel].add(t.latencyMs);
      sample(this.latencySample[t.channel], t.latencyMs);
      this.latencyMoments[t.channel].add(t.latencyMs);
    } else this.#outside("channel");
    this.latencyHist[Math.min(LATENCY_HIST - 1, Math.max(0, t.latencyMs))]++;
    if (t.turnNumber > 1) {
      this.thinkBins.add(t.thinkMs);
      sample(this.thinkSample, t.thinkMs);
      this.thinkMoments.add(t.thinkMs);
    }
  }

  /**
   * Add one session row with the turn rows that carry its key (in file order), and
   * check every rule that links them.
   *
   * @param o The session row.
   * @param turns Its turns; only the first `n` entries are used.
   * @param n Turns of the session read, count.
   * @param hashHi High 32 bits of the hash of the session (see {@linkcode sessionHashes}).
   * @param hashLo Low 32 bits.
   */
  session(
    o: SessionObs,
    turns: TurnObs[],
    n: number,
    hashHi: number,
    hashLo: number,
  ): void {
    const c = this.c;
    const v = this.violations;
    if (this.sessions < this.sessionHashes.length) {
      this.sessionHashes[this.sessions] = (BigInt(hashHi >>> 0) << 32n) |
        BigInt(hashLo >>> 0);
    }
    this.sessions++;
    this.turns += n;
    if (o.session !== this.#nextSession) v.order++;
    this.#nextSession = o.session + 1;

    // The turns: statistics, numbering, timestamps, and what the session aggregates.
    let fallbacks = 0, confE4 = 0, latSum = 0;
    let badOrder = false, prevBot = NaN;
    for (let i = 0; i < n; i++) {
      const t = turns[i];
      this.#turnStats(t);
      if (t.turnNumber !== i + 1) badOrder = true;
      if (!(t.userMs < t.botMs)) v.timeOrder++;
      if (t.botMs - t.userMs !== t.latencyMs) v.latency++;
      if (i === 0 ? t.thinkMs !== 0 : t.userMs !== prevBot + t.thinkMs) {
        v.think++;
      }
      prevBot = t.botMs;
      if (t.fallback) fallbacks++;
      confE4 += Math.round(t.confidence * 1e4);
      latSum += t.latencyMs;
    }
    if (badOrder) v.order++;
    this.#dialogue(o, turns, n);
    if (
      n === 0 || turns[0].userMs !== o.startMs ||
      turns[n - 1].botMs !== o.endMs ||
      (o.durationMs !== undefined && o.durationMs !== o.endMs - o.startMs)
    ) v.span++;
    if (
      n === 0 || o.turnCount !== n || o.fallbackCount !== fallbacks ||
      (o.fallbackRate !== undefined &&
        o.fallbackRate !== roundedRatio(fallbacks * 1e4, n) / 1e4) ||
      o.meanConfidence !== roundedRatio(confE4, n) / 1e4 ||
      o.meanLatencyMs !== roundedRatio(latSum * 10, n) / 10
    ) v.aggregates++;

    const tc = o.turnCount;
    if (tc >= 1 && tc < this.turnCounts.length) this.turnCounts[tc]++;
    else this.#outside("turn_count");
    this.#localStart(o);
    if (
      o.device >= 0 && o.device < this.channelByDevice.length &&
      o.channel >= 0 && o.channel < c.channels.length
    ) {
      this.channelByDevice[o.device][o.channel]++;
    } else this.#outside("device or channel");
    if (o.user >= 0 && o.user < this.sessionsPerUser.length) {
      this.sessionsPerUser[o.user]++;
      const ud = this.userDevice[o.user];
      if (ud === 255) v.keys++;
      else if (ud !== o.device) v.agree++;
      const uc = this.userCountry[o.user];
      if (
        uc !== 255 &&
        o.language !== localeLanguage(c.population.countries[uc].locale)
      ) v.language++;
    } else v.keys++;

    const s = c.outcomes.sentiment;
    const mean = sentimentMean(
      c,
      o.meanConfidence,
      tc > 0 ? fallbacks / tc : 0,
    );
    this.sentimentMoments.add(o.sentimentScore);
    const cell = sentimentCell(o.sentimentScore);
    if (cell >= 0) {
      this.sentimentObserved[cell]++;
      addSentimentCellProbs(c, mean, this.sentimentExpected);
      if (cell === 0 || cell === SENTIMENT_CELLS - 1) this.sentimentClamped++;
    } else this.#outside("sentiment_score");
    const label = o.sentimentScore < -s.label_cutoff
      ? "negative"
      : o.sentimentScore > s.label_cutoff
      ? "positive"
      : "neutral";
    if (label !== o.sentimentLabel) v.sentimentLabel++;
    if (o.satisfaction >= 1 && o.satisfaction <= 5) {
      this.satisfactionObserved[o.satisfaction - 1]++;
    } else this.#outside("satisfaction");
    this.satisfactionMoments.add(o.satisfaction);
    const p = satisfactionProbs(c, o.sentimentScore, o.escalated);
    for (let k = 0; k < 5; k++) this.satisfactionExpected[k] += p[k];

    if (o.escalated) this.escalatedCount++;
    const eligible = !o.escalated && n > 0 && !turns[n - 1].fallback;
    if (eligible) {
      this.resolutionEligible++;
      if (o.resolved) this.resolvedEligible++;
    } else if (o.resolved) v.resolved++;
  }

  /**
   * The session start in its user's local time: the local-time rule, and the count
   * of its local weekday × hour cell in its zone.
   */
  #localStart(o: SessionObs): void {
    const u = o.user;
    const known = u >= 0 && u < this.userZone.length;
    const read = known ? this.userZone[u] : 65535;
    const userZone = read === 65535 ? -1 : read;
    // Raw: the lines' zone must be the one the user's first line gave.
    if (o.zone !== undefined && known && o.zone !== userZone) {
      this.violations.users++;
    }
    const z = o.zone ?? userZone;
    const day = Math.floor(o.startMs / 86_400_000);
    if (!(day >= this.#calendar[0] && day <= this.#calendar[1])) {
      return this.#outside("start_ts (calendar)");
    }
    if (!(z >= 0 && z < this.zones.length)) {
      this.violations.localTime++;
      return;
    }
    const offset = utcOffsetMinutes(this.zones[z], o.startMs);
    const local = o.startMs + offset * 60_000;
    const localDay = Math.floor(local / 86_400_000);
    const minute = Math.floor((local - localDay * 86_400_000) / 60_000);
    const hour = Math.floor(minute / 60);
    if (
      (o.localDateKey !== undefined &&
        o.localDateKey !== String(dayParts(localDay).dateKey)) ||
      (o.localTimeKey !== undefined &&
        o.localTimeKey !== String(hour * 100 + (minute % 60))) ||
      (o.startLocal !== undefined &&
        o.startLocal !== localTimestamp(o.startMs, offset))
    ) this.violations.localTime++;
    const wd = (((localDay + 3) % 7) + 7) % 7;
    this.localCells[z][wd * 24 + hour]++;
    const utcHour = Math.floor((o.startMs - day * 86_400_000) / 3_600_000);
    this.utcCells[z][((((day + 3) % 7) + 7) % 7) * 24 + utcHour]++;
  }

  /**
   * The dialogue rules of one session and its dialogue statistics (goal, intent
   * shares by session, coherence, greetings, closings, handoffs).
   */
  #dialogue(o: SessionObs, turns: TurnObs[], n: number): void {
    const v = this.violations;
    const K = this.c.outcomes.escalation_consecutive_fallbacks;
    const social = this.#socialIntent, esc = this.#escalationIntent;
    const ni = this.#task.length;
    const task = (i: number) => i >= 0 && i < ni && this.#task[i] === 1;
    const si = this.#sessionIntents.fill(0);
    let run = 0, pairs = 0, same = 0, switches = 0, distinct = 0;
    let firstTask = -1, prevTask = -1, handoffAt = -1;
    const bad = { acts: 0, actIntent: 0, greet: 0, closing: 0, clarify: 0 };
    let badEsc = 0, badRephrase = 0, badGoal = 0;
    for (let i = 0; i < n; i++) {
      const t = turns[i];
      const ua = t.userAct, ba = t.botAct, last = i === n - 1;
      if (t.intent >= 0 && t.intent < ni) si[t.intent]++;
      const uOk = ua >= 0 && ua < DIALOGUE_ACTS.length &&
        DIALOGUE_ACTS[ua].speaker !== "bot";
      const bOk = ba >= 0 && ba < DIALOGUE_ACTS.length &&
        DIALOGUE_ACTS[ba].speaker !== "user";
      if (!uOk || !bOk) bad.acts++;
      // The intent each user act belongs to.
      if (
        ua === REQUEST_AGENT
          ? t.intent !== esc
          : ua === GREET || ua === THANK || ua === GOODBYE
          ? t.intent !== social
          : ua === INFORM || ua === REQUEST || ua === AFFIRM
          ? !task(t.intent)
          : false
      ) bad.actIntent++;
      // Greetings and closings.
      if (ua === GREET) {
        this.greetTurns++;
        if (i === 0) this.greetFirst++;
        else bad.greet++;
        if (!t.fallback && ba !== GREET) bad.greet++;
      } else if (ua === REPHRASE && t.intent === social && i > 0) {
        // The rephrase of a greeting the bot did not get.
        if (turns[i - 1].intent !== social || turns[i - 1].botAct !== CLARIFY) {
          bad.greet++;
        }
        if (!t.fallback && ba !== GREET) bad.greet++;
      } else if (ba === GREET) bad.greet++;
      if (ua === THANK || ua === GOODBYE) {
        this.closeTurns++;
        if (last) this.closeLast++;
        else bad.closing++;
      } else if (ba === GOODBYE) bad.closing++;
      // Fallbacks: clarify, or the handoff that ends a run of K.
      run = t.fallback ? run + 1 : 0;
      const handoff = t.fallback ? run >= K : t.intent === esc;
      if ((ba === CLARIFY) !== (t.fallback && run < K)) bad.clarify++;
      if ((ba === HANDOFF) !== handoff || (ba === HANDOFF && !last)) badEsc++;
      if (ba === HANDOFF && handoffAt < 0) handoffAt = i;
      // Rephrase: right after a clarify, with the clarified turn's intent.
      const prev = i > 0 ? turns[i - 1] : undefined;
      const afterClarify = prev !== undefined && prev.botAct === CLARIFY;
      if (
        ua === REPHRASE
          ? !afterClarify || prev!.intent !== t.intent
          : afterClarify
      ) badRephrase++;
      // Goal coherence over the task turns.
      if (task(t.intent)) {
        if (firstTask < 0) firstTask = t.intent;
        if (prevTask >= 0 && prevTask !== t.intent) {
          switches++;
          if (prev === undefined || prev.fallback) badGoal++;
        }
        if (prev !== undefined && task(prev.intent)) {
          pairs++;
          if (prev.intent === t.intent) same++;
        }
        prevTask = t.intent;
      }
    }
    for (let i = 0; i < ni; i++) if (this.#task[i] && si[i] > 0) distinct++;
    const g = o.goal;
    if (!task(g) || (firstTask >= 0 && firstTask !== g) || switches > 1) {
      badGoal++;
    }
    if (task(g)) this.goalCounts[g]++;
    else this.#outside("goal_intent_key");
    const lastTurn = n > 0 ? turns[n - 1] : undefined;
    const lastHandoff = lastTurn?.botAct === HANDOFF;
    if (o.escalated !== lastHandoff) badEsc++;
    if (o.escalated && lastHandoff) this.escalatedWithHandoff++;
    if (lastHandoff && lastTurn!.fallback) this.handoffAfterFallbacks++;
    if (handoffAt >= 0) this.turnsAfterHandoff += n - 1 - handoffAt;
    if (n > 0 && turns[0].userAct === GREET) this.greetSessions++;
    if (
      lastTurn !== undefined &&
      (lastTurn.userAct === THANK || lastTurn.userAct === GOODBYE)
    ) this.closeSessions++;
    // Clustered statistics: sessions are independent, their turns are not.
    for (let i = 0; i < ni; i++) {
      const d = si[i] - this.#share[i] * n;
      this.intentClusterSq[i] += d * d;
    }
    const e = this.expected;
    const p0 = e.taskPairs > 0 ? e.sameIntentPairs / e.taskPairs : 0;
    this.taskPairs += pairs;
    this.sameIntentPairs += same;
    this.sameIntentClusterSq += (same - p0 * pairs) ** 2;
    this.distinctIntents.add(distinct);
    this.dialogueTurns += n;
    v.acts += bad.acts;
    v.actIntent += bad.actIntent;
    v.greet += bad.greet;
    v.closing += bad.closing;
    v.clarify += bad.clarify;
    v.escalation += badEsc;
    v.rephrase += badRephrase;
    v.goal += badGoal;
  }

  /** Add one user. */
  user(u: UserObs): void {
    const p = this.c.population;
    this.users++;
    if (
      !Number.isInteger(u.user) || u.user < 0 ||
      u.user >= this.sessionsPerUser.length
    ) {
      this.#outside("user_key");
    } else if (this.userDevice[u.user] !== 255) {
      this.violations.order++;
    } else {
      this.userDevice[u.user] = u.device >= 0 && u.device < 255
        ? u.device
        : 254;
      if (
        Number.isInteger(u.country) && u.country >= 0 &&
        u.country < Math.min(255, p.countries.length)
      ) this.userCountry[u.user] = u.country;
    }
    if (u.device >= 0 && u.device < this.deviceCounts.length) {
      this.deviceCounts[u.device]++;
    } else this.#outside("device");
    if (u.country >= 0 && u.country < this.countryCounts.length) {
      this.countryCounts[u.country]++;
      const j = this.#countryZone[u.country].get(u.zone);
      if (j === undefined) this.violations.localTime++;
      else this.zoneCounts[u.country][j]++;
    } else this.#outside("country");
    if (
      Number.isInteger(u.user) && u.user >= 0 &&
      u.user < this.userZone.length &&
      u.zone >= 0 && u.zone < this.zones.length
    ) this.userZone[u.user] = u.zone;
    if (u.age >= p.age.min && u.age <= p.age.max) {
      this.ageCounts[u.age - p.age.min]++;
    } else this.#outside("age");
    if (u.tenureDays >= 0 && u.tenureDays <= p.tenure_days.max_days) {
      this.tenureCounts[u.tenureDays]++;
    } else this.#outside("tenure_days");
  }

  /**
   * Hashes shared by two or more session rows: candidates for the duplicate check,
   * which the reader confirms on the text itself. Sorts {@linkcode sessionHashes} in
   * place.
   */
  sharedHashes(): Set<bigint> {
    const h = this.sessionHashes.subarray(
      0,
      Math.min(this.sessions, this.sessionHashes.length),
    ).sort();
    const shared = new Set<bigint>();
    for (let i = 1; i < h.length; i++) if (h[i] === h[i - 1]) shared.add(h[i]);
    return shared;
  }

  /** Median latency from the histogram (whole ms). */
  latencyMedian(): number {
    let total = 0;
    for (const v of this.latencyHist) total += v;
    let acc = 0;
    for (let i = 0; i < this.latencyHist.length; i++) {
      acc += this.latencyHist[i];
      if (acc >= total / 2) return i;
    }
    return NaN;
  }
}
