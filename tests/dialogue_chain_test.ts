/**
 * The exact enumeration of the dialogue model against closed forms derived by hand
 * (first-step analysis of small chains), and the end probability solver.
 */
import assert from "node:assert/strict";
import {
  type ChainParams,
  enumerateChain,
  solveEndProbability,
} from "../lib/model/dialogue_chain.ts";
import { compileDialogue } from "../lib/model/dialogue.ts";
import { expectedFallbackRate } from "../lib/model/fallback_rate.ts";
import { parseConfig } from "../lib/config/load.ts";
import { ROOT } from "./helpers.ts";

/** One task intent (0), the social (1) and the escalation (2) intents. */
function base(over: Partial<ChainParams>): ChainParams {
  return {
    goalProbability: [1, 0, 0],
    fallbackProbability: [0, 0, 0],
    socialIntent: 1,
    escalationIntent: 2,
    greet: 0,
    close: 0,
    escalate: 0,
    switchGoal: 0,
    end: 0.25,
    leaveAfterFallback: 0,
    handoffFallbacks: 2,
    maxTurns: 10_000,
    ...over,
  };
}

const near = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

Deno.test("chain: no fallbacks, no extras → a geometric turn count, censored at the cap", () => {
  const p = 0.3, max = 12;
  const e = enumerateChain(base({ end: p, maxTurns: max }));
  for (let n = 1; n < max; n++) near(e.turnPmf[n - 1], (1 - p) ** (n - 1) * p);
  near(e.turnPmf[max - 1], (1 - p) ** (max - 1));
  near(e.meanTurns, (1 - (1 - p) ** max) / p);
  near(e.escalated, 0);
  near(e.resolutionEligible, 1);
});

Deno.test("chain: greetings and closings add g and c turns to the mean", () => {
  const g = 0.4, c = 0.7, p = 0.2;
  const e = enumerateChain(base({ greet: g, close: c, end: p }));
  near(e.meanTurns, g + 1 / p + c, 1e-9);
  near(e.greetTurns, g, 1e-12);
  near(e.closeTurns, c, 1e-9);
  near(e.intentTurns[1], g + c, 1e-9);
});

Deno.test("chain: handoff after two fallbacks in a row, by first-step analysis", () => {
  // From run 0: answered (1−f) then end (e) or continue; fallback (f) then a rephrase
  // that is answered (back to run 0) or fails (handoff).
  // h = (1−f)(1−e)h + f[(1−f)(1−e)h + f]  ⇒  h = f² / (1 − (1−f)(1−e)(1+f)).
  const f = 0.1, e = 0.2;
  const x = enumerateChain(
    base({ fallbackProbability: [f, 0, 0], end: e }),
  );
  const h = f * f / (1 - (1 - f) * (1 - e) * (1 + f));
  near(x.escalated, h, 1e-12);
  near(x.handoffAfterFallbacks, h, 1e-12);
  near(x.intentFallbacks[0], f * x.intentTurns[0], 1e-12);
});

Deno.test("chain: a request for a human is answered by a handoff", () => {
  // Each answered turn: escalate (a), end (e) or continue; the agent turn never fails.
  const a = 0.05, e = 0.15;
  const x = enumerateChain(base({ escalate: a, end: e }));
  near(x.escalated, a / (a + e), 1e-12);
  near(x.intentTurns[2], a / (a + e), 1e-12);
  near(x.meanTurns, 1 / (a + e) + a / (a + e), 1e-9);
});

Deno.test("chain: one goal switch at most; same-intent pairs and distinct intents", () => {
  const w = 0.1, e = 0.2;
  const x = enumerateChain(
    base({
      goalProbability: [0.5, 0.5, 0, 0],
      fallbackProbability: [0, 0, 0, 0],
      socialIntent: 2,
      escalationIntent: 3,
      switchGoal: w,
      end: e,
    }),
  );
  const pSwitch = w / (w + e);
  const tasks = 1 / (w + e) + pSwitch / e;
  near(x.distinctTaskIntents, 1 + pSwitch, 1e-12);
  near(x.meanTurns, tasks, 1e-9);
  near(x.taskPairs, tasks - 1, 1e-9);
  near(x.sameIntentPairs, tasks - 1 - pSwitch, 1e-9);
});

Deno.test("chain: leaving after a clarify ends the session unresolved", () => {
  // Every turn falls back with f, K large: after a fallback the user leaves with L.
  const f = 0.2, L = 0.5, e = 0.25;
  const x = enumerateChain(
    base({
      fallbackProbability: [f, 0, 0],
      leaveAfterFallback: L,
      end: e,
      handoffFallbacks: 20,
    }),
  );
  // Per turn: answered+end (1−f)e: eligible; fallback+leave f·L: not; else continue.
  const stop = (1 - f) * e + f * L;
  near(x.resolutionEligible, (1 - f) * e / stop, 1e-9);
});

Deno.test("solveEndProbability hits the mean exactly and names the reachable range", () => {
  const { end: _, ...p } = base({ greet: 0.3, escalate: 0.02 });
  const s = solveEndProbability(p, 7);
  assert.ok("end" in s);
  if ("end" in s) near(enumerateChain({ ...p, end: s.end }).meanTurns, 7, 1e-9);
  const far = solveEndProbability(p, 500);
  assert.ok("range" in far);
});

Deno.test("the default config: mean 7 turns exactly and the issue's coherence floors", () => {
  const c = parseConfig(
    Deno.readTextFileSync(`${ROOT}/config.yaml`),
    "config.yaml",
  );
  const e = compileDialogue(c).expected;
  near(e.meanTurns, 7, 1e-9);
  assert.ok(e.sameIntentPairs / e.taskPairs >= 0.7);
  assert.ok(e.distinctTaskIntents <= 1.5);
  const sum = e.turnPmf.reduce((a, b) => a + b, 0);
  near(sum, 1, 1e-12);
  // Fallback: each intent within 5–9.5%, overall about 8%.
  let fb = 0;
  e.intentTurns.forEach((t, i) => {
    const r = e.intentFallbacks[i] / t;
    assert.ok(r >= 0.05 && r <= 0.095, `intent ${i}: ${r}`);
    fb += e.intentFallbacks[i];
  });
  assert.ok(Math.abs(fb / e.meanTurns - 0.08) < 0.005, `${fb / e.meanTurns}`);
});

Deno.test("a goal mix summing to 1 only within tolerance switches like the generator", () => {
  // Regression: goals [1, 1e-10] made the chain refuse every switch away from the
  // first goal (1 − goal = 0) while the generator switched at the full rate to the
  // only other goal. Both now switch in proportion to the other goals' total.
  const w = 0.1, e = 0.2;
  const x = enumerateChain(
    base({
      goalProbability: [1, 1e-10, 0, 0],
      fallbackProbability: [0, 0, 0, 0],
      socialIntent: 2,
      escalationIntent: 3,
      switchGoal: w,
      end: e,
    }),
  );
  near(x.distinctTaskIntents, 1 + w / (w + e), 1e-9);
});

/**
 * Reference fallback rates computed with Python 3's standard library only (no SciPy),
 * summing over the stored confidence values instead of the noise cells the code sums
 * over: rate = Σ_{k=0}^{10^4} [F((k + ½)/10^4) − F((k − ½)/10^4)] · P(t + e > k/10^4),
 * with F the Beta CDF (regularized incomplete beta by Lentz's continued fraction,
 * Numerical Recipes §6.4, from math.lgamma), P(t + e > x) = 1 − Φ((x − t)/σ) with
 * Φ(z) = erfc(−z/√2)/2 (math.erfc), and for σ = 0 the indicator k/10^4 < t.
 * Keys: "alpha beta threshold sd".
 */
const PYTHON_FALLBACK_RATES: Record<string, number> = {
  "1 1 0.5 0": 0.49994999999999995,
  "2 3 0.45 0.03": 0.607986539050999,
  "1000000 1000000 0.4996 0": 0.10154587619145779,
  "6.26 2.74 0.45 0.03": 0.06464557146035059,
  "5.52 2.48 0.45 0.03": 0.0800461261486809,
  "4.9 2.2 0.45 0.03": 0.09128433880649028,
  "5.61 2.39 0.45 0.03": 0.07022525927550059,
  "6.1 2.66 0.45 0.03": 0.06633193792167295,
  "4.85 2.15 0.45 0.03": 0.09006887095763577,
  "4.5 1.9 0.45 0.03": 0.08912614698173998,
  "4.4 1.88 0.45 0.03": 0.09322865614225798,
};

Deno.test("expected fallback rates count the stored 4-decimal confidence (independent references)", () => {
  // Regression: Beta(1e6, 1e6) against threshold 0.4996 without noise expected the
  // continuous 12.9% while the generator, comparing the rounded confidence, gave
  // 10.2%; scipy.stats.beta.cdf(0.49955, 1e6, 1e6) = 0.10154587628239611.
  near(expectedFallbackRate(1e6, 1e6, 0.4996, 0), 0.10154587628239611, 1e-9);
  // Uniform confidence, no noise: stored below 0.5 exactly when C < 0.49995.
  near(expectedFallbackRate(1, 1, 0.5, 0), 0.49995, 1e-12);
  for (const [key, want] of Object.entries(PYTHON_FALLBACK_RATES)) {
    const [a, b, t, sd] = key.split(" ").map(Number);
    // The continued fraction loses ~1e-10 at shapes of 10^6 (differences of CDFs).
    near(expectedFallbackRate(a, b, t, sd), want, a > 1000 ? 1e-9 : 1e-12);
  }
});

Deno.test("the README's expected fallback rates equal the independent references", () => {
  // The README's model table is written by the code under test; its fallback column
  // is checked here against the Python references (2 decimals of a percentage).
  const config = parseConfig(Deno.readTextFileSync(`${ROOT}/config.yaml`), "c");
  const readme = Deno.readTextFileSync(`${ROOT}/README.md`);
  const { threshold, noise_sd } = config.fallback;
  for (const i of config.intents) {
    const { alpha, beta } = i.confidence;
    const want =
      PYTHON_FALLBACK_RATES[`${alpha} ${beta} ${threshold} ${noise_sd}`];
    assert.ok(want !== undefined, `no reference for intent ${i.name}`);
    const row = new RegExp(`^\\| ${i.name} +\\|.*\\| +([0-9.]+)% \\|$`, "m")
      .exec(readme);
    assert.ok(row, `README has no model-table row for ${i.name}`);
    assert.equal(row[1], (100 * want).toFixed(2), i.name);
  }
});
