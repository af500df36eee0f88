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
  turnsPmf,
} from "../lib/validate/targets.ts";
import { binomial, chiSquare, holm } from "../lib/validate/gof.ts";
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

Deno.test("a dataset from a shifted intent mix fails on the intent mix", async () => {
  const ds = shiftedDataset((t) =>
    t.replace("probability: 0.22", "probability: 0.26").replace(
      "probability: 0.18",
      "probability: 0.14",
    )
  );
  try {
    const r = await validateDataset(ds.dir, { againstConfig: config });
    assert.equal(r.pass, false);
    assert.ok(
      failedQuantities(r).includes("intent (per turn)"),
      failedQuantities(r).join(", "),
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
      /FAIL {2}escalated = an escalation turn/,
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
  // Censored geometric: mean (1 - (6/7)^60) * 7.
  const tp = turnsPmf(config);
  assert.equal(tp.length, 60);
  assert.ok(Math.abs(sum(tp) - 1) < 1e-12);
  assert.ok(
    Math.abs(sum(tp.map((p, i) => p * (i + 1))) - 7 * (1 - (6 / 7) ** 60)) <
      1e-9,
  );
  assert.ok(Math.abs(tp[0] - 1 / 7) < 1e-15);
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
  // Fallback rates as in the README's table.
  const fr = fallbackRates(config).map((x) => Number((x * 100).toFixed(2)));
  assert.deepEqual(fr, [6.46, 8.0, 9.99, 7.02, 6.46, 9.01, 9.98, 9.98]);
  // Satisfaction probabilities sum to 1 and shift with sentiment.
  const s0 = satisfactionProbs(config, 0, false),
    s1 = satisfactionProbs(config, 0.8, false);
  assert.ok(Math.abs(sum(s0) - 1) < 1e-12);
  assert.ok(s1[4] > s0[4]);
});

Deno.test("tests against known reference values (R: chisq.test, binom.test, p.adjust)", () => {
  // chisq.test(c(10, 20, 30), p = c(0.2, 0.3, 0.5)): X-squared = 0.5556, df = 2, p = 0.7575.
  const c = chiSquare([10, 20, 30], [0.2, 0.3, 0.5], false);
  assert.ok(Math.abs(c.statistic - 0.5555556) < 1e-6);
  assert.equal(c.df, 2);
  assert.ok(Math.abs(c.pValue - 0.7574651) < 1e-6);
  // A probability-0 category with observations fails outright.
  assert.equal(chiSquare([5, 1], [1, 0], false).pValue, 0);
  // Central binomial: x = 2, n = 20, p = 0.3 → 2 × P(X ≤ 2) = 2 × 0.03548313.
  assert.ok(Math.abs(binomial(2, 20, 0.3).pValue - 0.07096626) < 1e-7);
  // p.adjust(c(0.01, 0.02, 0.5), "holm") = 0.03, 0.04, 0.5.
  assert.deepEqual(holm([0.01, 0.02, 0.5]).map((x) => Number(x.toFixed(10))), [
    0.03,
    0.04,
    0.5,
  ]);
});

Deno.test("the config of the manifest is what validate tests against", async () => {
  const ds = generateTemp({ sessions: 300, users: 80, seed: 21 });
  try {
    const r = await validateDataset(ds.dir);
    const manifestConfig = parseConfig(ds.manifest.config.text, "m");
    assert.equal(manifestConfig.latency_ms.mu, 6.6);
    assert.equal(r.dataset.seed, 21);
    assert.equal(r.dataset.sessions, 300);
  } finally {
    ds.cleanup();
  }
});
