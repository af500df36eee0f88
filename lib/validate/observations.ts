/**
 * Streaming accumulation of everything `validate` tests: counts, histograms on the
 * output grids, bounded samples for Kolmogorov–Smirnov, and per-session flags. Memory
 * is bounded by the model's categories, a few bytes per session and per user, never
 * by the number of turns.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import {
  confidenceBins,
  latencyBins,
  satisfactionProbs,
  sentimentMean,
  sentimentPit,
  thinkBins,
} from "./targets.ts";

/** Equiprobable bins for continuous quantities (chi-square). */
export const CONTINUOUS_BINS = 20;
/** Values kept per continuous quantity for the Kolmogorov–Smirnov test. */
export const KS_SAMPLE = 5000;
/** Bins of the sentiment probability integral transform. */
export const PIT_BINS = 20;
/** Latency histogram size (ms); larger values go to the last cell. */
const LATENCY_HIST = 100_000;

/** One turn as read from any representation. */
export interface TurnObs {
  /** Session key, 1-based (session index + 1). */
  session: number;
  /** Turn number within the session, 1-based. */
  turnNumber: number;
  /** Index into the config's `intents` (0-based; −1 when the name is unknown). */
  intent: number;
  /** Index into the config's `channels` (0-based; −1 when the name is unknown). */
  channel: number;
  /** NLU confidence, probability in (0, 1) with 4 decimals. */
  confidence: number;
  /** Whether the bot fell back on this turn. */
  fallback: boolean;
  /** Bot response latency, whole ms. */
  latencyMs: number;
  /** User think time before this message, whole ms (0 on turn 1). */
  thinkMs: number;
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
  /** Session start as written: ISO 8601 UTC text, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  startTs: string;
  /** Turns in the session, count (1..`turns.count.max`). */
  turnCount: number;
  /** Share of the session's turns that fell back, in [0, 1]. */
  fallbackRate: number;
  /** Mean turn confidence of the session, probability. */
  meanConfidence: number;
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

/** Running sums for mean and variance. */
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

/** Everything observed in one dataset. */
export class Observations {
  /** Effective config of the dataset: the model every quantity is tested against. */
  readonly c: Config;
  // Turns.
  /** Turns added, count. */
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
  /** Per intent index: the first {@linkcode KS_SAMPLE} confidences, probabilities. */
  confSample: number[][];
  /** Per intent index: running mean and variance of confidence. */
  confMoments: Moments[];
  /** Per channel index: latency (whole ms) in {@linkcode CONTINUOUS_BINS} equiprobable bins. */
  latencyBins: Binned[];
  /** Per channel index: the first {@linkcode KS_SAMPLE} latencies, ms. */
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
  /** The first {@linkcode KS_SAMPLE} think times of turns ≥ 2, ms. */
  thinkSample: number[] = [];
  /** Running mean and variance of the think time of turns ≥ 2, ms. */
  thinkMoments = new Moments();
  /** Per session, from its turns: max consecutive fallbacks, escalation turn, last fallback. */
  maxRun: Uint8Array;
  /** Per session index: 1 when one of its turns has the `escalation` intent. */
  hasEscalation: Uint8Array;
  /**
   * Per session index: the current run of consecutive fallbacks, capped at 255 (0 =
   * last turn answered).
   */
  lastFallback: Uint8Array;
  /** Per session index: turns added, count (compared with the session's `turn_count`). */
  turnsSeen: Uint32Array;
  // Sessions.
  /** Sessions added, count. */
  sessions = 0;
  /** Sessions by turn count, index = turns (0..`turns.count.max`; index 0 stays empty). */
  turnCounts: Float64Array;
  /** Sessions by start hour (UTC), index 0..23. */
  hours = new Float64Array(24);
  /** Sessions by start weekday (UTC), index 0 = Monday .. 6 = Sunday. */
  weekdays = new Float64Array(7);
  /** Sessions by device index, then channel index, count. */
  channelByDevice: Float64Array[];
  /** Sessions per user index, count. */
  sessionsPerUser: Uint32Array;
  /**
   * Sessions by the sentiment score's PIT value in {@linkcode PIT_BINS} equal bins of
   * [0, 1] (scores inside (−1, 1) only).
   */
  pitBins = new Float64Array(PIT_BINS);
  /** Sessions whose sentiment score is clamped at −1 or 1 (left out of the PIT), count. */
  sentimentClamped = 0;
  /** Sessions whose sentiment label does not follow from the score and `label_cutoff`, count. */
  sentimentLabelErrors = 0;
  /** Sessions by satisfaction rating, index = rating − 1 (ratings 1..5). */
  satisfactionObserved = new Float64Array(5);
  /**
   * Expected sessions by satisfaction rating (index = rating − 1): per-session model
   * probabilities, summed.
   */
  satisfactionExpected = new Float64Array(5);
  /** Running mean and variance of the satisfaction rating (1..5). */
  satisfactionMoments = new Moments();
  /** Sessions whose `escalated` flag or turn count disagrees with their turns, count. */
  escalationErrors = 0;
  /** Escalated sessions, count. */
  escalatedCount = 0;
  /** Sessions eligible for resolution (not escalated, last turn answered), count. */
  resolutionEligible = 0;
  /** Eligible sessions marked resolved, count. */
  resolvedEligible = 0;
  /** Ineligible sessions marked resolved (rule violations), count. */
  resolvedIneligible = 0;
  /** Running mean and variance of the sentiment score. */
  sentimentMoments = new Moments();
  // Users.
  /** Users added, count. */
  users = 0;
  /** Users per device index, count. */
  deviceCounts: Float64Array;
  /** Users per country index, count. */
  countryCounts: Float64Array;
  /** Users by age, index = age − `population.age.min` (years). */
  ageCounts: Float64Array;
  /** Users by tenure, index = whole days (0..`tenure_days.max_days`). */
  tenureCounts: Float64Array;
  /** Values outside the model's support, by quantity. */
  outOfRange = new Map<string, number>();
  /** Index of the `escalation` intent (−1 when the config has none). */
  #escalationIntent: number;

  /**
   * Empty observations, sized for the dataset's config and counts.
   *
   * @param c Effective config of the dataset; @param sessions, users its counts.
   */
  constructor(c: Config, sessions: number, users: number) {
    this.c = c;
    const ni = c.intents.length, nc = c.channels.length;
    this.#escalationIntent = c.intents.findIndex((i) =>
      i.name === "escalation"
    );
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
    this.maxRun = new Uint8Array(sessions);
    this.hasEscalation = new Uint8Array(sessions);
    this.lastFallback = new Uint8Array(sessions);
    this.turnsSeen = new Uint32Array(sessions);
    this.turnCounts = new Float64Array(c.turns.count.max + 1);
    this.channelByDevice = c.population.devices.map(() => new Float64Array(nc));
    this.sessionsPerUser = new Uint32Array(users);
    this.deviceCounts = new Float64Array(c.population.devices.length);
    this.countryCounts = new Float64Array(c.population.countries.length);
    this.ageCounts = new Float64Array(
      c.population.age.max - c.population.age.min + 1,
    );
    this.tenureCounts = new Float64Array(c.population.tenure_days.max_days + 1);
  }

  #outside(what: string): void {
    this.outOfRange.set(what, (this.outOfRange.get(what) ?? 0) + 1);
  }

  /** Add one turn; turns of a session must come in order. */
  turn(t: TurnObs): void {
    this.turns++;
    if (
      !Number.isInteger(t.intent) || t.intent < 0 ||
      t.intent >= this.intentCounts.length ||
      !(t.confidence >= 0 && t.confidence <= 1) ||
      !Number.isInteger(t.latencyMs) || !Number.isInteger(t.thinkMs)
    ) {
      return this.#outside("turn values");
    }
    this.intentCounts[t.intent]++;
    if (t.fallback) this.fallbacksByIntent[t.intent]++;
    const grid = Math.round(t.confidence * 1e4);
    this.confBins[t.intent].add(grid);
    sample(this.confSample[t.intent], t.confidence);
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
    const s = t.session - 1;
    if (s < 0 || s >= this.maxRun.length) return this.#outside("session_key");
    this.turnsSeen[s]++;
    // Consecutive fallbacks: lastFallback holds the current run (0 = last turn answered).
    const current = t.fallback
      ? Math.min(255, (t.turnNumber === 1 ? 0 : this.lastFallback[s]) + 1)
      : 0;
    this.lastFallback[s] = current;
    if (current > this.maxRun[s]) this.maxRun[s] = current;
    if (t.intent === this.#escalationIntent) {
      this.hasEscalation[s] = 1;
    }
  }

  /** Add one session (after all turns, when turns and sessions come from separate files). */
  session(o: SessionObs): void {
    const c = this.c;
    this.sessions++;
    const tc = o.turnCount;
    if (tc >= 1 && tc < this.turnCounts.length) this.turnCounts[tc]++;
    else this.#outside("turn_count");
    this.hours[Number(o.startTs.slice(11, 13))]++;
    const day = Math.floor(Date.parse(o.startTs.slice(0, 10)) / 86_400_000);
    this.weekdays[(((day + 3) % 7) + 7) % 7]++;
    if (o.device >= 0 && o.device < this.channelByDevice.length) {
      this.channelByDevice[o.device][o.channel]++;
    } else this.#outside("device");
    if (o.user >= 0 && o.user < this.sessionsPerUser.length) {
      this.sessionsPerUser[o.user]++;
    } else this.#outside("user_key");

    const s = c.outcomes.sentiment;
    const mean = sentimentMean(c, o.meanConfidence, o.fallbackRate);
    this.sentimentMoments.add(o.sentimentScore);
    if (o.sentimentScore > -1 && o.sentimentScore < 1) {
      const u = sentimentPit(c, o.sentimentScore, mean);
      this
        .pitBins[
          Math.min(PIT_BINS - 1, Math.max(0, Math.floor(u * PIT_BINS)))
        ]++;
    } else this.sentimentClamped++;
    const label = o.sentimentScore < -s.label_cutoff
      ? "negative"
      : o.sentimentScore > s.label_cutoff
      ? "positive"
      : "neutral";
    if (label !== o.sentimentLabel) this.sentimentLabelErrors++;
    if (o.satisfaction >= 1 && o.satisfaction <= 5) {
      this.satisfactionObserved[o.satisfaction - 1]++;
    } else this.#outside("satisfaction");
    this.satisfactionMoments.add(o.satisfaction);
    const p = satisfactionProbs(c, o.sentimentScore, o.escalated);
    for (let k = 0; k < 5; k++) this.satisfactionExpected[k] += p[k];

    const i = o.session - 1;
    if (i >= 0 && i < this.maxRun.length) {
      const expectEscalated = this.hasEscalation[i] === 1 ||
        this.maxRun[i] >= c.outcomes.escalation_consecutive_fallbacks;
      if (expectEscalated !== o.escalated || this.turnsSeen[i] !== tc) {
        this.escalationErrors++;
      }
      if (o.escalated) this.escalatedCount++;
      const eligible = !o.escalated && this.lastFallback[i] === 0;
      if (eligible) {
        this.resolutionEligible++;
        if (o.resolved) this.resolvedEligible++;
      } else if (o.resolved) this.resolvedIneligible++;
    }
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
    }
    if (u.device >= 0 && u.device < this.deviceCounts.length) {
      this.deviceCounts[u.device]++;
    } else this.#outside("device");
    if (u.country >= 0 && u.country < this.countryCounts.length) {
      this.countryCounts[u.country]++;
    } else this.#outside("country");
    if (u.age >= p.age.min && u.age <= p.age.max) {
      this.ageCounts[u.age - p.age.min]++;
    } else this.#outside("age");
    if (u.tenureDays >= 0 && u.tenureDays <= p.tenure_days.max_days) {
      this.tenureCounts[u.tenureDays]++;
    } else this.#outside("tenure_days");
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
