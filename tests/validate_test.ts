/**
 * `validate`: a correct generator passes at several seeds and sizes; a dataset from a
 * shifted model fails, naming the quantity; the analytic targets match known values.
 */
import assert from "node:assert/strict";
import { generateTemp, ROOT, runMain } from "./helpers.ts";
import { runValidate, validateDataset } from "../lib/validate/validate.ts";
import {
  activityPmf,
  agePmf,
  fallbackRates,
  localStartCellProbs,
  satisfactionProbs,
  tenurePmf,
} from "../lib/validate/targets.ts";
import { compileDialogue } from "../lib/model/dialogue.ts";
import { enumerateChain } from "../lib/model/dialogue_chain.ts";
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import {
  binomial,
  chiSquare,
  holm,
  meanZTest,
  ratioZTest,
  stratifiedChiSquare,
  sumOfBinomialsZTest,
} from "../lib/validate/gof.ts";
import { loadConfig, parseConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/generate.ts";

const base = loadConfig(`${ROOT}/config.yaml`);
const config = effectiveConfig(base.config, {}, base.source);

function failedQuantities(
  r: Awaited<ReturnType<typeof validateDataset>>,
): string[] {
  return [...new Set(r.checks.filter((c) => !c.pass).map((c) => c.quantity))]
    .sort();
}

Deno.test("a correct generator passes at several seeds and sizes, from every representation", async () => {
  for (
    const [seed, sessions, users, formats] of [
      [1, 3000, 600, ["raw", "star", "snowflake"]],
      [2, 3000, 600, ["snowflake"]],
      [3, 3000, 600, ["raw"]],
      [20251130, 30000, 5000, ["star"]],
    ] as const
  ) {
    const ds = generateTemp({ seed, sessions, users, formats: [...formats] });
    try {
      const r = await runValidate(ds.dir);
      assert.equal(
        r.pass,
        true,
        `seed ${seed}: ${failedQuantities(r).join(", ")}`,
      );
      assert.equal(r.dataset.turns, ds.manifest.counts.turns);
      assert.ok(r.checks.length >= 45);
      assert.ok(r.rules.every((x) => x.violations === 0));
      const json = JSON.parse(
        Deno.readTextFileSync(`${ds.dir}/validation.json`),
      );
      assert.equal(json.pass, true);
      assert.match(
        Deno.readTextFileSync(`${ds.dir}/validation.md`),
        /Result: \*\*PASS\*\*/,
      );
    } finally {
      ds.cleanup();
    }
  }
});

function shiftedDataset(edit: (text: string) => string, sessions = 8000) {
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  const text = edit(base.text);
  assert.notEqual(text, base.text, "the edit changed nothing");
  Deno.writeTextFileSync(tmp, text);
  try {
    return generateTemp({ sessions, users: 1500, seed: 4 }, tmp);
  } finally {
    Deno.removeSync(tmp);
  }
}

Deno.test("a dataset from a shifted latency fails validation on latency, naming it", async () => {
  const ds = shiftedDataset((t) =>
    t.replace("latency_ms: { mu: 6.6,", "latency_ms: { mu: 6.7,")
  );
  try {
    const r = await validateDataset(ds.dir, { againstConfig: config });
    assert.equal(r.pass, false);
    const failed = failedQuantities(r);
    assert.ok(
      failed.length > 0 && failed.every((q) => q.startsWith("latency_ms")),
      failed.join(", "),
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("a dataset from a shifted goal mix fails on the goal mix and the intent shares", async () => {
  const ds = shiftedDataset((t) =>
    t.replace("goal_probability: 0.2444", "goal_probability: 0.2844").replace(
      "goal_probability: 0.2000",
      "goal_probability: 0.1600",
    )
  );
  try {
    const r = await validateDataset(ds.dir, { againstConfig: config });
    assert.equal(r.pass, false);
    const failed = failedQuantities(r);
    assert.ok(
      failed.includes("session goal (goal_intent_key, per session)"),
      failed.join(", "),
    );
    assert.ok(
      failed.includes(
        "intent share | intent=order_status (turns, clustered by session)",
      ),
      failed.join(", "),
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("the CLI exits 0 on a pass and 1 on a failure; generate --validate runs it", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-val-" });
  const run = (args: string[]) =>
    runMain(["--allow-read", `--allow-write=${tmp}`, "--allow-env"], args);
  try {
    const g = run([
      "--sessions",
      "500",
      "--users",
      "100",
      "--out",
      `${tmp}/ds`,
      "--validate",
    ]);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /validate: PASS/);
    // Break an exact rule: mark a session escalated that is not.
    const p = `${tmp}/ds/star/fact_session.csv`;
    const lines = Deno.readTextFileSync(p).split("\n");
    const esc = lines[0].split(",").indexOf("escalated");
    const res = lines[0].split(",").indexOf("resolved");
    const i = lines.findIndex((l, k) =>
      k > 0 && l.split(",")[esc] === "false" && l.split(",")[res] === "true"
    );
    const f = lines[i].split(",");
    f[esc] = "true";
    lines[i] = f.join(",");
    Deno.writeTextFileSync(p, lines.join("\n"));
    const v = run(["validate", `${tmp}/ds`]);
    assert.equal(v.code, 1);
    assert.match(
      v.stdout,
      /FAIL {2}bot act handoff only on the last turn, .*escalated = the last turn's bot act is handoff: 1 violation/,
    );
    // verify ignores the reports but sees the edit.
    const ver = run(["verify", `${tmp}/ds`]);
    assert.equal(ver.code, 1);
    assert.doesNotMatch(
      ver.stdout,
      /extra {5}validation/,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("analytic targets match known values", () => {
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  // The dialogue model's turn counts: a distribution whose mean is the configured
  // turns.count.mean (the end probability is solved for it).
  const e = compileDialogue(config).expected;
  const tp = Array.from(e.turnPmf);
  assert.equal(tp.length, config.turns.count.max);
  assert.ok(Math.abs(sum(tp) - 1) < 1e-12);
  assert.ok(
    Math.abs(sum(tp.map((p, i) => p * (i + 1))) - config.turns.count.mean) <
      1e-9,
  );
  // A chain with one never-failing goal, no greeting, closing, escalation or switch is
  // a geometric turn count censored at the cap: P(T = k) = (1 − q)^(k−1) q, k < 60.
  const geo = enumerateChain({
    goalProbability: [1, 0, 0],
    fallbackProbability: [0, 0, 0],
    socialIntent: 1,
    escalationIntent: 2,
    greet: 0,
    close: 0,
    escalate: 0,
    switchGoal: 0,
    end: 1 / 7,
    leaveAfterFallback: 0,
    handoffFallbacks: 2,
    maxTurns: 60,
  });
  for (let k = 1; k < 60; k++) {
    assert.ok(
      Math.abs(geo.turnPmf[k - 1] - (6 / 7) ** (k - 1) / 7) < 1e-15,
      `k = ${k}`,
    );
  }
  assert.ok(Math.abs(geo.turnPmf[59] - (6 / 7) ** 59) < 1e-15);
  // Truncated normal age: P(age = 28) = (Φ(1/9) − Φ(0)) / (Φ(48/9) − Φ(−15/9)).
  const ap = agePmf(config);
  assert.equal(ap.length, 63);
  assert.ok(Math.abs(sum(ap) - 1) < 1e-12);
  assert.ok(
    Math.abs(ap[28 - 13] - 0.0442358810453114 / 0.9522095995141516) < 1e-9,
    String(ap[15]),
  );
  const tn = tenurePmf(config);
  assert.equal(tn.length, 1826);
  assert.ok(Math.abs(sum(tn) - 1) < 1e-12);
  // Activity: negative binomial with mean N/M = 2.
  const act = activityPmf(config, 400);
  assert.ok(Math.abs(sum(act.map((p, i) => p * i)) - 2) < 1e-6);
  // P(0) = (k/(k+mu))^k = (0.6/2.6)^0.6.
  assert.ok(Math.abs(act[0] - (0.6 / 2.6) ** 0.6) < 1e-12);
  // In a zone without offset (Etc/UTC) the local marginals are the UTC ones: the
  // hour weights normalized, and weekday weight × days of that weekday.
  const utc = localStartCellProbs(config, "Etc/UTC");
  const hw = config.calendar.hour_weights, hwSum = sum(hw);
  for (let h = 0; h < 24; h++) {
    let ph = 0;
    for (let d = 0; d < 7; d++) ph += utc[d * 24 + h];
    assert.ok(Math.abs(ph - hw[h] / hwSum) < 1e-12, `hour ${h}`);
  }
  // 2025-01-01..2025-03-31 has 12 Tuesdays and 13 of every other weekday (computed
  // independently with Python's datetime): weights × counts, normalized.
  const wp = [0, 1, 2, 3, 4, 5, 6].map((d) =>
    sum(utc.slice(d * 24, d * 24 + 24))
  );
  const expected = [
    0.16873589164785555,
    0.14898419864559823,
    0.15406320541760724,
    0.15406320541760724,
    0.14672686230248308,
    0.11738148984198647,
    0.1100451467268623,
  ];
  wp.forEach((p, i) =>
    assert.ok(Math.abs(p - expected[i]) < 1e-12, `weekday ${i + 1}`)
  );
  // Fallback rates: E_e[F_Beta(threshold + e)], e ~ Normal(0, noise_sd), by Simpson's
  // rule over ±8 sd (an independent quadrature of the same integral).
  const { threshold, noise_sd } = config.fallback;
  const simpson = (alpha: number, beta: number) => {
    const n = 4000, a = -8 * noise_sd, h = (16 * noise_sd) / n;
    let acc = 0;
    for (let i = 0; i <= n; i++) {
      const x = a + i * h;
      const f = betaCdf(threshold + x, alpha, beta) *
        Math.exp(-0.5 * (x / noise_sd) ** 2) /
        (noise_sd * Math.sqrt(2 * Math.PI));
      acc += f * (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
    }
    return acc * h / 3;
  };
  fallbackRates(config).forEach((r, i) => {
    const { alpha, beta } = config.intents[i].confidence;
    assert.ok(Math.abs(r - simpson(alpha, beta)) < 1e-6, `intent ${i}`);
  });
  // Satisfaction probabilities sum to 1 and shift with sentiment.
  const s0 = satisfactionProbs(config, 0, false),
    s1 = satisfactionProbs(config, 0.8, false);
  assert.ok(Math.abs(sum(s0) - 1) < 1e-12);
  assert.ok(s1[4] > s0[4]);
});

Deno.test("tests against known reference values (R: chisq.test, binom.test, pnorm, p.adjust)", () => {
  // chisq.test(c(10, 20, 30), p = c(0.2, 0.3, 0.5)): X-squared = 0.5556, df = 2, p = 0.7575.
  const c = chiSquare([10, 20, 30], [0.2, 0.3, 0.5], false);
  assert.ok(Math.abs(c.statistic - 0.5555556) < 1e-6);
  assert.equal(c.df, 2);
  assert.ok(Math.abs(c.pValue - 0.7574651) < 1e-6);
  // A probability-0 category with observations fails outright.
  assert.equal(chiSquare([5, 1], [1, 0], false).pValue, 0);
  // Central binomial: x = 2, n = 20, p = 0.3 → 2 × P(X ≤ 2) = 2 × 0.03548313.
  assert.ok(Math.abs(binomial(2, 20, 0.3).pValue - 0.07096626) < 1e-7);
  // Ratio over 20 sessions of 10 turns, 10 with 3 events and 10 with 1, against 0.25:
  // z = (40 − 0.25 × 200) / √(10 × 0.5² + 10 × 1.5²) = −2; 2 * pnorm(-2) = 0.04550026.
  const rz = ratioZTest(40, 200, 0.25, 10 * 0.25 + 10 * 2.25, 20);
  assert.ok(Math.abs(rz.statistic + 2) < 1e-12);
  assert.ok(Math.abs(rz.pValue - 0.04550026) < 1e-7);
  assert.ok(ratioZTest(40, 200, 0.25, 25, 19).skipped);
  // Mean 1.1 of 100 values with variance 0.09 against 1.15: z = −5/3;
  // 2 * pnorm(-5/3) = 0.09558070.
  const mz = meanZTest(100, 1.1, 0.09, 1.15);
  assert.ok(Math.abs(mz.statistic + 5 / 3) < 1e-12);
  assert.ok(Math.abs(mz.pValue - 0.0955807) < 1e-7);
  // No spread: a pass only at the expected value itself.
  assert.equal(meanZTest(50, 1, 0, 1).pValue, 1);
  assert.equal(meanZTest(50, 1, 0, 1.2).pValue, 0);
  // p.adjust(c(0.01, 0.02, 0.5), "holm") = 0.03, 0.04, 0.5.
  assert.deepEqual(holm([0.01, 0.02, 0.5]).map((x) => Number(x.toFixed(10))), [
    0.03,
    0.04,
    0.5,
  ]);
});

Deno.test("an event of probability exactly 0 that happens (or one of probability 1 that does not) has p = 0 in every test", () => {
  // The oracle is the definition: P(X > 0) = 0 when every trial has probability 0, so
  // no p-value can exceed 0; chiSquare already agrees for a zero-probability cell.
  assert.equal(chiSquare([2990, 10], [1, 0], false).pValue, 0);
  // Binomial: the impossible outcomes, and the possible ones next to them.
  assert.equal(binomial(10, 3000, 0).pValue, 0);
  assert.equal(binomial(1, 1, 0).pValue, 0);
  assert.equal(binomial(0, 3000, 0).pValue, 1);
  assert.equal(binomial(2990, 3000, 1).pValue, 0);
  assert.equal(binomial(3000, 3000, 1).pValue, 1);
  // Ratio: 10 of 3,000 sessions with one event each against a share of 0 was
  // z = 10 / √10, p = 2 * pnorm(-sqrt(10)) = 0.0015654 before Holm's adjustment.
  const r = ratioZTest(10, 21000, 0, 10, 3000);
  assert.equal(r.pValue, 0);
  assert.equal(r.statistic, Infinity);
  // Impossible even below the session count a z-test needs.
  assert.equal(ratioZTest(1, 7, 0, 1, 1).pValue, 0);
  // Share 1 (every pair the same intent), 10 of 1,000 pairs missing it.
  const one = ratioZTest(990, 1000, 1, 10, 100);
  assert.equal(one.pValue, 0);
  assert.equal(one.statistic, -Infinity);
  // Share 0 with no event, share 1 with every unit: nothing impossible.
  assert.equal(ratioZTest(0, 21000, 0, 0, 3000).pValue, 1);
  assert.equal(ratioZTest(1000, 1000, 1, 0, 100).pValue, 1);
  // Mean at the bottom (top) of the model's support, observed above (below) it.
  const support = { min: 0, max: 2 };
  assert.equal(meanZTest(3000, 10 / 3000, 0.0033, 0, support).pValue, 0);
  assert.equal(meanZTest(3000, 1.99, 0.0099, 2, support).pValue, 0);
  assert.equal(meanZTest(3000, 0, 0, 0, support).pValue, 1);
  // Inside the support the z-test is unchanged: 2 * pnorm(-5/3) = 0.0955807.
  assert.ok(
    Math.abs(meanZTest(100, 1.1, 0.09, 1.15, support).pValue - 0.0955807) <
      1e-7,
  );
  // Sum of binomials: one group of probability 0 with an event fails outright,
  // however large the other groups' variance.
  assert.equal(
    sumOfBinomialsZTest([80, 1], [1000, 1000], [0.08, 0]).pValue,
    0,
  );
  assert.equal(
    sumOfBinomialsZTest([80, 999], [1000, 1000], [0.08, 1]).pValue,
    0,
  );
  // Otherwise z = (20 − 10) / √(100 × 0.1 × 0.9) = 10 / 3:
  // 2 * pnorm(-10/3) = 0.0008581207.
  const s = sumOfBinomialsZTest([20, 0], [100, 50], [0.1, 0]);
  assert.ok(Math.abs(s.statistic - 10 / 3) < 1e-12);
  assert.ok(Math.abs(s.pValue - 0.0008581207) < 1e-9);
  assert.ok(sumOfBinomialsZTest([0], [0], [0.1]).skipped);
});

Deno.test("chi-square with fewer than two usable cells is skipped and passes, plain or stratified", () => {
  // No observations, or every expected count in one cell: nothing to test (df 0).
  for (
    const r of [
      chiSquare([0, 0, 0], [0.2, 0.3, 0.5], false),
      chiSquare([3], [1], false),
      stratifiedChiSquare([{ observed: [0, 0], probs: [0.5, 0.5] }]),
      stratifiedChiSquare([]),
    ]
  ) {
    assert.equal(r.test, "chi-square");
    assert.equal(r.pValue, 1);
    assert.equal(r.df, 0);
    assert.match(r.skipped ?? "", /too few observations/);
  }
});

Deno.test("the config of the manifest is what validate tests against", async () => {
  // A dataset generated from a config whose latency differs from the repository's
  // config.yaml: read from the manifest, validation passes; against config.yaml (what
  // validate would test if it read the working folder's config) it fails on latency.
  const ds = shiftedDataset((t) =>
    t.replace("latency_ms: { mu: 6.6,", "latency_ms: { mu: 6.7,")
  );
  try {
    const manifestConfig = parseConfig(ds.manifest.config.text, "m");
    assert.equal(manifestConfig.latency_ms.mu, 6.7);
    assert.equal(base.config.latency_ms.mu, 6.6);
    const r = await validateDataset(ds.dir);
    assert.equal(r.pass, true, failedQuantities(r).join(", "));
    assert.equal(r.dataset.seed, 4);
    const against = await validateDataset(ds.dir, { againstConfig: config });
    assert.equal(against.pass, false);
    // The CLI, run from the repository root whose config.yaml is the unshifted one.
    const v = runMain(
      ["--allow-read", `--allow-write=${ds.dir}`, "--allow-env"],
      ["validate", ds.dir],
    );
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /PASS/);
  } finally {
    ds.cleanup();
  }
});
