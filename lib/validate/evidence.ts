/**
 * The validation report's figures (docs/design.md §13): every modelled distribution
 * as observed against expected, built from the observations `validate` counted and
 * the model's exact targets, each with the checks of `validation.json` that test it.
 * Charts are Vega-Lite specs (lib/chart/comparison.ts); nothing here renders.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { countryZones } from "../model/derived.ts";
import type { ChartSpec } from "../chart/render.ts";
import {
  categoryBars,
  histogram,
  quantilePlot,
  shareIntervals,
  weekHourHeatmap,
} from "../chart/comparison.ts";
import {
  activityPmf,
  agePmf,
  confidenceGridCdf,
  fallbackRates,
  latencyGridCdf,
  normalize,
  SENTIMENT_CELLS,
  startCellProbs,
  tenurePmf,
  thinkGridCdf,
} from "./targets.ts";
import type { Observations } from "./observations.ts";
import type { Check, QualityFigure } from "./validate.ts";

/** Two-sided 99% standard normal quantile, z₀.₉₉₅ (SciPy: `norm.ppf(0.995)`). */
export const Z99 = 2.5758293035489004;

/** Probabilities at which the Q–Q plots compare quantiles: (j − 0.5) / K. */
export const QQ_POINTS = 50;

/** Most bars of the sessions-per-user histogram. */
const ACTIVITY_BARS = 60;

/** Days per bar of the tenure histogram. */
const TENURE_BIN_DAYS = 30;

/** One figure of the report: a chart and the checks shown beside it. */
export interface Figure {
  /** Anchor of the figure in the page, `fig-…`. */
  id: string;
  /** The report section the figure belongs to. */
  section: string;
  /** The Vega-Lite spec (inline data). */
  spec: ChartSpec;
  /** What the chart draws, one or two sentences. */
  caption: string;
  /** The statistical checks of `validation.json` that test what is drawn. */
  checks: Check[];
  /** Quality figures shown beside it (the act positions). */
  quality?: QualityFigure[];
}

/**
 * Wilson score interval of a binomial share x / n at the two-sided level of `z`
 * (Wilson 1927; Agresti & Coull 1998, eq. 2): [0, 1] when n = 0.
 *
 * @param x Successes, 0 ≤ x ≤ n.
 * @param n Trials.
 * @param z Standard normal quantile (default {@linkcode Z99}).
 * @returns `[low, high]`, both in [0, 1].
 * @example
 * ```ts
 * // SciPy: binomtest(8, 100).proportion_ci(confidence_level=0.99, method="wilson")
 * const [lo, hi] = wilsonInterval(8, 100);
 * if (Math.abs(lo - 0.0335905628590715) > 1e-12 || Math.abs(hi - 0.1786748148222198) > 1e-12) {
 *   throw new Error(`${lo} ${hi}`);
 * }
 * ```
 */
export function wilsonInterval(
  x: number,
  n: number,
  z = Z99,
): [number, number] {
  if (n <= 0) return [0, 1];
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z / (n + z2)) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The smallest integer k ≥ `from` with cdf(k) ≥ p: the quantile of a distribution on
 * the integers given its (non-decreasing) CDF, found by doubling then bisection.
 *
 * @param cdf Non-decreasing CDF on integers, reaching 1.
 * @param p Probability in (0, 1).
 * @param from Lowest value of the support.
 * @example
 * ```ts
 * // A fair die: the median is 3, the 0.9 quantile 6.
 * const die = (k: number) => Math.min(1, Math.max(0, Math.floor(k) / 6));
 * if (gridQuantile(die, 0.5, 1) !== 3 || gridQuantile(die, 0.9, 1) !== 6) throw new Error("die");
 * ```
 */
export function gridQuantile(
  cdf: (k: number) => number,
  p: number,
  from = 0,
): number {
  let lo = from - 1, step = 1, hi = from;
  while (cdf(hi) < p) {
    lo = hi;
    hi += step;
    step *= 2;
    if (step > 2 ** 52) {
      throw new RangeError(`No quantile ${p}: the CDF stays below it`);
    }
  }
  // cdf(lo) < p ≤ cdf(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (cdf(mid) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The probabilities of the Q–Q plots: (j − 0.5) / {@linkcode QQ_POINTS}. */
function qqProbs(): number[] {
  return Array.from({ length: QQ_POINTS }, (_, j) => (j + 0.5) / QQ_POINTS);
}

/** Quantile p of a sample (inverse empirical CDF): its ⌈p m⌉-th smallest value. */
function sampleQuantile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Quantile p of counts by value `from + i`: the smallest value whose share reaches p. */
function countsQuantile(counts: ArrayLike<number>, p: number, from: number) {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i];
    if (acc >= p * total) return from + i;
  }
  return from + counts.length - 1;
}

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};
const share = (x: number, n: number) => (n > 0 ? x / n : 0);
const thousands = (n: number) =>
  String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Takes checks by the start of their quantity, each once. */
class CheckPicker {
  readonly #left: Check[];
  constructor(checks: Check[]) {
    this.#left = [...checks];
  }
  /** The checks whose quantity starts with one of `prefixes`, in report order. */
  take(...prefixes: string[]): Check[] {
    const taken = this.#left.filter((c) =>
      prefixes.some((p) => c.quantity.startsWith(p))
    );
    for (const t of taken) this.#left.splice(this.#left.indexOf(t), 1);
    return taken;
  }
  /** The checks no figure took. */
  rest(): Check[] {
    return [...this.#left];
  }
}

/**
 * The report's figures, in page order: conversations (goal and intent mix, turns per
 * session, dialogue shares, act positions), users (device and country, age, tenure,
 * their Q–Q plots, time zones, sessions per user), session starts (weekday × hour,
 * local and UTC), channels, confidence and fallbacks, timing, outcomes. Every check
 * is shown beside the one figure that draws its quantity; a check no figure takes is
 * returned in `rest` (the report lists those in a table of their own).
 *
 * @param c The effective config the dataset was validated against.
 * @param o The observations `validate` counted.
 * @param checks The report's checks (with adjusted p-values and verdicts).
 * @param quality The report's quality figures.
 * @returns The figures, and the checks no figure shows (empty for every config
 *   whose quantities all exist).
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * import { validateWithEvidence } from "./validate.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const argv = ["generate", "-q", "--sessions", "300", "--users", "40", "--out", `${dir}/d`];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const { report, evidence } = await validateWithEvidence(`${dir}/d`);
 *   const { figures, rest } = reportFigures(evidence.config, evidence.obs, report.checks, report.quality);
 *   if (rest.length !== 0 || figures.length < 10) throw new Error("Every check is beside a figure");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function reportFigures(
  c: Config,
  o: Observations,
  checks: Check[],
  quality: QualityFigure[],
): { figures: Figure[]; rest: Check[] } {
  const pick = new CheckPicker(checks);
  const figures: Figure[] = [];
  const add = (f: Figure) => figures.push(f);
  const intents = c.intents.map((i) => i.name);

  // Conversations.
  const e = o.expected;
  const goalP = normalize(c.intents.map((i) => i.goal_probability ?? 0));
  const goals = sum(o.goalCounts);
  add({
    id: "fig-intents",
    section: "Conversations",
    spec: categoryBars({
      title: "Session goal and intent mix",
      subtitle: [
        `goal: share of ${thousands(goals)} sessions; turns: share of ${
          thousands(o.dialogueTurns)
        } turns`,
      ],
      rows: [
        ...intents.map((name, i) => ({
          panel: "session goal",
          category: name,
          observed: share(o.goalCounts[i], goals),
          expected: goalP[i],
        })),
        ...intents.map((name, i) => ({
          panel: "intent of a turn",
          category: name,
          observed: share(o.intentCounts[i], o.dialogueTurns),
          expected: e.intentTurns[i] / e.meanTurns,
        })),
      ],
    }),
    caption:
      "Share of sessions by goal intent (goal_probability) and share of turns by intent (exact expectation of the dialogue model), observed (blue) and expected (black).",
    checks: pick.take("session goal", "intent share"),
  });
  const maxTurns = c.turns.count.max;
  add({
    id: "fig-turns",
    section: "Conversations",
    spec: histogram({
      title: "Turns per session",
      subtitle: [`${thousands(o.sessions)} sessions`],
      valueTitle: "turns",
      countTitle: "sessions",
      rows: trimTail(
        Array.from({ length: maxTurns }, (_, i) => ({
          value: i + 1,
          observed: o.turnCounts[i + 1] ?? 0,
          expected: e.turnPmf[i] * o.sessions,
        })),
      ),
    }),
    caption:
      "Sessions by number of turns (bars) and the dialogue model's exact turn-count distribution times the sessions read (line).",
    checks: pick.take("turns per session"),
  });
  const rp = c.outcomes.resolution_probability;
  // A share of nothing (no turns of an intent, no eligible session) is not drawn.
  const sessionRow = (label: string, x: number, n: number, p0: number) => {
    if (n <= 0) return [];
    const [low, high] = wilsonInterval(x, n);
    const half = Z99 * Math.sqrt((p0 * (1 - p0)) / n);
    return [{
      label,
      observed: share(x, n),
      low,
      high,
      target: p0,
      bandLow: Math.max(0, p0 - half),
      bandHigh: Math.min(1, p0 + half),
    }];
  };
  const p0 = e.taskPairs > 0 ? e.sameIntentPairs / e.taskPairs : 0;
  // Ratio estimator: Var ≈ Σ(a_s − R0 n_s)² / (Σ n_s)² (clustered by session).
  const se = o.taskPairs > 0
    ? Math.sqrt(o.sameIntentClusterSq) / o.taskPairs
    : 0;
  const same = share(o.sameIntentPairs, o.taskPairs);
  add({
    id: "fig-dialogue",
    section: "Conversations",
    spec: shareIntervals({
      title: "Goal persistence, greetings, closings, handoffs, resolution",
      subtitle: [
        "observed share with its 99% interval (blue), target (black) and the band a 1% test accepts (grey)",
      ],
      axisTitle: "share",
      perRowScale: true,
      rows: [
        ...(o.taskPairs === 0 ? [] : [{
          label: "same intent as the previous task turn",
          observed: same,
          low: Math.max(0, same - Z99 * se),
          high: Math.min(1, same + Z99 * se),
          target: p0,
          bandLow: Math.max(0, p0 - Z99 * se),
          bandHigh: Math.min(1, p0 + Z99 * se),
        }]),
        ...sessionRow(
          "sessions opening with a greeting",
          o.greetSessions,
          o.sessions,
          e.greetTurns,
        ),
        ...sessionRow(
          "sessions closing with thank or goodbye",
          o.closeSessions,
          o.sessions,
          e.closeTurns,
        ),
        ...sessionRow(
          "sessions escalated (handoff)",
          o.escalatedCount,
          o.sessions,
          e.escalated,
        ),
        ...sessionRow(
          `handoffs after ${c.outcomes.escalation_consecutive_fallbacks} fallbacks in a row`,
          o.handoffAfterFallbacks,
          o.sessions,
          e.handoffAfterFallbacks,
        ),
        ...sessionRow(
          "resolved (of eligible sessions)",
          o.resolvedEligible,
          o.resolutionEligible,
          rp,
        ),
      ],
    }),
    caption:
      "Per-session shares of the dialogue model: goal persistence (clustered by session: interval from the cluster variance), greetings, closings, handoffs and resolution (Wilson score intervals). Targets are exact enumerations of the dialogue model.",
    checks: pick.take(
      "same intent as the previous",
      "distinct task intents",
      "greeting on turn 1",
      "closing turn",
      "escalated",
      "handoff after",
      "resolved",
    ),
  });
  add({
    id: "fig-acts",
    section: "Conversations",
    spec: categoryBars({
      title: "Where dialogue acts fall",
      subtitle: [
        "share of each act's turns or sessions at the position the model allows",
      ],
      rows: [
        {
          category: "greet turns on turn 1",
          observed: share(o.greetFirst, o.greetTurns),
          expected: 1,
        },
        {
          category: "thank or goodbye turns on the last turn",
          observed: share(o.closeLast, o.closeTurns),
          expected: 1,
        },
        {
          category: "escalated sessions ending in a handoff",
          observed: share(o.escalatedWithHandoff, o.escalatedCount),
          expected: 1,
        },
        {
          category: "turns after a handoff",
          observed: share(o.turnsAfterHandoff, o.turns),
          expected: 0,
        },
      ],
    }),
    caption:
      "Act positions: greetings only open, thanks and goodbyes only close, every escalation ends in a handoff and nothing follows it. Exact rules, so the expected shares are 100% and 0%.",
    checks: [],
    quality: quality.filter((q) =>
      /greeting|thank|handoff|same intent|distinct task/i.test(q.figure) ||
      /previous task turn/.test(q.figure)
    ),
  });

  // Users.
  const devP = normalize(c.population.devices.map((d) => d.probability));
  const ctyP = normalize(c.population.countries.map((d) => d.probability));
  const users = sum(o.deviceCounts);
  const usersC = sum(o.countryCounts);
  add({
    id: "fig-users",
    section: "Users",
    spec: categoryBars({
      title: "Device and country of users",
      subtitle: [`share of ${thousands(users)} users`],
      rows: [
        ...c.population.devices.map((d, i) => ({
          panel: "device",
          category: d.name,
          observed: share(o.deviceCounts[i], users),
          expected: devP[i],
        })),
        ...c.population.countries.map((d, i) => ({
          panel: "country",
          category: d.code,
          observed: share(o.countryCounts[i], usersC),
          expected: ctyP[i],
        })),
      ],
    }),
    caption:
      "Users by device and by country, observed (blue) and configured (black).",
    checks: pick.take("device", "country"),
  });
  const ageP = agePmf(c);
  const ageN = sum(o.ageCounts);
  const age0 = c.population.age.min;
  add({
    id: "fig-age",
    section: "Users",
    spec: histogram({
      title: "Age",
      subtitle: [`${thousands(ageN)} users, whole years`],
      valueTitle: "age (years)",
      countTitle: "users",
      rows: ageP.map((p, i) => ({
        value: age0 + i,
        observed: o.ageCounts[i] ?? 0,
        expected: p * ageN,
      })),
    }),
    caption:
      `Users by age (bars) and the floored Normal(${c.population.age.mean}, ${c.population.age.sd}) truncated to the configured range times the users (line).`,
    checks: pick.take("age"),
  });
  const tenP = tenurePmf(c);
  const tenN = sum(o.tenureCounts);
  const tenRows = binned(
    o.tenureCounts,
    tenP.map((p) => p * tenN),
    tenP.length,
    TENURE_BIN_DAYS,
  );
  add({
    id: "fig-tenure",
    section: "Users",
    spec: histogram({
      title: "Tenure",
      subtitle: [
        `${
          thousands(tenN)
        } users, in bins of ${TENURE_BIN_DAYS} days (the test uses single days)`,
      ],
      valueTitle: "tenure (days)",
      countTitle: "users",
      binWidth: TENURE_BIN_DAYS,
      rows: trimTail(tenRows),
    }),
    caption:
      `Users by tenure (bars) and the floored Lognormal(${c.population.tenure_days.mu}, ${c.population.tenure_days.sigma}) truncated at ${c.population.tenure_days.max_days} days times the users (line).`,
    checks: pick.take("tenure"),
  });
  const cdfOf = (pmf: number[]) => {
    const cum: number[] = [];
    let acc = 0;
    for (const p of pmf) cum.push(acc += p);
    return (k: number) => (k < 0 ? 0 : k >= cum.length ? 1 : cum[k]);
  };
  const ageCdf = cdfOf(ageP), tenCdf = cdfOf(tenP);
  add({
    id: "fig-users-qq",
    section: "Users",
    spec: quantilePlot({
      title: "Age and tenure: Q–Q",
      subtitle: [
        `quantiles at ${QQ_POINTS} probabilities, model (x) against data (y)`,
      ],
      rows: [
        ...(ageN > 0
          ? qqProbs().map((p) => ({
            panel: "age (years)",
            model: age0 + gridQuantile(ageCdf, p),
            observed: countsQuantile(o.ageCounts, p, age0),
          }))
          : []),
        ...(tenN > 0
          ? qqProbs().map((p) => ({
            panel: "tenure (days)",
            model: gridQuantile(tenCdf, p),
            observed: countsQuantile(o.tenureCounts, p, 0),
          }))
          : []),
      ],
    }),
    caption:
      "Each point is one probability's quantile under the model (x) and among the users read (y); a dataset drawn from the model lies on the grey diagonal.",
    checks: [],
  });
  const zoneRows = c.population.countries.flatMap((ctry, i) => {
    const zones = countryZones(ctry);
    if (zones.length < 2) return [];
    const zp = normalize(zones.map((z) => z.weight));
    const n = sum(o.zoneCounts[i]);
    return zones.map((z, k) => ({
      panel: ctry.code,
      category: z.zone,
      observed: share(o.zoneCounts[i][k], n),
      expected: zp[k],
    }));
  });
  if (zoneRows.length) {
    add({
      id: "fig-zones",
      section: "Users",
      spec: categoryBars({
        title: "Time zone of users, by country",
        subtitle: ["countries with more than one configured zone"],
        rows: zoneRows,
      }),
      caption:
        "Users of each country by time zone, observed (blue) and configured (black).",
      checks: pick.take("time zone"),
    });
  }
  let maxCount = 0;
  for (const v of o.sessionsPerUser) if (v > maxCount) maxCount = v;
  const actHist = new Float64Array(maxCount + 2);
  for (const v of o.sessionsPerUser) actHist[v]++;
  const nUsers = o.sessionsPerUser.length;
  const actP = activityPmf(c, maxCount + 1);
  // Draw up to the value below which 99.5% of users are expected.
  let cut = 0;
  for (let acc = 0; cut < actP.length && acc < 0.995; cut++) acc += actP[cut];
  const tailObs = sum(actHist.subarray(cut + 1));
  // At most ACTIVITY_BARS bars: wider bins when users have many sessions each.
  const width = Math.max(1, Math.ceil((cut + 1) / ACTIVITY_BARS));
  const actRows = binned(
    actHist,
    Array.from(actP, (p) => p * nUsers),
    cut + 1,
    width,
  );
  add({
    id: "fig-activity",
    section: "Users",
    spec: histogram({
      title: "Sessions per user",
      subtitle: [
        `${thousands(nUsers)} users${
          width > 1 ? `, in bins of ${width} sessions` : ""
        }; ${
          thousands(tailObs)
        } with more than ${cut} sessions not drawn (expected ${
          thousands(sum(actP.slice(cut + 1)) * nUsers)
        })`,
      ],
      valueTitle: "sessions",
      countTitle: "users",
      binWidth: width,
      rows: actRows,
    }),
    caption:
      "Users by number of sessions (bars) and the negative binomial of the Gamma activity weights times the users (line).",
    checks: pick.take("sessions per user"),
  });

  // Session starts.
  const zero = () => new Float64Array(168);
  const localObs = zero(), localExp = zero(), utcObs = zero(), utcExp = zero();
  o.zones.forEach((zone, z) => {
    const n = sum(o.localCells[z]);
    const p = n > 0 ? startCellProbs(c, zone) : undefined;
    for (let i = 0; i < 168; i++) {
      localObs[i] += o.localCells[z][i];
      utcObs[i] += o.utcCells[z][i];
      if (p) {
        localExp[i] += n * p.local[i];
        utcExp[i] += n * p.utc[i];
      }
    }
  });
  add({
    id: "fig-starts",
    section: "Session starts",
    spec: weekHourHeatmap({
      title: "Session starts by weekday and hour",
      subtitle: [
        `${thousands(sum(localObs))} sessions; local time of the user, and UTC`,
      ],
      countTitle: "sessions",
      panels: [
        { name: "local time, observed", cells: localObs },
        { name: "local time, expected", cells: localExp },
        { name: "UTC, observed", cells: utcObs },
        { name: "UTC, expected", cells: utcExp },
      ],
    }),
    caption:
      "Sessions by start weekday and hour. Expected: weekday_weights × hour_weights in each user's local time over the calendar, per time zone (daylight saving time included), times the zone's sessions.",
    checks: pick.take("session start"),
  });

  // Channels.
  const chNames = c.channels.map((x) => x.name);
  add({
    id: "fig-channels",
    section: "Channels",
    spec: categoryBars({
      title: "Channel, by device",
      subtitle: ["share of the device's sessions"],
      rows: c.population.devices.flatMap((d, i) => {
        const row = normalize(
          chNames.map((n) =>
            Object.hasOwn(c.channel_given_device[d.name], n)
              ? c.channel_given_device[d.name][n]
              : 0
          ),
        );
        const n = sum(o.channelByDevice[i]);
        return chNames.map((name, k) => ({
          panel: d.name,
          category: name,
          observed: share(o.channelByDevice[i][k], n),
          expected: row[k],
        }));
      }),
    }),
    caption:
      "Sessions of each device by channel, observed (blue) and configured channel_given_device (black).",
    checks: pick.take("channel"),
  });

  // Confidence and fallbacks.
  add({
    id: "fig-confidence",
    section: "Confidence and fallbacks",
    spec: quantilePlot({
      title: "Confidence per intent: Q–Q",
      subtitle: [
        `the first ${
          thousands(Math.max(...o.confSample.map((s) => s.length), 0))
        } turns of each intent (the Kolmogorov–Smirnov sample), on the 4-decimal grid`,
      ],
      rows: intents.flatMap((name, i) => {
        const s = [...o.confSample[i]].sort((a, b) => a - b);
        if (!s.length) return [];
        const cdf = confidenceGridCdf(c, i);
        return qqProbs().map((p) => ({
          panel: name,
          model: gridQuantile(cdf, p) / 1e4,
          observed: sampleQuantile(s, p) / 1e4,
        }));
      }),
    }),
    caption:
      "Quantiles of the stored confidence under the intent's Beta (rounded to 4 decimals) against the data's. The chi-square uses every turn in 20 equiprobable bins; Kolmogorov–Smirnov the sample drawn.",
    checks: pick.take("confidence"),
  });
  const rates = fallbackRates(c);
  add({
    id: "fig-fallback",
    section: "Confidence and fallbacks",
    spec: shareIntervals({
      title: "Fallback rate per intent",
      subtitle: [
        "observed rate with its 99% Wilson interval (blue), target (black) and the band a 1% binomial test accepts (grey)",
      ],
      axisTitle: "fallback rate",
      rows: intents.flatMap((name, i) =>
        sessionRow(name, o.fallbacksByIntent[i], o.intentCounts[i], rates[i])
      ),
    }),
    caption:
      `Fallback rate per intent: P(confidence + Normal(0, ${c.fallback.noise_sd}) < ${c.fallback.threshold}) under the intent's Beta is the target.`,
    checks: pick.take("fallback rate"),
  });

  // Timing.
  add({
    id: "fig-timing",
    section: "Timing",
    spec: quantilePlot({
      title: "Latency per channel and think time: Q–Q",
      subtitle: [
        "the Kolmogorov–Smirnov samples, whole ms",
      ],
      rows: [
        ...chNames.flatMap((name, i) => {
          const s = [...o.latencySample[i]].sort((a, b) => a - b);
          if (!s.length) return [];
          const cdf = latencyGridCdf(c, i);
          return qqProbs().map((p) => ({
            panel: `latency, ${name} (ms)`,
            model: gridQuantile(cdf, p, 1),
            observed: sampleQuantile(s, p),
          }));
        }),
        ...(() => {
          const s = [...o.thinkSample].sort((a, b) => a - b);
          if (!s.length) return [];
          const cdf = thinkGridCdf(c);
          return qqProbs().map((p) => ({
            panel: "think time, turns ≥ 2 (ms)",
            model: gridQuantile(cdf, p),
            observed: sampleQuantile(s, p),
          }));
        })(),
      ],
    }),
    caption:
      `Latency: Lognormal(${c.latency_ms.mu}, ${c.latency_ms.sigma}) times the channel's multiplier, rounded to whole ms; think time: Lognormal(${c.turns.think_time_ms.mu}, ${c.turns.think_time_ms.sigma}), rounded. Model quantiles (x) against the data's (y).`,
    checks: pick.take("latency_ms", "think_time_ms"),
  });

  // Outcomes.
  const sentN = sum(o.sentimentObserved);
  const sentP = normalize(Array.from(o.sentimentExpected));
  add({
    id: "fig-sentiment",
    section: "Outcomes",
    spec: categoryBars({
      title: "Sentiment score",
      subtitle: [`share of ${thousands(sentN)} sessions by score cell`],
      rows: Array.from({ length: SENTIMENT_CELLS }, (_, k) => ({
        category: sentimentLabel(k),
        observed: share(o.sentimentObserved[k], sentN),
        expected: sentP[k] ?? 0,
      })),
    }),
    caption:
      "Sessions by sentiment score: exactly −1, twenty cells of width 0.1, exactly 1. Expected: each session's predicted score plus Normal noise, clamped and rounded, summed over the sessions.",
    checks: pick.take("sentiment_score"),
  });
  const satN = sum(o.satisfactionObserved);
  const satP = normalize(Array.from(o.satisfactionExpected));
  add({
    id: "fig-satisfaction",
    section: "Outcomes",
    spec: categoryBars({
      title: "Satisfaction rating",
      subtitle: [`share of ${thousands(satN)} sessions`],
      rows: [1, 2, 3, 4, 5].map((r, k) => ({
        category: `${r}`,
        observed: share(o.satisfactionObserved[k], satN),
        expected: satP[k] ?? 0,
      })),
    }),
    caption:
      "Sessions by satisfaction rating (1..5), observed (blue) and expected given each session's sentiment and escalation (black).",
    checks: pick.take("satisfaction"),
  });
  return { figures, rest: pick.rest() };
}

/**
 * Histogram rows of values 0..`end` − 1 in bins of `width`: each bin's start, its
 * observed and its expected count.
 */
function binned(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
  end: number,
  width: number,
): { value: number; observed: number; expected: number }[] {
  const rows = [];
  for (let v = 0; v < end; v += width) {
    let ob = 0, ex = 0;
    for (let k = v; k < Math.min(end, v + width); k++) {
      ob += observed[k] ?? 0;
      ex += expected[k] ?? 0;
    }
    rows.push({ value: v, observed: ob, expected: ex });
  }
  return rows;
}

/** The label of sentiment cell k: "−1", "[−1.0, −0.9)" … "[0.9, 1.0)", "1". */
function sentimentLabel(k: number): string {
  if (k === 0) return "−1";
  if (k === SENTIMENT_CELLS - 1) return "1";
  const lo = -1 + (k - 1) / 10;
  const f = (x: number) => x.toFixed(1).replace("-", "−");
  return `[${f(lo)}, ${f(lo + 0.1)})`;
}

/** Drop trailing rows where nothing was seen and less than half a count was expected. */
function trimTail<T extends { observed: number; expected: number }>(
  rows: T[],
): T[] {
  let end = rows.length;
  while (
    end > 1 && rows[end - 1].observed === 0 && rows[end - 1].expected < 0.5
  ) {
    end--;
  }
  return rows.slice(0, end);
}
