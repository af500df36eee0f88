/**
 * `report.html` (lib/validate/report_html.ts, lib/validate/evidence.ts) against
 * oracles that are not the report: DuckDB reading the dataset's CSV files for the
 * charts' observed values, `sha256sum` for the fingerprint, `validation.json` read by
 * a strict JSON parser for the checks shown, SciPy's values for the Wilson interval
 * and the binomial quantile, the shift identity of a fixed-offset time zone for the
 * UTC heatmap, and a child process under another time zone and locale for the bytes.
 * The page in a real browser: tests/report_browser_test.ts.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { relative, resolve } from "node:path";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/config/effective.ts";
import {
  gridQuantile,
  reportFigures,
  wilsonInterval,
} from "../lib/validate/evidence.ts";
import { startCellProbs } from "../lib/validate/targets.ts";
import { reportHtml, scopeSvgIds } from "../lib/validate/report_html.ts";
import { validateWithEvidence } from "../lib/validate/validate.ts";
import type { Manifest } from "../lib/manifest/manifest.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";

const ds = generateTemp({ sessions: 3000, users: 300, seed: 11 });
/** A small dataset for the tests that run validate as a child process. */
const small = generateTemp({ sessions: 200, users: 40, seed: 12 });
globalThis.addEventListener("unload", () => {
  ds.cleanup();
  small.cleanup();
});

/** The one `<code>` of the fingerprint line. */
function shownFingerprint(html: string): string {
  const m = html.match(
    /<p class="fingerprint">[^\n]*?<code>([0-9a-f]{64})<\/code>/,
  );
  assert.ok(m, "no fingerprint line");
  return m[1];
}

function sha256sum(paths: string[], cwd: string): string[] {
  const out = new Deno.Command("sha256sum", {
    args: ["--", ...paths],
    cwd,
    stdout: "piped",
  }).outputSync();
  assert.ok(out.success);
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
    l.slice(0, 64)
  );
}

/** The fingerprint by `sha256sum`: every data file's digest, sorted, one per line, hashed. */
async function fingerprintBySha256sum(dir: string): Promise<string> {
  const m: Manifest = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  const digests = sha256sum(m.files.map((f) => f.path), dir).sort();
  const child = new Deno.Command("sha256sum", {
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(
    new TextEncoder().encode(digests.map((d) => `${d}\n`).join("")),
  );
  await w.close();
  const r = await child.output();
  return new TextDecoder().decode(r.stdout).slice(0, 64);
}

Deno.test("report.html: written by validate next to validation.json, the same bytes under another TZ and locale, outside the fingerprint", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-html-" });
  try {
    const here = await runCliInProcess([
      "validate",
      ds.dir,
      "--report",
      `${tmp}/a`,
    ]);
    assert.equal(here.code, 0, here.stderr);
    assert.match(here.stdout, /and .*\/a\/report\.html$/m);
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      TZ: "Australia/Sydney",
      LANG: "de_DE.UTF-8",
      LC_ALL: "de_DE.UTF-8",
    };
    delete env.RUST_BACKTRACE;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}/main.ts`,
        "validate",
        "-q",
        ds.dir,
        "--report",
        `${tmp}/b`,
      ],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    const [a, b] = sha256sum(
      [`${tmp}/a/report.html`, `${tmp}/b/report.html`],
      tmp,
    );
    assert.equal(a, b, "report.html differs between the runs");
    // Outside the fingerprint: the manifest does not list it, verify ignores it.
    await runCliInProcess(["validate", "-q", ds.dir]);
    assert.ok(listFiles(ds.dir).includes("report.html"));
    const m: Manifest = JSON.parse(
      Deno.readTextFileSync(`${ds.dir}/manifest.json`),
    );
    assert.ok(!m.files.some((f) => f.path.includes("report")));
    const v = await runCliInProcess(["verify", "-q", ds.dir]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("report.html: the fingerprint shown is sha256sum's over the files, and says so when a file it did not read changed", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-html-" });
  try {
    const copy = `${tmp}/d`;
    new Deno.Command("cp", { args: ["-r", ds.dir, copy] }).outputSync();
    const r1 = await runCliInProcess(["validate", "-q", copy]);
    assert.equal(r1.code, 0, r1.stderr);
    const html = Deno.readTextFileSync(`${copy}/report.html`);
    const want = await fingerprintBySha256sum(copy);
    assert.equal(shownFingerprint(html), want);
    assert.match(html, /equal to the one manifest\.json records/);
    // A file validate does not read (the snowflake schema: it reads the star).
    const other = `${copy}/snowflake/dim_country.csv`;
    Deno.writeTextFileSync(other, "changed\n", { append: true });
    const r2 = await runCliInProcess(["validate", "-q", copy]);
    assert.equal(r2.code, 0, r2.stderr);
    const after = Deno.readTextFileSync(`${copy}/report.html`);
    assert.equal(shownFingerprint(after), await fingerprintBySha256sum(copy));
    assert.notEqual(shownFingerprint(after), want);
    assert.match(
      after,
      /<strong>differs<\/strong> from the one manifest\.json records \(<code>[0-9a-f]{64}<\/code>\); not the size or SHA-256 it records: snowflake\/dim_country\.csv\. Run verify\./,
    );
    // A file gone: said, not thrown.
    Deno.removeSync(other);
    const r3 = await runCliInProcess(["validate", "-q", copy]);
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(
      Deno.readTextFileSync(`${copy}/report.html`),
      /Fingerprint not computable from the files \(snowflake\/dim_country\.csv: missing\)/,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

/**
 * Run `deno run -A main.ts ARGS` and wait at most `ms`: the exit code, or `undefined`
 * when the process had to be killed (it hung).
 */
async function exitCodeWithin(args: string[], ms: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const code = await Promise.race([child.status.then((s) => s.code), late]);
  clearTimeout(timer);
  if (code === undefined) {
    child.kill("SIGKILL");
    await child.status;
  }
  return code;
}

Deno.test("report.html: a FIFO or a symbolic link to /dev/zero in place of a file validate does not read is named, never opened", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-html-" });
  try {
    const copy = `${tmp}/d`;
    new Deno.Command("cp", { args: ["-r", small.dir, copy] }).outputSync();
    // Files of the snowflake schema: validate reads the star schema.
    const fifo = `${copy}/snowflake/dim_country.csv`;
    Deno.removeSync(fifo);
    const mk = new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    assert.ok(mk.success);
    // Opening a FIFO waits for a writer: before the fix validate never ended.
    assert.equal(await exitCodeWithin(["validate", "-q", copy], 60_000), 0);
    assert.match(
      Deno.readTextFileSync(`${copy}/report.html`),
      /Fingerprint not computable from the files \(snowflake\/dim_country\.csv: not a regular file/,
    );
    Deno.removeSync(fifo);
    Deno.symlinkSync("/dev/zero", fifo);
    // Reading /dev/zero never ends.
    assert.equal(await exitCodeWithin(["validate", "-q", copy], 60_000), 0);
    assert.match(
      Deno.readTextFileSync(`${copy}/report.html`),
      /Fingerprint not computable from the files \(snowflake\/dim_country\.csv: a symbolic link, not a regular file\)/,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("report.html: with read access to the dataset only, validate hashes on its own thread: no worker error on stderr, the fingerprint is sha256sum's", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-html-" });
  try {
    const copy = `${tmp}/d`;
    new Deno.Command("cp", { args: ["-r", small.dir, copy] }).outputSync();
    const r = runMain([
      `--allow-read=${copy}`,
      `--allow-write=${copy}`,
      "--allow-env=LOG_TOKENS,LOG_STREAM,NO_COLOR,TERM",
    ], ["validate", "-q", copy]);
    // Before the fix: exit 0, but Deno's "error: Uncaught (in worker ...)" on stderr.
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(
      shownFingerprint(Deno.readTextFileSync(`${copy}/report.html`)),
      await fingerprintBySha256sum(copy),
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("report.html: every check of validation.json beside a figure once, every figure an SVG, ids unique, nothing fetched", async () => {
  const r = await runCliInProcess(["validate", "-q", ds.dir]);
  assert.equal(r.code, 0, r.stderr);
  const html = Deno.readTextFileSync(`${ds.dir}/report.html`);
  const json = JSON.parse(Deno.readTextFileSync(`${ds.dir}/validation.json`));
  const esc = (s: string) =>
    s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;");
  const rows = [
    ...html.matchAll(/<tr class="check"><td>([^<]*)<\/td><td>([^<]*)<\/td>/g),
  ]
    .map((m) => `${m[1]}\t${m[2]}`);
  const checks = (json.checks as { quantity: string; test: string }[]).map((
    c,
  ) => `${esc(c.quantity)}\t${esc(c.test)}`);
  assert.deepEqual([...rows].sort(), [...checks].sort());
  for (const rule of json.rules as { rule: string }[]) {
    assert.ok(html.includes(`<td>${esc(rule.rule)}</td>`), rule.rule);
  }
  const charts = Number(html.match(/<body data-charts="(\d+)">/)![1]);
  const figures = html.split('<figure class="chart"').slice(1);
  assert.equal(figures.length, charts);
  assert.ok(charts >= 15, `${charts} charts`);
  for (const f of figures) {
    assert.equal(f.match(/<svg /g)?.length, 1, f.slice(0, 80));
    assert.ok(/<path|<rect|<line/.test(f), f.slice(0, 80));
  }
  // Ids unique in the page; every url(#…) and href="#…" points to one of them.
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  for (const m of html.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)) {
    assert.ok(ids.includes(m[1] ?? m[2]), m[0]);
  }
  // Self-contained: no script, no stylesheet or image to fetch, no remote URL but
  // namespace names.
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|\bsrc=/i);
  // Namespace names are identifiers, never fetched.
  const noNamespaces = html.replace(/\sxmlns(:[a-z]+)?="[^"]*"/g, "");
  assert.doesNotMatch(noNamespaces, /https?:/);
  for (const m of html.matchAll(/url\(([^)]*)\)/g)) assert.match(m[1], /^#/);
  assert.match(
    html,
    /^<!DOCTYPE html>\n<!-- chatsynth validation report -->\n<html lang="en">/,
  );
  assert.match(
    html,
    /<p class="verdict pass">PASS, \d+\/\d+ statistical checks/,
  );
});

/** The rows of a figure's inline data. */
function dataOf(spec: unknown): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}

Deno.test("report.html: the charts' observed values are DuckDB's counts over the CSV files; expected counts add up to what was read", async () => {
  const { report, evidence } = await validateWithEvidence(ds.dir);
  const { figures, rest } = reportFigures(
    evidence.config,
    evidence.obs,
    report.checks,
    report.quality,
  );
  assert.deepEqual(rest, []);
  const fig = (id: string) => figures.find((f) => f.id === id)!;
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const rowsOf = async (sql: string) =>
    (await con.runAndReadAll(sql)).getRowObjectsJS();
  try {
    const star = `${ds.dir}/star`;
    // Devices of users.
    const devices = await rowsOf(
      `SELECT device_name AS k, count(*)::DOUBLE / sum(count(*)) OVER () AS s FROM read_csv('${star}/dim_user.csv', all_varchar = true) GROUP BY 1`,
    );
    const shown = dataOf(fig("fig-users").spec).filter((r) =>
      r.panel === "device" && r.series === "observed"
    );
    assert.equal(shown.length, evidence.config.population.devices.length);
    for (const d of devices) {
      const s = shown.find((r) => r.category === d.k)!;
      assert.ok(
        Math.abs((s.share as number) - (d.s as number)) < 1e-12,
        `${d.k}`,
      );
    }
    // Turns per session.
    const turns = await rowsOf(
      `SELECT turn_count::INTEGER AS k, count(*)::INTEGER AS n FROM read_csv('${star}/fact_session.csv', all_varchar = true) GROUP BY 1`,
    );
    const bars = dataOf(fig("fig-turns").spec);
    for (const t of turns) {
      const b = bars.find((r) => r.from === (t.k as number) - 0.5)!;
      assert.equal(b.observed, t.n, `turns ${t.k}`);
    }
    const expectedTurns = bars.reduce((a, r) => a + (r.expected as number), 0);
    assert.ok(Math.abs(expectedTurns - 3000) < 1, `${expectedTurns}`);
    // Session starts in UTC: weekday (Monday = 0) and hour of start_ts.
    const utc = await rowsOf(
      `SELECT (isodow(ts) - 1) * 24 + hour(ts) AS cell, count(*)::INTEGER AS n FROM (SELECT strptime(start_ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts FROM read_csv('${star}/fact_session.csv', all_varchar = true)) GROUP BY 1`,
    );
    const cells = dataOf(fig("fig-starts").spec).filter((r) =>
      r.panel === "UTC, observed"
    );
    const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const byCell = new Map(
      cells.map((
        r,
      ) => [days.indexOf(r.day as string) * 24 + (r.hour as number), r.count]),
    );
    assert.equal(byCell.size, 168);
    let seen = 0;
    for (const u of utc) {
      assert.equal(byCell.get(Number(u.cell)), u.n, `cell ${u.cell}`);
      seen += u.n as number;
    }
    assert.equal(seen, 3000);
    for (const panel of ["local time, expected", "UTC, expected"]) {
      const total = dataOf(fig("fig-starts").spec).filter((r) =>
        r.panel === panel
      )
        .reduce((a, r) => a + (r.count as number), 0);
      assert.ok(Math.abs(total - 3000) < 1e-6, `${panel} ${total}`);
    }
    // Fallback rate per intent: DuckDB's count of fallback turns.
    const fb = await rowsOf(
      `SELECT i.intent_name AS k, avg(CASE WHEN t.is_fallback = 'true' THEN 1 ELSE 0 END) AS r FROM read_csv('${star}/fact_turn.csv', all_varchar = true) t JOIN read_csv('${star}/dim_intent.csv', all_varchar = true) i USING (intent_key) GROUP BY 1`,
    );
    const rates = dataOf(fig("fig-fallback").spec);
    for (const f of fb) {
      const row = rates.find((r) => r.label === f.k)!;
      assert.ok(
        Math.abs((row.observed as number) - (f.r as number)) < 1e-12,
        `${f.k}`,
      );
      assert.ok(
        (row.low as number) <= (row.observed as number) &&
          (row.observed as number) <= (row.high as number),
      );
      assert.ok(
        (row.bandLow as number) <= (row.target as number) &&
          (row.target as number) <= (row.bandHigh as number),
      );
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
});

Deno.test("report figures: Wilson intervals and binomial quantiles equal SciPy's", () => {
  // scipy.stats.binomtest(x, n).proportion_ci(confidence_level=0.99, method="wilson")
  const wilson: [number, number, number, number][] = [
    [8, 100, 0.0335905628590715, 0.1786748148222198],
    [0, 50, 0, 0.11715209171762797],
    [50, 50, 0.8828479082823721, 1],
    [723, 20000, 0.03290105436320285, 0.03970660325181231],
    [3, 7, 0.11637368051613817, 0.8102850959116125],
  ];
  for (const [x, n, lo, hi] of wilson) {
    const [l, h] = wilsonInterval(x, n);
    assert.ok(
      Math.abs(l - lo) < 1e-12 && Math.abs(h - hi) < 1e-12,
      `${x}/${n}: ${l} ${h}`,
    );
  }
  // scipy.stats.binom.ppf(p, 10, 0.3) for p = 0.01, 0.1, 0.5, 0.9, 0.99: 0, 1, 3, 5, 7
  const pmf = (k: number) => {
    let c = 1;
    for (let i = 0; i < k; i++) c = (c * (10 - i)) / (i + 1);
    return c * 0.3 ** k * 0.7 ** (10 - k);
  };
  const cdf = (k: number) => {
    let s = 0;
    for (let i = 0; i <= Math.min(10, Math.floor(k)); i++) s += pmf(i);
    return k < 0 ? 0 : s;
  };
  assert.deepEqual(
    [0.01, 0.1, 0.5, 0.9, 0.99].map((p) => gridQuantile(cdf, p)),
    [0, 1, 3, 5, 7],
  );
});

Deno.test("report figures: in a zone at a fixed whole-hour offset, the UTC start cells are the local ones shifted by the offset", () => {
  const loaded = loadConfig(`${ROOT}/config.yaml`);
  const c = effectiveConfig(loaded.config, {}, loaded.source);
  // Asia/Tokyo: UTC+9 all year, no daylight saving time since 1951.
  const { local, utc } = startCellProbs(c, "Asia/Tokyo");
  for (let u = 0; u < 168; u++) {
    assert.ok(Math.abs(utc[u] - local[(u + 9) % 168]) < 1e-15, `cell ${u}`);
  }
  // UTC itself: the two clocks agree.
  const z = startCellProbs(c, "UTC");
  assert.deepEqual(z.utc, z.local);
});

Deno.test("report.html: a failing dataset says FAIL at the top and marks the failing checks", async () => {
  const loaded = loadConfig(`${ROOT}/config.yaml`);
  const c = effectiveConfig(loaded.config, {}, loaded.source);
  // Test against devices the dataset was not drawn from.
  const devices = c.population.devices.map((d, i, all) => ({
    ...d,
    probability: all[all.length - 1 - i].probability,
  }));
  const against = { ...c, population: { ...c.population, devices } };
  const { report, evidence } = await validateWithEvidence(ds.dir, {
    againstConfig: against,
  });
  assert.equal(report.pass, false);
  const html = await reportHtml(report, evidence, {
    datasetDir: ds.dir,
    reportDir: ds.dir,
  });
  assert.match(html, /<p class="verdict fail">FAIL, /);
  assert.match(
    html,
    /<tr class="check"><td>device \(per user\)<\/td>.*<td class="bad">FAIL<\/td><\/tr>/,
  );
});

Deno.test("report.html: links bench.svg when the dataset has one, from another report folder too", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-html-" });
  try {
    const { report, evidence } = await validateWithEvidence(ds.dir);
    const place = { datasetDir: ds.dir, reportDir: `${tmp}/deep/rep` };
    assert.doesNotMatch(
      await reportHtml(report, evidence, place),
      /bench\.svg/,
    );
    Deno.writeTextFileSync(
      `${ds.dir}/bench.svg`,
      '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    );
    try {
      const html = await reportHtml(report, evidence, place);
      const href = html.match(/<a href="([^"]*bench\.svg)">/)![1];
      assert.equal(
        resolve(place.reportDir, decodeURIComponent(href)),
        resolve(ds.dir, "bench.svg"),
      );
      assert.equal(href, relative(place.reportDir, `${ds.dir}/bench.svg`));
      const same = await reportHtml(report, evidence, {
        datasetDir: ds.dir,
        reportDir: ds.dir,
      });
      assert.match(same, /<a href="bench\.svg">/);
    } finally {
      Deno.removeSync(`${ds.dir}/bench.svg`);
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("scopeSvgIds: two charts' gradients keep apart in one page", () => {
  const svg =
    '<svg><defs><linearGradient id="gradient_0"/><clipPath id="clip1"/></defs><g clip-path="url(#clip1)"><path fill="url(#gradient_0)"/></g><use href="#clip1"/></svg>';
  const a = scopeSvgIds(svg, "fig-a"), b = scopeSvgIds(svg, "fig-b");
  const ids = [...(a + b).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids, [
    "fig-a-gradient_0",
    "fig-a-clip1",
    "fig-b-gradient_0",
    "fig-b-clip1",
  ]);
  assert.ok(
    a.includes("url(#fig-a-clip1)") && a.includes('href="#fig-a-clip1"'),
  );
});

Deno.test("report figures: a share of nothing is not drawn (an intent without turns, no task-turn pairs)", async () => {
  const { report, evidence } = await validateWithEvidence(ds.dir);
  const o = evidence.obs;
  const last = evidence.config.intents.length - 1;
  o.intentCounts[last] = 0;
  o.fallbacksByIntent[last] = 0;
  o.taskPairs = 0;
  o.sameIntentPairs = 0;
  const { figures } = reportFigures(
    evidence.config,
    o,
    report.checks,
    report.quality,
  );
  const rows = (id: string) =>
    dataOf(figures.find((f) => f.id === id)!.spec).map((r) => r.label);
  assert.ok(!rows("fig-fallback").includes(evidence.config.intents[last].name));
  assert.equal(rows("fig-fallback").length, last);
  assert.ok(
    !rows("fig-dialogue").includes("same intent as the previous task turn"),
  );
  for (const r of [...rows("fig-fallback"), ...rows("fig-dialogue")]) {
    assert.equal(typeof r, "string");
  }
});
