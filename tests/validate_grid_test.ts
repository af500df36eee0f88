/**
 * Continuous quantities are tested as stored, on their rounding grid: a confidence
 * distribution so extreme that nearly every stored value is 0.0000 or 1.0000
 * (Beta(0.001, 0.001)) passes validation, where a Kolmogorov–Smirnov test of the
 * rounded values against the continuous CDF rejects it with certainty. The slow
 * variant (CHATSYNTH_SLOW=1) counts false failures over 20 seeds.
 */
import assert from "node:assert/strict";
import kstest from "@stdlib/stats-kstest";
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import { generateTemp, readCsvObjects, ROOT } from "./helpers.ts";
import { validateDataset } from "../lib/validate/validate.ts";
import { ksTestGrid } from "../lib/validate/gof.ts";
import {
  addSentimentCellProbs,
  localStartCellProbs,
  SENTIMENT_CELLS,
  sentimentCell,
} from "../lib/validate/targets.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/generate.ts";
import { StreamFactory } from "../lib/random/mod.ts";

const base = loadConfig(`${ROOT}/config.yaml`);
const config = effectiveConfig(base.config, {}, base.source);
const SMALLTALK =
  "    description: Greetings, thanks and goodbye\n    confidence: { alpha: 4.50, beta: 1.90 }";

/** Generate with the smalltalk intent's confidence Beta(0.001, 0.001). */
function extremeBetaDataset(seed: number) {
  assert.equal(base.text.split(SMALLTALK).length, 2);
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  Deno.writeTextFileSync(
    tmp,
    base.text.replace(
      SMALLTALK,
      "    description: Greetings, thanks and goodbye\n    confidence: { alpha: 0.001, beta: 0.001 }",
    ),
  );
  try {
    return generateTemp(
      { seed, sessions: 3000, users: 600, formats: ["star"] },
      tmp,
    );
  } finally {
    Deno.removeSync(tmp);
  }
}

Deno.test("Beta(0.001, 0.001) confidences, stored as 0.0000 or 1.0000, pass; KS on the continuous CDF would reject them", async () => {
  for (const seed of [1, 2]) {
    const ds = extremeBetaDataset(seed);
    try {
      // The failing input: read the stored confidences with a strict CSV parser.
      const smalltalk = readCsvObjects(`${ds.dir}/star/fact_turn.csv`)
        .filter((r) => r.intent_key === "7")
        .map((r) => Number(r.confidence));
      const extreme = smalltalk.filter((x) => x === 0 || x === 1).length;
      assert.ok(extreme / smalltalk.length > 0.95, `${extreme}`);
      const old = kstest(smalltalk, (x: number) => betaCdf(x, 0.001, 0.001));
      assert.ok(old.pValue < 1e-6, `old KS p ${old.pValue}`);
      const r = await validateDataset(ds.dir);
      const failed = r.checks.filter((c) => !c.pass).map((c) => c.quantity);
      assert.equal(r.pass, true, `seed ${seed}: ${failed.join(", ")}`);
    } finally {
      ds.cleanup();
    }
  }
});

Deno.test({
  name:
    "false failures over 20 seeds with Beta(0.001, 0.001) stay at most 1 (slow: CHATSYNTH_SLOW=1)",
  ignore: !Deno.env.get("CHATSYNTH_SLOW"),
  fn: async () => {
    const failures: string[] = [];
    for (let seed = 101; seed <= 120; seed++) {
      const ds = extremeBetaDataset(seed);
      try {
        const r = await validateDataset(ds.dir);
        if (!r.pass) {
          failures.push(
            `seed ${seed}: ${
              r.checks.filter((c) => !c.pass).map((c) => c.quantity).join(", ")
            }`,
          );
        }
      } finally {
        ds.cleanup();
      }
    }
    console.log(`false failures: ${failures.length}/20 ${failures.join("; ")}`);
    assert.ok(failures.length <= 1, failures.join("; "));
  },
});

/** D = sup |F_n − G| by brute force over every grid value from min − 1 to max. */
function bruteD(sample: number[], cdf: (k: number) => number): number {
  let d = 0;
  const lo = Math.min(...sample), hi = Math.max(...sample);
  for (let x = lo - 1; x <= hi; x++) {
    const fn = sample.filter((v) => v <= x).length / sample.length;
    d = Math.max(d, Math.abs(fn - cdf(x)));
  }
  return d;
}

Deno.test("the grid Kolmogorov–Smirnov statistic is sup |F_n − G| over the grid, and its p-value is conservative", () => {
  const rng = new StreamFactory(5).stream("ks", 0);
  // A discrete distribution on 0..4 with masses 0.1, 0.4, 0.2, 0.2, 0.1.
  const cum = [0.1, 0.5, 0.7, 0.9, 1];
  const cdf = (k: number) => (k < 0 ? 0 : k >= 4 ? 1 : cum[k]);
  const draw = () => {
    const u = rng.next();
    return cum.findIndex((c) => u < c);
  };
  let rejected = 0;
  const reps = 400;
  for (let i = 0; i < reps; i++) {
    const s = Array.from({ length: 50 }, draw);
    const r = ksTestGrid(s, cdf);
    assert.ok(Math.abs(r.statistic - bruteD(s, cdf)) < 1e-12);
    if (r.pValue < 0.05) rejected++;
  }
  // Conservative: at most the level (with room for sampling error: 5% of 400 = 20,
  // sd ≈ 4.4); on so coarse a grid it is far below.
  assert.ok(rejected <= 20, `${rejected} of ${reps} rejected at 5%`);
  // A wrong distribution is still rejected.
  const shifted = Array.from({ length: 200 }, () => Math.min(4, draw() + 1));
  assert.ok(ksTestGrid(shifted, cdf).pValue < 1e-6);
});

Deno.test("sentiment cells and their probabilities follow the 4-decimal grid and the clamp (reference: Python math.erfc)", () => {
  assert.equal(sentimentCell(-1), 0);
  assert.equal(sentimentCell(-0.9999), 1);
  assert.equal(sentimentCell(-0.9001), 1);
  assert.equal(sentimentCell(-0.9), 2);
  assert.equal(sentimentCell(-0.45), 6);
  assert.equal(sentimentCell(0.9999), 20);
  assert.equal(sentimentCell(1), 21);
  assert.equal(sentimentCell(1.0001), -1);
  const c = structuredClone(config);
  c.outcomes.sentiment.noise_sd = 0.25;
  const p0 = new Float64Array(SENTIMENT_CELLS);
  addSentimentCellProbs(c, 0, p0);
  assert.ok(Math.abs(p0.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  // Φ(−0.99995 / 0.25): the raw values that store as −1.0000.
  assert.ok(Math.abs(p0[0] - 3.1698018587368055e-05) < 1e-12);
  // Cell 6: raw values in [−0.50005, −0.40005).
  assert.ok(Math.abs(p0[6] - 0.03203777516755884) < 1e-12);
  const p3 = new Float64Array(SENTIMENT_CELLS);
  addSentimentCellProbs(c, 0.3, p3);
  // 1 − Φ((0.99995 − 0.3) / 0.25): the raw values that store as 1.0000.
  assert.ok(Math.abs(p3[21] - 0.002556713864081961) < 1e-12);
});

Deno.test("the joint local weekday × hour target counts each weekday's days in the calendar; in UTC it is the plain product (reference: Python datetime)", () => {
  // A zone without offset or daylight saving time: local time is UTC.
  const p = localStartCellProbs(config, "Etc/UTC");
  assert.equal(p.length, 168);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(p[0 * 24 + 9] - 0.009880930591991528) < 1e-15);
  assert.ok(Math.abs(p[6 * 24 + 3] - 0.0004956988591300098) < 1e-15);
  assert.ok(Math.abs(p[5 * 24 + 20] - 0.007666809021210819) < 1e-15);
});
