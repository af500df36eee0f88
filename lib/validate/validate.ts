/**
 * `validate`: statistical evidence that a dataset follows its configured model
 * (docs/design.md §8; the original brief's validation evidence, §9.1).
 *
 * Every modelled quantity is tested against the distribution the config implies:
 * chi-square goodness of fit for categorical and binned quantities, one-sample
 * Kolmogorov–Smirnov (on the first 5,000 values) for continuous ones, exact binomial
 * tests for rates; a continuous value is tested as stored, against the distribution
 * of its rounded value. The p-values form one family, adjusted with Holm's method at a
 * family-wise level of 1%: a correct generator fails with probability at most 1% per
 * dataset. Deterministic rules are checked exactly on every row: key order, the
 * timestamp identities, every session aggregate against its recomputation from the
 * turns, keys resolving in their dimensions, dimension tables equal to what the
 * config defines, fact values in their column's format, unique dim_user e-mails, no
 * duplicate sessions, the dialogue acts turn by turn (greetings, closings, clarify,
 * rephrase, handoff and escalation, goal coherence), resolution eligibility,
 * sentiment labels, each session's language (its user's), values inside the model's support. The dialogue model's
 * quantities are tested against the exact enumeration of its chain: the goal mix,
 * the turn-count distribution, intent shares and same-intent pairs by ratio z-tests
 * with the variance by session (turns are clustered in sessions), distinct intents,
 * escalation, handoffs, greetings and closings. The
 * files read are hashed as they are read and compared with the manifest. The original
 * brief's quality figures are reported separately and do not decide pass or fail.
 *
 * @module
 */
import { type Config, type Format, WEEKDAYS } from "../config/schema.ts";
import { readManifest, VALIDATION_FILES } from "../manifest/read_manifest.ts";
import { modelTargets } from "../model/expected.ts";
import {
  binomial,
  chiSquare,
  holm,
  ksTestGrid,
  meanZTest,
  ratioZTest,
  stratifiedChiSquare,
  sumOfBinomialsZTest,
  type TestResult,
} from "./gof.ts";
import { countryZones } from "../model/derived.ts";
import {
  activityPmf,
  agePmf,
  confidenceGridCdf,
  fallbackRates,
  latencyGridCdf,
  localStartCellProbs,
  normalize,
  tenurePmf,
  thinkGridCdf,
} from "./targets.ts";
import {
  Moments,
  type Observations,
  type RuleId,
  RULES,
} from "./observations.ts";
import { factFolder, type FileRead, readDataset } from "./read_dataset.ts";
import {
  BackgroundHashes,
  type FileDigestResult,
} from "../manifest/background_hash.ts";
import { UsageError } from "../errors.ts";
import { manifestInputs } from "../manifest/inputs.ts";
import { counted, inFolder } from "../wording.ts";
import { brokenLink } from "../symlinks.ts";
import { notOurReportReason, REPORT_TITLE } from "./report_files.ts";

/**
 * Largest dataset `validate` reads: it keeps 8 bytes per session (a hash for the
 * duplicate check) and 7 bytes per user.
 */
export const MAX_VALIDATE_SESSIONS = 500_000_000;

/** Family-wise significance level. */
export const ALPHA = 0.01;

/** One statistical check. */
export interface Check extends TestResult {
  /** What is tested, e.g. "latency_ms | channel=messenger". */
  quantity: string;
  /** The configured target, in words and numbers. */
  target: string;
  /** What was observed, in words and numbers. */
  observed: string;
  /** Holm-adjusted p-value. */
  pAdjusted: number;
  /** Whether the check passed: skipped, or a Holm-adjusted p-value ≥ {@linkcode ALPHA}. */
  pass: boolean;
}

/** One exact (deterministic) rule. */
export interface RuleCheck {
  /** The rule, in words. */
  rule: string;
  /** Sessions or values breaking the rule, count. */
  violations: number;
  /** Whether the rule holds everywhere (no violation). */
  pass: boolean;
}

/** One of the original brief's quality figures (docs/design.md §9.1). */
export interface QualityFigure {
  /** What the figure is, e.g. "fallback rate". */
  figure: string;
  /** The figure as the original brief states it, in words. */
  seed: string;
  /** What the config implies for it, in numbers or words. */
  configured: string;
  /** What the dataset shows. */
  observed: string;
  /** Whether the observed value is within `qualityFigures`' tolerance of the brief's figure. */
  consistentWithSeed: boolean;
}

/** One file `validate` read, compared with the manifest's record of it. */
export interface FileChecked extends FileRead {
  /**
   * "matches" when size and SHA-256 equal the manifest's, "differs" when not, "not in
   * the manifest" when the manifest does not list it.
   */
  manifest: "matches" | "differs" | "not in the manifest";
}

/** The validation report (written as validation.json and validation.md). */
export interface ValidationReport {
  /**
   * The dataset tested: the manifest's fingerprint, seed and counts, and the files
   * read with the SHA-256 of the bytes read. `differs` lists the files read whose bytes
   * are not what the manifest records: the report then describes the files as read,
   * not the dataset the fingerprint names (`verify` checks integrity). `notRead`
   * lists the manifest's files that validate did not read (it tests one
   * representation; `verify` checks that the others are the ones generated).
   */
  dataset: {
    fingerprint: string;
    seed: number;
    sessions: number;
    users: number;
    turns: number;
    source: string;
    files: FileChecked[];
    differs: string[];
    notRead: string[];
  };
  /** How it was tested: family-wise level, p-value correction, tests of continuous quantities. */
  method: {
    alpha: number;
    correction: string;
    continuous: string;
  };
  /** Every statistical check, with its Holm-adjusted p-value. */
  checks: Check[];
  /** The deterministic rules. */
  rules: RuleCheck[];
  /** The original brief's quality figures (reported, not tested). */
  quality: QualityFigure[];
  /** Whether every check and every rule passed. */
  pass: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const pct4 = (x: number) => `${(x * 100).toFixed(4)}%`;
const f3 = (x: number) => x.toFixed(3);
const f4 = (x: number) => x.toFixed(4);

function probsText(names: string[], p: ArrayLike<number>): string {
  return names.map((n, i) => `${n} ${pct(p[i])}`).join(", ");
}

function shares(counts: ArrayLike<number>): number[] {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  return Array.from(counts, (c) => (n ? c / n : 0));
}

function discreteMoments(
  values: number[],
  probs: number[],
): { mean: number; variance: number } {
  let m = 0, m2 = 0;
  values.forEach((v, i) => {
    m += v * probs[i];
    m2 += v * v * probs[i];
  });
  return { mean: m, variance: m2 - m * m };
}

/**
 * "mean …, variance …" of some values, saying in words what cannot be computed: no
 * values at all, or a single value (the sample variance needs two). Never "NaN".
 */
function momentsText(
  mo: Moments,
  mean: (x: number) => string,
  variance?: (x: number) => string,
  unit = "",
): string {
  if (mo.n === 0) return "no values observed";
  const m = `mean ${mean(mo.mean)}${unit}`;
  if (variance === undefined) return m;
  return mo.n > 1
    ? `${m}, variance ${variance(mo.variance)}`
    : `${m}, no variance from a single value`;
}

function histMoments(start: number, counts: ArrayLike<number>): Moments {
  const mo = new Moments();
  for (let i = 0; i < counts.length; i++) {
    mo.addRepeated(start + i, counts[i]);
  }
  return mo;
}

/** A statistical check before Holm's adjustment: no `pAdjusted` or `pass` yet. */
export type Pending = Omit<Check, "pAdjusted" | "pass">;

/** Adds one statistical check: what is tested, the result, the target, what was seen. */
type AddCheck = (
  quantity: string,
  r: TestResult,
  target: string,
  observed: string,
) => void;

/** How the dialogue model's expectations are computed, as the targets say it. */
const EXACT = "exact enumeration of the dialogue model";

/**
 * Build every statistical check from the observations, in report order: categorical
 * mixes, user attributes, dialogue, activity, local time, confidence and fallbacks,
 * timings, outcomes.
 */
export function buildChecks(c: Config, o: Observations): Pending[] {
  const out: Pending[] = [];
  const add: AddCheck = (quantity, r, target, observed) => {
    out.push({ quantity, ...r, target, observed });
  };
  mixChecks(add, c, o);
  userChecks(add, c, o);
  dialogueChecks(add, c, o);
  activityCheck(add, c, o);
  localTimeChecks(add, c, o);
  confidenceChecks(add, c, o);
  timingChecks(add, c, o);
  outcomeChecks(add, c, o);
  return out;
}

/** Session goal, intent shares of turns, device, country, channel given device. */
function mixChecks(add: AddCheck, c: Config, o: Observations): void {
  const e = o.expected;
  const intentNames = c.intents.map((i) => i.name);
  const goalP = c.intents.map((i) => i.goal_probability ?? 0);
  add(
    "session goal (goal_intent_key, per session)",
    chiSquare(o.goalCounts, goalP, false),
    `goal_probability (sessions are independent): ${
      probsText(intentNames, goalP)
    }`,
    probsText(intentNames, shares(o.goalCounts)),
  );
  c.intents.forEach((intent, i) => {
    const r0 = e.intentTurns[i] / e.meanTurns;
    add(
      `intent share | intent=${intent.name} (turns, clustered by session)`,
      ratioZTest(
        o.intentCounts[i],
        o.dialogueTurns,
        r0,
        o.intentClusterSq[i],
        o.sessions,
      ),
      `${pct4(r0)} of turns = E[its turns per session] ${
        f4(e.intentTurns[i])
      } / E[turns] ${f4(e.meanTurns)} (${EXACT})`,
      `${pct4(o.intentCounts[i] / Math.max(1, o.dialogueTurns))} of ${
        counted(o.dialogueTurns, "turn")
      }`,
    );
  });
  const devNames = c.population.devices.map((d) => d.name);
  const devP = c.population.devices.map((d) => d.probability);
  add(
    "device (per user)",
    chiSquare(o.deviceCounts, devP, false),
    probsText(devNames, devP),
    probsText(devNames, shares(o.deviceCounts)),
  );
  const ctyNames = c.population.countries.map((d) => d.code);
  const ctyP = c.population.countries.map((d) => d.probability);
  add(
    "country (per user)",
    chiSquare(o.countryCounts, ctyP, false),
    probsText(ctyNames, ctyP),
    probsText(ctyNames, shares(o.countryCounts)),
  );
  const chNames = c.channels.map((x) => x.name);
  c.population.devices.forEach((d, i) => {
    const row = chNames.map((
      n,
    ) => (Object.hasOwn(c.channel_given_device[d.name], n)
      ? c.channel_given_device[d.name][n]
      : 0)
    );
    add(
      `channel | device=${d.name} (per session)`,
      chiSquare(o.channelByDevice[i], row, false),
      probsText(chNames, row),
      probsText(chNames, shares(o.channelByDevice[i])),
    );
  });
}

/** Age and tenure against their truncated, floored distributions. */
function userChecks(add: AddCheck, c: Config, o: Observations): void {
  const ageP = agePmf(c);
  const ages = ageP.map((_, i) => c.population.age.min + i);
  const ageM = discreteMoments(ages, ageP);
  const ageObs = histMoments(c.population.age.min, o.ageCounts);
  add(
    "age (per user, years)",
    chiSquare(o.ageCounts, ageP, true),
    `floor of Normal(${c.population.age.mean}, ${c.population.age.sd}) on [${c.population.age.min}, ${
      c.population.age.max + 1
    }): mean ${f3(ageM.mean)}, variance ${f3(ageM.variance)}`,
    momentsText(ageObs, f3, f3),
  );
  const tenP = tenurePmf(c);
  const tenM = discreteMoments(tenP.map((_, i) => i), tenP);
  const tenObs = histMoments(0, o.tenureCounts);
  const t = c.population.tenure_days;
  add(
    "tenure_days (per user)",
    chiSquare(o.tenureCounts, tenP, true),
    `floor of Lognormal(${t.mu}, ${t.sigma}) on 0..${t.max_days}: mean ${
      f3(tenM.mean)
    }, variance ${f3(tenM.variance)}`,
    momentsText(tenObs, f3, f3),
  );
}

/** Turns per session, intent continuity, distinct intents, per-session shares. */
function dialogueChecks(add: AddCheck, c: Config, o: Observations): void {
  const e = o.expected;
  const turnP = Array.from(e.turnPmf);
  const turnM = discreteMoments(turnP.map((_, i) => i + 1), turnP);
  const turnObs = histMoments(1, o.turnCounts.subarray(1));
  add(
    "turns per session",
    chiSquare(o.turnCounts.subarray(1), turnP, true),
    `the dialogue model's turn-count distribution on 1..${c.turns.count.max} (${EXACT}): mean ${
      f4(turnM.mean)
    }, variance ${f4(turnM.variance)}`,
    momentsText(turnObs, f3, f3),
  );
  const p0 = e.taskPairs > 0 ? e.sameIntentPairs / e.taskPairs : 0;
  add(
    "same intent as the previous task turn (task turns after a task turn, clustered by session)",
    ratioZTest(
      o.sameIntentPairs,
      o.taskPairs,
      p0,
      o.sameIntentClusterSq,
      o.sessions,
    ),
    `${pct4(p0)} = E[same-intent pairs] ${f4(e.sameIntentPairs)} / E[pairs] ${
      f4(e.taskPairs)
    } per session (${EXACT})`,
    `${pct4(o.sameIntentPairs / Math.max(1, o.taskPairs))} of ${
      counted(o.taskPairs, "pair")
    }`,
  );
  add(
    "distinct task intents per session",
    meanZTest(
      o.distinctIntents.n,
      o.distinctIntents.mean,
      o.distinctIntents.variance,
      e.distinctTaskIntents,
      // None (a greeting handed off before any goal) up to two (one switch).
      { min: 0, max: 2 },
    ),
    `mean ${f4(e.distinctTaskIntents)} (${EXACT})`,
    momentsText(o.distinctIntents, f4, f4),
  );
  const sessionShare = (
    quantity: string,
    x: number,
    p: number,
    what: string,
  ) =>
    add(
      quantity,
      binomial(x, o.sessions, p),
      `${pct4(p)} of sessions: ${what} (${EXACT})`,
      `${pct4(x / Math.max(1, o.sessions))} (${
        counted(x, "session")
      } of ${o.sessions})`,
    );
  sessionShare(
    "escalated (per session)",
    o.escalatedCount,
    e.escalated,
    "P(the bot hands off)",
  );
  sessionShare(
    "handoff after consecutive fallbacks (per session)",
    o.handoffAfterFallbacks,
    e.handoffAfterFallbacks,
    `P(${c.outcomes.escalation_consecutive_fallbacks} fallbacks in a row)`,
  );
  sessionShare(
    "greeting on turn 1 (per session)",
    o.greetSessions,
    e.greetTurns,
    "E[greeting turns]",
  );
  sessionShare(
    "closing turn, thank or goodbye (per session)",
    o.closeSessions,
    e.closeTurns,
    "E[closing turns]",
  );
}

/** Sessions per user against the Poisson–Gamma (negative binomial) model. */
function activityCheck(add: AddCheck, c: Config, o: Observations): void {
  let maxCount = 0;
  for (const v of o.sessionsPerUser) if (v > maxCount) maxCount = v;
  const actHist = new Float64Array(maxCount + 2);
  for (const v of o.sessionsPerUser) actHist[v]++;
  const actP = activityPmf(c, maxCount + 1);
  const mu = c.sessions / c.users, k = c.population.activity_shape;
  const actObs = histMoments(0, actHist);
  add(
    "sessions per user (activity)",
    chiSquare(actHist, actP, true),
    `negative binomial (Gamma(${k}) weights): mean ${f3(mu)}, variance ${
      f3(mu + mu * mu / k)
    } (Poisson–Gamma approximation)`,
    `${momentsText(actObs, f3, f3)}, users without sessions ${
      pct(actHist[0] / Math.max(1, o.sessionsPerUser.length))
    }`,
  );
}

/** Local start hour, weekday and both, stratified by time zone; zone per country. */
function localTimeChecks(add: AddCheck, c: Config, o: Observations): void {
  // Local time of day: one stratum per time zone, each against the exact local
  // weekday × hour probabilities of its zone given its own session count.
  const wdNames = [...WEEKDAYS];
  const zoneP = o.zones.map((z) => localStartCellProbs(c, z));
  const marginal = (cells: ArrayLike<number>, hours: boolean) => {
    const m = new Array(hours ? 24 : 7).fill(0);
    for (let i = 0; i < 168; i++) {
      m[hours ? i % 24 : Math.floor(i / 24)] += cells[i];
    }
    return m;
  };
  const strataText = `${
    counted(o.zones.length, "time zone")
  } as strata, each against the exact probabilities of its zone (15-minute UTC cells enumerated, daylight saving time included) given its own sessions; X² and degrees of freedom summed over the zones`;
  const pooledObs = new Array(168).fill(0), pooledExp = new Array(168).fill(0);
  o.localCells.forEach((cells, z) => {
    const nz = cells.reduce((a, b) => a + b, 0);
    for (let i = 0; i < 168; i++) {
      pooledObs[i] += cells[i];
      pooledExp[i] += nz * zoneP[z][i];
    }
  });
  const hoursObs = marginal(pooledObs, true);
  add(
    "session start hour (local time)",
    stratifiedChiSquare(o.localCells.map((cells, z) => ({
      observed: marginal(cells, true),
      probs: marginal(zoneP[z], true),
    }))),
    `hour_weights in each user's local time: ${strataText}`,
    `peak local hour ${
      hoursObs.indexOf(Math.max(...hoursObs))
    }, sessions 00:00–05:59 local ${
      pct(
        hoursObs.slice(0, 6).reduce((a, b) => a + b, 0) /
          Math.max(1, o.sessions),
      )
    }`,
  );
  const wdExp = marginal(pooledExp, false);
  const wdTotal = wdExp.reduce((a, b) => a + b, 0);
  add(
    "session start weekday (local time)",
    stratifiedChiSquare(o.localCells.map((cells, z) => ({
      observed: marginal(cells, false),
      probs: marginal(zoneP[z], false),
    }))),
    `${strataText}; pooled ${
      probsText(wdNames, wdExp.map((e) => e / Math.max(1e-300, wdTotal)))
    }`,
    probsText(wdNames, shares(marginal(pooledObs, false))),
  );
  let worst = 0, worstCell = 0;
  pooledExp.forEach((e, i) => {
    const z = e > 0 ? Math.abs(pooledObs[i] - e) / Math.sqrt(e) : 0;
    if (z > worst) [worst, worstCell] = [z, i];
  });
  add(
    "session start weekday × hour (local time)",
    stratifiedChiSquare(o.localCells.map((cells, z) => ({
      observed: cells,
      probs: zoneP[z],
    }))),
    `168 local cells per zone: ${strataText}`,
    `largest deviation (all zones) ${wdNames[Math.floor(worstCell / 24)]} ${
      worstCell % 24
    }h: ${counted(pooledObs[worstCell], "session")}, expected ${
      pooledExp[worstCell].toFixed(1)
    }`,
  );
  c.population.countries.forEach((ctry, i) => {
    const zones = countryZones(ctry);
    if (zones.length < 2) return;
    const total = zones.reduce((a, z) => a + z.weight, 0);
    const zp = zones.map((z) => z.weight / total);
    const names = zones.map((z) => z.zone);
    add(
      `time zone | country=${ctry.code} (per user)`,
      chiSquare(o.zoneCounts[i], zp, false),
      probsText(names, zp),
      probsText(names, shares(o.zoneCounts[i])),
    );
  });
}

/** Confidence and fallback rate per intent, and the overall fallback rate. */
function confidenceChecks(add: AddCheck, c: Config, o: Observations): void {
  const rates = fallbackRates(c);
  c.intents.forEach((intent, i) => {
    const { alpha, beta } = intent.confidence;
    const m = alpha / (alpha + beta);
    const v = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1));
    const mo = o.confMoments[i];
    const target = `Beta(${alpha}, ${beta}): mean ${f3(m)}, variance ${
      v.toFixed(5)
    }`;
    const obs = momentsText(mo, f3, (x) => x.toFixed(5));
    const b = o.confBins[i];
    add(
      `confidence | intent=${intent.name}`,
      chiSquare(b.counts, b.probs, true),
      target,
      obs,
    );
    add(
      `confidence | intent=${intent.name}`,
      ksTestGrid(o.confSample[i], confidenceGridCdf(c, i)),
      target,
      obs,
    );
    add(
      `fallback rate | intent=${intent.name}`,
      binomial(o.fallbacksByIntent[i], o.intentCounts[i], rates[i]),
      `${
        pct(rates[i])
      } (confidence < ${c.fallback.threshold} + Normal(0, ${c.fallback.noise_sd}))`,
      `${pct(o.fallbacksByIntent[i] / Math.max(1, o.intentCounts[i]))} of ${
        o.intentCounts[i]
      }`,
    );
  });
  // Overall: a sum of binomials with the observed intent mix; normal approximation.
  let ex = 0, x = 0, n = 0;
  rates.forEach((r, i) => {
    ex += o.intentCounts[i] * r;
    x += o.fallbacksByIntent[i];
    n += o.intentCounts[i];
  });
  add(
    "fallback rate (all turns)",
    sumOfBinomialsZTest(o.fallbacksByIntent, o.intentCounts, rates),
    `${pct(n ? ex / n : 0)} given the observed intent mix`,
    `${pct(n ? x / n : 0)}`,
  );
}

/** Latency per channel and think time: binned chi-square and grid KS. */
function timingChecks(add: AddCheck, c: Config, o: Observations): void {
  const lm = Math.exp(c.latency_ms.mu + c.latency_ms.sigma ** 2 / 2);
  c.channels.forEach((ch, i) => {
    const mo = o.latencyMoments[i];
    const target =
      `Lognormal(${c.latency_ms.mu}, ${c.latency_ms.sigma}) × ${ch.latency_multiplier}: mean ${
        (lm * ch.latency_multiplier).toFixed(1)
      } ms, median ${
        (Math.exp(c.latency_ms.mu) * ch.latency_multiplier).toFixed(1)
      } ms`;
    const obs = momentsText(mo, (x) => x.toFixed(1), undefined, " ms");
    const b = o.latencyBins[i];
    add(
      `latency_ms | channel=${ch.name}`,
      chiSquare(b.counts, b.probs, true),
      target,
      obs,
    );
    add(
      `latency_ms | channel=${ch.name}`,
      ksTestGrid(o.latencySample[i], latencyGridCdf(c, i)),
      target,
      obs,
    );
  });
  const th = c.turns.think_time_ms;
  const thTarget = `Lognormal(${th.mu}, ${th.sigma}): mean ${
    Math.exp(th.mu + th.sigma ** 2 / 2).toFixed(0)
  } ms, median ${Math.exp(th.mu).toFixed(0)} ms`;
  const thObs = momentsText(
    o.thinkMoments,
    (x) => x.toFixed(0),
    undefined,
    " ms",
  );
  add(
    "think_time_ms (turns ≥ 2)",
    chiSquare(o.thinkBins.counts, o.thinkBins.probs, true),
    thTarget,
    thObs,
  );
  add(
    "think_time_ms (turns ≥ 2)",
    ksTestGrid(o.thinkSample, thinkGridCdf(c)),
    thTarget,
    thObs,
  );
}

/** Sentiment, satisfaction and resolution given their drivers. */
function outcomeChecks(add: AddCheck, c: Config, o: Observations): void {
  add(
    "sentiment_score (given mean confidence and fallback rate)",
    chiSquare(
      o.sentimentObserved,
      normalize(Array.from(o.sentimentExpected)),
      true,
    ),
    `round(clamp(prediction + Normal(0, ${c.outcomes.sentiment.noise_sd}), −1, 1), 4 decimals): expected counts in 22 cells (−1, 20 of width 0.1, 1), summed over sessions`,
    `score ${momentsText(o.sentimentMoments, f3)}, ${
      counted(o.sentimentClamped, "session")
    } at ±1`,
  );
  const satP = normalize(Array.from(o.satisfactionExpected));
  add(
    "satisfaction (1..5, given sentiment and escalation)",
    chiSquare(o.satisfactionObserved, satP, true),
    `expected shares ${satP.map(pct).join(" / ")}`,
    `observed shares ${shares(o.satisfactionObserved).map(pct).join(" / ")}, ${
      momentsText(o.satisfactionMoments, f3)
    }`,
  );
  const rp = c.outcomes.resolution_probability;
  add(
    "resolved | eligible (not escalated, last turn answered)",
    binomial(o.resolvedEligible, o.resolutionEligible, rp),
    pct(rp),
    `${
      pct(o.resolvedEligible / Math.max(1, o.resolutionEligible))
    } of ${o.resolutionEligible}`,
  );
}

/** Rules in the order they are reported. */
const RULE_ORDER: RuleId[] = [
  "order",
  "timeOrder",
  "latency",
  "think",
  "span",
  "aggregates",
  "agree",
  "keys",
  "formats",
  "users",
  "localTime",
  "emails",
  "duplicates",
  "acts",
  "actIntent",
  "greet",
  "closing",
  "clarify",
  "rephrase",
  "goal",
  "escalation",
  "resolved",
  "sentimentLabel",
  "language",
];

/** The deterministic rules, from the violations the observations counted. */
export function buildRules(o: Observations): RuleCheck[] {
  const violations = o.violations;
  const rules: RuleCheck[] = RULE_ORDER.map((id) => ({
    rule: RULES[id],
    violations: violations[id],
    pass: violations[id] === 0,
  }));
  const support = [...o.outOfRange.values()].reduce((a, b) => a + b, 0);
  rules.push({
    rule: "every value inside the model's support",
    violations: support,
    pass: support === 0,
  });
  return rules;
}

/** The original brief's quality figures, reported next to what the config implies. */
export function qualityFigures(
  c: Config,
  o: Observations,
  turns: number,
): QualityFigure[] {
  const t = modelTargets(c);
  let fb = 0;
  for (const v of o.fallbacksByIntent) fb += v;
  const meanTurns = turns / Math.max(1, o.sessions);
  const fallback = fb / Math.max(1, turns);
  const sat = o.satisfactionMoments.mean;
  // Expected mean latency with channel multipliers: channel mix from the config.
  const chMix = c.channels.map((ch) =>
    c.population.devices.reduce(
      (a, d) =>
        a +
        d.probability * (Object.hasOwn(c.channel_given_device[d.name], ch.name)
            ? c.channel_given_device[d.name][ch.name]
            : 0),
      0,
    )
  );
  const mult = c.channels.reduce(
    (a, ch, i) => a + chMix[i] * ch.latency_multiplier,
    0,
  );
  let latSum = 0, latN = 0;
  for (const m of o.latencyMoments) {
    latSum += m.sum;
    latN += m.n;
  }
  return [
    {
      figure: "mean turns per session",
      seed: "≈ 7",
      configured: f3(t.meanTurns),
      observed: f3(meanTurns),
      consistentWithSeed: Math.abs(meanTurns - 7) <= 0.5,
    },
    {
      figure: "fallback rate",
      seed: "≈ 8% (5–10% per intent)",
      configured: pct(t.overallFallbackRate),
      observed: pct(fallback),
      consistentWithSeed: fallback >= 0.065 && fallback <= 0.095,
    },
    {
      figure: "mean satisfaction (1–5)",
      seed: "centred around 3–4",
      configured: "derived from sentiment (see the satisfaction check)",
      observed: o.satisfactionMoments.n ? f3(sat) : "no values observed",
      consistentWithSeed: sat >= 3 && sat <= 4,
    },
    {
      figure: "latency median, ms",
      seed: "≈ 735 (μ = 6.6)",
      configured: `${t.latencyMedianMs.toFixed(1)} before channel multipliers`,
      observed: latN
        ? `${o.latencyMedian()} with channel multipliers`
        : "no values observed",
      consistentWithSeed:
        Math.abs(o.latencyMedian() / (t.latencyMedianMs * mult) - 1) < 0.05,
    },
    {
      figure: "latency mean, ms",
      seed:
        "≈ 900–1050 (not reachable with σ = 0.35: its mean is e^(μ + σ²/2))",
      configured: `${t.latencyMeanMs.toFixed(1)} before channel multipliers, ${
        (t.latencyMeanMs * mult).toFixed(1)
      } with the configured channel mix`,
      observed: latN ? (latSum / latN).toFixed(1) : "no values observed",
      consistentWithSeed: false,
    },
    ...dialogueFigures(c, o),
  ];
}

/**
 * The dialogue model's coherence figures (docs/design.md §3.13), reported next to the
 * exact values of the chain. Not in the original brief: `consistentWithSeed` says
 * whether the observed figure is within 0.05 (shares) or 0.1 (intents) of the exact
 * value, or equal to it for the structural figures that must hold on every row.
 */
function dialogueFigures(c: Config, o: Observations): QualityFigure[] {
  const e = o.expected;
  const dialogue = "not in the brief (dialogue model)";
  const p0 = e.taskPairs > 0 ? e.sameIntentPairs / e.taskPairs : 0;
  const same = o.sameIntentPairs / Math.max(1, o.taskPairs);
  const greetFirst = o.greetTurns ? o.greetFirst / o.greetTurns : 1;
  const closeLast = o.closeTurns ? o.closeLast / o.closeTurns : 1;
  const withHandoff = o.escalatedCount
    ? o.escalatedWithHandoff / o.escalatedCount
    : 1;
  const distinct = o.distinctIntents.mean;
  return [
    {
      figure: "P(a task turn has the intent of the previous task turn)",
      seed: dialogue,
      configured: `${pct(p0)} (exact)`,
      observed: o.taskPairs
        ? `${pct(same)} of ${counted(o.taskPairs, "pair")}`
        : "no pairs observed",
      consistentWithSeed: Math.abs(same - p0) <= 0.05,
    },
    {
      figure: "distinct task intents per session",
      seed: dialogue,
      configured: `${f3(e.distinctTaskIntents)} (exact; at most ${
        c.dialogue.switch_probability > 0 ? 2 : 1
      })`,
      observed: o.distinctIntents.n ? f3(distinct) : "no values observed",
      consistentWithSeed: Math.abs(distinct - e.distinctTaskIntents) <= 0.1,
    },
    {
      figure: "greetings on turn 1",
      seed: dialogue,
      configured: "100% (greeting sessions: " + pct(e.greetTurns) + ")",
      observed: `${pct(greetFirst)} of ${counted(o.greetTurns, "greeting")}`,
      consistentWithSeed: greetFirst === 1,
    },
    {
      figure: "thank or goodbye on the last turn",
      seed: dialogue,
      configured: "100% (closing sessions: " + pct(e.closeTurns) + ")",
      observed: `${pct(closeLast)} of ${counted(o.closeTurns, "closing")}`,
      consistentWithSeed: closeLast === 1,
    },
    {
      figure: "bot turns after a handoff",
      seed: dialogue,
      configured: "0",
      observed: String(o.turnsAfterHandoff),
      consistentWithSeed: o.turnsAfterHandoff === 0,
    },
    {
      figure: "escalated sessions ending in a handoff",
      seed: dialogue,
      configured: `100% (escalated: ${pct(e.escalated)} of sessions)`,
      observed: `${pct(withHandoff)} of ${
        counted(o.escalatedCount, "escalated session")
      }`,
      consistentWithSeed: withHandoff === 1,
    },
  ];
}

/** Options of {@linkcode validateDataset}. */
export interface ValidateOptions {
  /**
   * Hash the manifest's files that validate does not read on a second thread while
   * it reads the others ({@linkcode Evidence.others}; for `report.html`'s
   * fingerprint).
   */
  hashOthers?: boolean;
  /**
   * Test against this config instead of the manifest's parameters (for tests that
   * validate a dataset against a model it was not generated from).
   */
  againstConfig?: Config;
}

/**
 * Validate a dataset folder against its configured model.
 *
 * @param dir Dataset folder (with `manifest.json`).
 * @throws {UsageError} When the manifest or a needed file is unusable.
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const r = await validateDataset(out);
 *   // The exact rules hold on every dataset chatsynth writes, however small.
 *   const broken = r.rules.filter((rule) => !rule.pass);
 *   if (broken.length) throw new Error(JSON.stringify(broken));
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function validateDataset(
  dir: string,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  return (await validateWithEvidence(dir, opts)).report;
}

/** What the report's figures are drawn from: the model tested and the counts read. */
export interface Evidence {
  /** The effective config the dataset was tested against (counts of the manifest). */
  config: Config;
  /** Everything `validate` counted while reading the dataset. */
  obs: Observations;
  /**
   * With {@linkcode ValidateOptions.hashOthers}: the digests of the manifest's files
   * outside the folder validate reads, hashed on a second thread meanwhile.
   */
  others?: Promise<Map<string, FileDigestResult>>;
}

/**
 * {@linkcode validateDataset}, also returning the config and observations the
 * report's figures are drawn from (`report.html`, lib/validate/evidence.ts).
 *
 * @param dir Dataset folder (with `manifest.json`).
 * @throws {UsageError} When the manifest or a needed file is unusable.
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const argv = ["generate", "-q", "--sessions", "5", "--users", "2", "--out", `${dir}/d`];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const { report, evidence } = await validateWithEvidence(`${dir}/d`);
 *   if (evidence.obs.sessions !== report.dataset.sessions) throw new Error("5 sessions read");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function validateWithEvidence(
  dir: string,
  opts: ValidateOptions = {},
): Promise<{ report: ValidationReport; evidence: Evidence }> {
  if (!opts.hashOthers) return await validateRead(dir, opts);
  const { manifest } = readManifest(dir);
  const folder = factFolder(manifest.formats as Format[]);
  const hashes = new BackgroundHashes(
    dir,
    folder === undefined
      ? []
      : manifest.files.map((f) => f.path).filter((p) =>
        !p.startsWith(`${folder}/`)
      ),
  );
  try {
    const done = await validateRead(dir, opts);
    done.evidence.others = hashes.results();
    return done;
  } catch (e) {
    hashes.stop();
    throw e;
  }
}

/** {@linkcode validateWithEvidence} but the files it does not read. */
async function validateRead(
  dir: string,
  opts: ValidateOptions,
): Promise<{ report: ValidationReport; evidence: Evidence }> {
  const { manifest: m } = readManifest(dir);
  if (m.sessions > MAX_VALIDATE_SESSIONS) {
    throw new UsageError(
      `Cannot validate "${dir}": ${m.sessions} sessions is more than validate holds per-session flags for (${MAX_VALIDATE_SESSIONS})`,
    );
  }
  const inputs = manifestInputs(m);
  let config: Config;
  if (opts.againstConfig) config = opts.againstConfig;
  else if (inputs.config) config = inputs.config;
  else {
    throw new UsageError(
      `Cannot validate "${dir}": ${inputs.problems.join("; ")}`,
    );
  }
  config = { ...config, sessions: m.sessions, users: m.users };
  const { obs, source, files, dimensions, agreement } = await readDataset(
    dir,
    config,
    m.formats as Format[],
    m.sessions,
    m.users,
    // Manifests from before the Parquet encoding record no encodings: text only.
    m.parameters.encodings ?? ["text"],
  );
  const pending = buildChecks(config, obs);
  // The family is the checks that ran: a skipped check (p = 1 placeholder) would only
  // make Holm's correction stricter than the number of tests performed warrants.
  const ran = pending.flatMap((p, i) => p.skipped === undefined ? [i] : []);
  const adjusted = new Array<number>(pending.length).fill(1);
  holm(ran.map((i) => pending[i].pValue)).forEach((q, k) => {
    adjusted[ran[k]] = q;
  });
  const checks: Check[] = pending.map((p, i) => ({
    ...p,
    pAdjusted: adjusted[i],
    pass: p.skipped !== undefined || adjusted[i] >= ALPHA,
  }));
  const rules = buildRules(obs);
  if (dimensions) {
    rules.push({
      rule: `dimension tables but dim_user equal what the config defines (${
        counted(dimensions.tables, "table")
      } compared byte for byte${
        dimensions.first ? `; first difference: ${dimensions.first}` : ""
      })`,
      violations: dimensions.differing,
      pass: dimensions.differing === 0,
    });
  }
  if (agreement) {
    rules.push({
      rule: `encodings agree (${
        counted(agreement.files, "Parquet file")
      } decoded and compared row by row with the text files read${
        agreement.first ? `; first difference: ${agreement.first}` : ""
      })`,
      violations: agreement.differing,
      pass: agreement.differing === 0,
    });
  }
  rules.push({
    rule:
      "manifest inputs agree (config text, its SHA-256 and the recorded parameters)",
    violations: opts.againstConfig ? 0 : inputs.problems.length,
    pass: opts.againstConfig ? true : inputs.problems.length === 0,
  });
  const expected: [string, number, number][] = [
    ["sessions", obs.sessions, m.sessions],
    ["turns", obs.turns, m.counts.turns],
    ...(source.startsWith("raw")
      ? []
      : [["users", obs.users, m.users] as [string, number, number]]),
  ];
  for (const [what, seen, want] of expected) {
    rules.push({
      rule: `${what} read equal the manifest's count (${want})`,
      violations: Math.abs(seen - want),
      pass: seen === want,
    });
  }
  const recorded = new Map(m.files.map((f) => [f.path, f]));
  const checked: FileChecked[] = files.map((f) => {
    const r = recorded.get(f.path);
    return {
      ...f,
      manifest: !r
        ? "not in the manifest"
        : r.sha256 === f.sha256 && r.bytes === f.bytes
        ? "matches"
        : "differs",
    };
  });
  const report: ValidationReport = {
    dataset: {
      fingerprint: m.fingerprint,
      seed: m.seed,
      sessions: m.sessions,
      users: m.users,
      turns: obs.turns,
      source,
      files: checked,
      differs: checked.filter((f) => f.manifest !== "matches").map((f) =>
        f.path
      ),
      notRead: m.files.map((f) => f.path).filter((p) =>
        !files.some((f) => f.path === p)
      ),
    },
    method: {
      alpha: ALPHA,
      correction: "Holm (family-wise error rate) over all p-values",
      continuous:
        "Every continuous value is tested as stored, on its rounding grid: chi-square on 20 equiprobable bins of the exact discretized distribution (all values) and Kolmogorov-Smirnov against the discretized CDF (first 5,000 values; p-value from the continuous Kolmogorov distribution, conservative for discrete data)",
    },
    checks,
    rules,
    quality: qualityFigures(config, obs, obs.turns),
    pass: checks.every((c) => c.pass) && rules.every((r) => r.pass),
  };
  return { report, evidence: { config, obs } };
}

/**
 * A statistic or p-value for people: 4 decimals (tiny values in exponent form), `∞`
 * for an infinite chi-square (a value the model rules out was seen), and words, not
 * `NaN`, when nothing could be computed.
 */
export function statNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "not computable";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2);
  return x.toFixed(digits);
}

/**
 * The terminal summary of a report: one `FAIL` line per failed check or rule, one
 * `SKIP` line per skipped check with its reason, then the verdict line.
 *
 * @param r The report.
 * @returns Lines without line terminators; the last is the verdict, starting
 *   `validate: PASS` or `validate: FAIL`.
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const lines = validationSummary(await validateDataset(out));
 *   if (!/^validate: (PASS|FAIL)/.test(lines[lines.length - 1])) throw new Error(lines.join("\n"));
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function validationSummary(r: ValidationReport): string[] {
  const failed = r.checks.filter((c) => !c.pass);
  const skipped = r.checks.filter((c) => c.skipped !== undefined);
  const rulesFailed = r.rules.filter((x) => !x.pass);
  const ran = r.checks.length - skipped.length;
  return [
    ...failed.map((c) =>
      `FAIL  ${c.quantity}: ${c.test}, statistic ${
        statNumber(c.statistic)
      }, Holm p ${
        statNumber(c.pAdjusted)
      }; target ${c.target}; observed ${c.observed}`
    ),
    ...rulesFailed.map((x) =>
      `FAIL  ${x.rule}: ${counted(x.violations, "violation")}`
    ),
    ...skipped.map((c) =>
      `SKIP  ${c.quantity}: ${c.test} skipped, ${c.skipped} (n = ${c.n})`
    ),
    ...(r.dataset.differs.length
      ? [
        `files read differ from the manifest: ${
          r.dataset.differs.join(", ")
        }; the figures describe the files as read (integrity: run verify)`,
      ]
      : []),
    ...(r.dataset.notRead.length
      ? [
        `not read: ${
          counted(r.dataset.notRead.length, "data file")
        } of the manifest (${
          notReadSummary(r.dataset.notRead)
        }); validate tests one representation, verify checks that every file is the one generated`,
      ]
      : []),
    `validate: ${r.pass ? "PASS" : "FAIL"}, ${
      ran - failed.length
    }/${ran} statistical checks${
      skipped.length ? ` (${skipped.length} more skipped)` : ""
    } and ${
      r.rules.length - rulesFailed.length
    }/${r.rules.length} rules pass (Holm, family-wise 1%)`,
  ];
}

/** Files not read, shortened by folder: "raw/turns.jsonl, snowflake/ (16 files)". */
function notReadSummary(paths: string[]): string {
  const byFolder = new Map<string, string[]>();
  for (const p of paths) {
    const folder = p.includes("/") ? p.slice(0, p.indexOf("/") + 1) : "";
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), p]);
  }
  return [...byFolder].map(([folder, ps]) =>
    ps.length === 1 ? ps[0] : `${folder} (${counted(ps.length, "file")})`
  ).join(", ");
}

/** `validation.md`: the report for people. */
export function validationMarkdown(r: ValidationReport): string {
  const d = r.dataset;
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    REPORT_TITLE,
    "",
    `Result: **${
      r.pass ? "PASS" : "FAIL"
    }**. Dataset fingerprint \`${d.fingerprint}\` (from the manifest): seed ${d.seed}, ${
      counted(d.sessions, "session")
    }, ${counted(d.users, "user")}, ${
      counted(d.turns, "turn")
    } (read from ${d.source}).`,
    "",
    d.differs.length
      ? `**Files read differ from the manifest: ${
        d.differs.join(", ")
      }.** The figures describe the files as read, not the dataset the fingerprint names. Integrity is checked by \`verify\`.`
      : "Every file read has the size and SHA-256 the manifest records. (Integrity of the whole dataset is checked by `verify`.)",
    "",
    d.notRead.length
      ? `Not read (validate tests one representation; \`verify\` checks that every file is the one generated): ${
        d.notRead.join(", ")
      }.`
      : "Every data file of the manifest was read.",
    "",
    "| file read | bytes | SHA-256 | manifest |",
    "| --- | ---: | --- | --- |",
    ...d.files.map((f) =>
      `| ${f.path} | ${f.bytes} | \`${f.sha256}\` | ${f.manifest} |`
    ),
    "",
    `Method: each quantity against the distribution the configuration implies. ${r.method.continuous}. p-values adjusted by ${r.method.correction}; a check fails when its adjusted p-value is below ${r.method.alpha}.`,
    "",
    "## Statistical checks",
    "",
    "| quantity | test | statistic | df | n | p-value | Holm p | pass | target | observed |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ...r.checks.map((c) =>
      c.skipped !== undefined
        // No statistic, p-value or df to show: the reason stands in for them.
        ? `| ${
          esc(c.quantity)
        } | ${c.test} | — | — | ${c.n} | — | — | skipped (${c.skipped}) | ${
          esc(c.target)
        } | ${esc(c.observed)} |`
        : `| ${esc(c.quantity)} | ${c.test} | ${statNumber(c.statistic)} | ${
          c.df ?? "—"
        } | ${c.n} | ${statNumber(c.pValue)} | ${statNumber(c.pAdjusted)} | ${
          c.pass ? "pass" : "**FAIL**"
        } | ${esc(c.target)} | ${esc(c.observed)} |`
    ),
    "",
    "## Exact rules",
    "",
    "| rule | violations | pass |",
    "| --- | ---: | --- |",
    ...r.rules.map((x) =>
      `| ${x.rule} | ${x.violations} | ${x.pass ? "pass" : "**FAIL**"} |`
    ),
    "",
    "## The original brief's quality figures",
    "",
    "Reported, not tested: they describe the default configuration (the brief and where chatsynth departs from it: docs/design.md §9 in the generator's repository). The dialogue model's coherence figures follow, next to their exact values (the statistical checks above test them).",
    "",
    "| figure | original brief | configured | observed | consistent with the brief |",
    "| --- | --- | --- | --- | --- |",
    ...r.quality.map((q) =>
      `| ${q.figure} | ${q.seed} | ${q.configured} | ${q.observed} | ${
        q.consistentWithSeed ? "yes" : "no"
      } |`
    ),
    "",
    "Latency: the brief's stated mean (900–1050 ms) is not reachable with its own parameters μ = 6.6, σ = 0.35, whose mean is e^(μ + σ²/2) ≈ 781 ms; the parameters win (docs/design.md §9.2).",
    "",
  ];
  return lines.join("\n");
}

/** `validation.json`: the report for programs (stable key order, LF). */
export function validationJson(r: ValidationReport): string {
  return JSON.stringify(
    r,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    2,
  ) +
    "\n";
}

/** Why the report could not be written, when Deno or the file system refused. */
export type ReportDenial = "deno" | "file system";

/**
 * The validation report could not be written. The message is one sentence naming the
 * file and, for a missing permission, the flag that grants it and the alternative
 * (`--report DIR`).
 */
export class ReportNotWritten extends Error {
  /** The file that could not be written (or the folder that could not be created). */
  readonly path: string;
  /** The folder the report was to go into. */
  readonly folder: string;
  /** Who refused: Deno's permissions, the file system, or neither (another failure). */
  readonly denied?: ReportDenial;
  /**
   * An error whose message names the path, the cause and the way out.
   *
   * @param folder The report folder.
   * @param path The file or folder at fault.
   * @param cause The error the write raised.
   */
  constructor(folder: string, path: string, cause: unknown) {
    const denied: ReportDenial | undefined =
      cause instanceof Deno.errors.NotCapable
        ? "deno"
        : cause instanceof Deno.errors.PermissionDenied
        ? "file system"
        : undefined;
    const why = denied === "deno"
      ? `Deno has no write permission for "${folder}"; add --allow-write=${folder} to the deno command, or`
      : denied === "file system"
      ? `the file system denies writing in "${folder}";`
      : cause instanceof Deno.errors.NotFound
      ? "no such file or directory;"
      : `${
        (cause instanceof Error ? cause.message : String(cause)).split("\n")[0]
      };`;
    super(
      `Cannot write the validation report "${path}": ${why} write the report to another folder with --report DIR`,
    );
    this.name = "ReportNotWritten";
    this.path = path;
    this.folder = folder;
    if (denied) this.denied = denied;
  }
}

/**
 * Write `validation.md`, `validation.json` and `report.html` into `folder`, creating
 * the folder when it does not exist. An existing report file is replaced (never written through) only
 * when it is a report chatsynth wrote; anything else there (the user's own notes, a
 * symbolic link, a folder) is left alone and nothing is written.
 *
 * @param r The report.
 * @param folder The report folder: the dataset folder, or `--report DIR`.
 * @param html `report.html`'s text (lib/validate/report_html.ts `reportHtml`), or
 *   undefined to write the other two only (`--no-html`; a `report.html` chatsynth
 *   wrote there is then removed, anything else of that name left alone).
 * @returns The paths written: `folder/validation.md`, `folder/validation.json`,
 *   and `folder/report.html` with `html`.
 * @throws {ReportNotWritten} When a file or the folder cannot be written, or a file
 *   of that name is not a report chatsynth wrote (naming it).
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const html = "<!DOCTYPE html>\n<!-- chatsynth validation report -->\n<html></html>\n";
 *   const written = writeValidationReport(await validateDataset(out), `${dir}/reports/today`, html);
 *   // The three files exist; the JSON one is read back by a strict parser.
 *   if (written.length !== 3 || !written.every((p) => Deno.statSync(p).isFile)) throw new Error("Files");
 *   if (typeof JSON.parse(Deno.readTextFileSync(written[1])).pass !== "boolean") throw new Error("JSON");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function writeValidationReport(
  r: ValidationReport,
  folder: string,
  html: string | undefined,
): string[] {
  try {
    if (!Deno.statSync(folder).isDirectory) {
      throw new ReportNotWritten(
        folder,
        inFolder(folder, VALIDATION_FILES[0]),
        new Error(`"${folder}" is not a folder`),
      );
    }
  } catch (e) {
    if (e instanceof ReportNotWritten) throw e;
    const broken = brokenLink(folder);
    if (broken) {
      throw new ReportNotWritten(
        folder,
        folder,
        new Error(`"${folder}" is ${broken.text}`),
      );
    }
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new ReportNotWritten(folder, folder, e);
    }
    try {
      Deno.mkdirSync(folder, { recursive: true });
    } catch (e) {
      throw new ReportNotWritten(folder, folder, e);
    }
  }
  // Without the page: validation.md and .json only, and an earlier page of ours
  // removed (it would describe another run); anything else there is left alone.
  const names = html === undefined
    ? VALIDATION_FILES.filter((n) => n !== "report.html")
    : VALIDATION_FILES;
  for (const name of names) {
    const path = inFolder(folder, name);
    let why: string | undefined;
    try {
      why = notOurReportReason(path, name);
    } catch (e) {
      throw new ReportNotWritten(folder, path, e);
    }
    if (why) throw new ReportNotWritten(folder, path, new Error(why));
  }
  if (html === undefined) {
    const page = inFolder(folder, "report.html");
    try {
      if (notOurReportReason(page, "report.html") === undefined) {
        Deno.removeSync(page);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new ReportNotWritten(folder, page, e);
      }
    }
  }
  const written: string[] = [];
  const texts = [validationMarkdown(r), validationJson(r), html];
  names.forEach((name) => {
    const i = VALIDATION_FILES.indexOf(name);
    const path = inFolder(folder, name);
    try {
      // Replace, never write through (a report of ours, checked above).
      try {
        Deno.removeSync(path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      Deno.writeTextFileSync(path, texts[i]!, { createNew: true });
    } catch (e) {
      throw new ReportNotWritten(folder, path, e);
    }
    written.push(path);
  });
  return written;
}

/**
 * Validate and write `validation.md`, `validation.json` and `report.html` into the
 * folder.
 *
 * @param dir Dataset folder (with `manifest.json`); the report goes into it too.
 * @throws {UsageError} When the folder cannot be read or the report cannot be written
 *   (the message names the path and the permission to add).
 */
export async function runValidate(
  dir: string,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  const { report: r, evidence } = await validateWithEvidence(dir, {
    ...opts,
    hashOthers: true,
  });
  const { reportHtml } = await import("./report_html.ts");
  const html = await reportHtml(r, evidence, {
    datasetDir: dir,
    reportDir: dir,
  });
  try {
    writeValidationReport(r, dir, html);
  } catch (e) {
    if (e instanceof ReportNotWritten) throw new UsageError(e.message);
    throw e;
  }
  return r;
}
