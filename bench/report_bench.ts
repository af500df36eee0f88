/**
 * What `report.html` adds to `validate`'s time. Alternates two runs in one process,
 * several times: validate alone (read and test the dataset, `validateDataset`), and
 * validate as the command runs it (the same, with the files it does not read hashed
 * on a second thread meanwhile, then the figures built, the charts rendered and the
 * page assembled). Prints each run and the medians, and the report's share of
 * validate alone.
 *
 *   deno run -A bench/report_bench.ts DATASET_DIR [RUNS]
 *
 * Generate the dataset first, e.g. `deno run -A main.ts -q --sessions 100000 --out
 * output/bench100k`. Nothing is written into the dataset folder.
 */
import {
  validateDataset,
  validateWithEvidence,
} from "../lib/validate/validate.ts";
import { reportHtml } from "../lib/validate/report_html.ts";

const [dir, runsArg] = Deno.args;
if (!dir) {
  console.error("Usage: deno run -A bench/report_bench.ts DATASET_DIR [RUNS]");
  Deno.exit(2);
}
const runs = Number(runsArg ?? 5);
const alone: number[] = [], withReport: number[] = [], htmlOnly: number[] = [];
let bytes = 0;
// One warm-up of each, not counted (module loading, JIT).
for (let i = -1; i < runs; i++) {
  const t0 = performance.now();
  await validateDataset(dir);
  const t1 = performance.now();
  const { report, evidence } = await validateWithEvidence(dir, {
    hashOthers: true,
  });
  const t2 = performance.now();
  const html = await reportHtml(report, evidence, {
    datasetDir: dir,
    reportDir: dir,
  });
  const t3 = performance.now();
  bytes = new TextEncoder().encode(html).length;
  if (i < 0) continue;
  alone.push(t1 - t0);
  withReport.push(t3 - t1);
  htmlOnly.push(t3 - t2);
  console.log(
    `run ${i + 1}: validate ${(t1 - t0).toFixed(0)} ms; with report.html ${
      (t3 - t1).toFixed(0)
    } ms (of which after reading: ${(t3 - t2).toFixed(0)} ms)`,
  );
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const a = median(alone), w = median(withReport), h = median(htmlOnly);
console.log(
  `median of ${runs}: validate ${a.toFixed(0)} ms, with report.html ${
    w.toFixed(0)
  } ms: +${(100 * (w - a) / a).toFixed(1)}% (after reading: ${
    h.toFixed(0)
  } ms); report.html ${bytes} bytes`,
);
