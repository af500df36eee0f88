/**
 * The HTML validation report (`report.html` of `validate` on a small dataset),
 * checked in a real browser (headless Chromium): no console error or warning, no
 * script error, no request leaving the file, as many charts as `<body data-charts>`
 * says, each an svg with a visible box and drawn marks, the verdict and the
 * fingerprint shown (equal to the one sha256sum gives), and a PNG screenshot whose
 * header agrees with the page the browser laid out (output.browser/report.png:
 * beside output/, not in it, where it would be an extra file of the dataset
 * `deno run -P main.ts` writes there, failing `verify` and refusing `--force`).
 * Fixture pages built to the same contract show the harness failing on a console
 * error, a script error, a chart without an svg, an empty or hidden svg and an
 * image from the network.
 *
 * Without a browser these tests are ignored, with one line on stderr saying why.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { findChromium, openReport, type ReportSeen } from "./browser.ts";
import { generateTemp, ROOT } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { renderSvg } from "../lib/chart/mod.ts";

const chromium = findChromium();
if (chromium === undefined) {
  const own = Deno.env.get("CHROMIUM_PATH") || undefined;
  const why = own === undefined
    ? "no Chromium found (install Debian's chromium or set CHROMIUM_PATH)"
    : `CHROMIUM_PATH "${own}" is not an executable file`;
  // One line, never a silent skip (`deno test` shows it as pre-test output).
  console.error(`report_browser_test: skipped, ${why}`);
}
const ignore = chromium === undefined;

/** Every reason `seen` is not a report a reader can use (empty when it is). */
function problemsOf(seen: ReportSeen): string[] {
  const out = [
    ...seen.console.map((m) => `console ${m}`),
    ...seen.pageErrors.map((m) => `page error: ${m}`),
    ...seen.blockedRequests.map((u) => `blocked request: ${u}`),
    ...seen.failedRequests.map((u) => `failed request: ${u}`),
  ];
  for (const c of seen.charts) {
    const name = c.id ? `chart #${c.id}` : "chart without id";
    if (!c.hasSvg) out.push(`${name}: no svg`);
    else if (c.width <= 0 || c.height <= 0) out.push(`${name}: svg not shown`);
    if (c.hasSvg && c.marks === 0) out.push(`${name}: no drawn marks`);
  }
  return out;
}

/** Width and height from a PNG's IHDR chunk, after checking signature and chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...bytes.subarray(0, 8)], signature, "PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getUint32(8), 13, "IHDR length");
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), "IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const CSS = `body{font-family:sans-serif;margin:2em;max-width:1100px}
figure.chart{margin:1em 0}table.stats{border-collapse:collapse}
table.stats td,table.stats th{border:1px solid #ccc;padding:2px 6px}`;

/** A figure following the report's contract: svg, caption, statistics table. */
function figure(id: string, inner: string): string {
  return `<figure class="chart" id="fig-${id}">\n${inner}<figcaption>Figure ${id}</figcaption>
<table class="stats"><tr><th>n</th><td>2</td></tr></table>\n</figure>\n`;
}

/** A report page following the contract, with `figures` as its charts. */
function page(figures: string[], extra = ""): string {
  const fingerprint = createHash("sha256").update(figures.join("")).digest(
    "hex",
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>fixture</title>
<style>${CSS}</style></head>
<body data-charts="${figures.length}">
<p class="verdict">PASS: fixture</p>
<p class="fingerprint">Dataset <code>${fingerprint}</code></p>
${figures.join("")}${extra}</body></html>
`;
}

const BAR = await renderSvg({
  data: { values: [{ k: "a", v: 1 }, { k: "b", v: 3 }] },
  mark: "bar",
  encoding: {
    x: { field: "v", type: "quantitative" },
    y: { field: "k", type: "nominal" },
  },
});

/** Write `html` into a fresh temporary folder; open it; return what was seen. */
async function openFixture(html: string): Promise<ReportSeen> {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-browser-" });
  try {
    Deno.writeTextFileSync(`${dir}/report.html`, html);
    return await openReport(`${dir}/report.html`, `${dir}/report.png`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * The dataset fingerprint from the file system alone: `sha256sum` of every file
 * manifest.json lists, the digests sorted, one per line, hashed (docs/design.md).
 */
function fingerprintBySha256sum(dir: string): string {
  const files = (JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`)) as {
    files: { path: string }[];
  }).files.map((f) => f.path);
  assert.ok(files.length > 0);
  const r = new Deno.Command("sha256sum", { args: ["--", ...files], cwd: dir })
    .outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const digests = new TextDecoder().decode(r.stdout).trimEnd().split("\n").map(
    (l) => l.slice(0, 64),
  ).sort();
  assert.equal(digests.length, files.length);
  return createHash("sha256").update(digests.map((d) => `${d}\n`).join(""))
    .digest("hex");
}

Deno.test({
  name:
    "validate's report.html in Chromium: no error, no request, every chart drawn, verdict and fingerprint shown, PNG screenshot",
  ignore,
  async fn() {
    const ds = generateTemp({ sessions: 3000, users: 600, seed: 1 });
    const shotDir = `${ROOT}/output.browser`;
    Deno.mkdirSync(shotDir, { recursive: true });
    const shot = `${shotDir}/report.png`;
    // Not inside the default dataset folder, where it would be an extra file.
    const out = (parseYaml(Deno.readTextFileSync(`${ROOT}/config.yaml`)) as {
      out: string;
    }).out;
    assert.ok(!`${shot}/`.startsWith(`${ROOT}/${out}/`), `${shot} in ${out}/`);
    try {
      const v = await runCliInProcess(["validate", ds.dir, "--quiet"]);
      assert.equal(v.code, 0, v.stderr);
      const seen = await openReport(`${ds.dir}/report.html`, shot);
      assert.deepEqual(problemsOf(seen), []);
      const declared = Number(seen.dataCharts);
      assert.ok(Number.isInteger(declared) && declared > 0, seen.dataCharts);
      assert.equal(seen.charts.length, declared);
      for (const c of seen.charts) {
        assert.match(c.id, /^fig-./);
        assert.ok(c.hasCaption, `${c.id}: figcaption`);
      }
      assert.equal(new Set(seen.charts.map((c) => c.id)).size, declared);
      assert.match(seen.verdict ?? "", /^PASS\b/);
      assert.match(seen.fingerprint ?? "", /^[0-9a-f]{64}$/);
      assert.equal(seen.fingerprint, fingerprintBySha256sum(ds.dir));
      const size = pngSize(Deno.readFileSync(shot));
      assert.equal(size.width, 1200, "viewport width, device scale 1");
      assert.equal(size.height, seen.pageHeight, "the full page");
      assert.ok(size.height > 800 && size.height < 100_000, `${size.height}`);
      console.log(`screenshot: ${shot}`);
    } finally {
      ds.cleanup();
    }
  },
});

Deno.test({
  name:
    "the harness reports each fault of a broken page: console error and warning, script error, chart without svg, empty or hidden svg, request to the network",
  ignore,
  async fn() {
    // One page holding every fault (one browser launch); each is asserted apart.
    const seen = await openFixture(page(
      [
        figure("bar", BAR),
        figure("missing", "<p>no chart here</p>\n"),
        figure("empty", '<svg xmlns="http://www.w3.org/2000/svg"></svg>\n'),
        figure("hidden", BAR.replace("<svg ", '<svg style="display:none" ')),
        figure(
          "wide",
          '<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="20"><rect width="3000" height="20"/></svg>\n',
        ),
      ],
      `<img src="https://example.com/x.png" alt="remote">
<script>console.error("deliberate error");console.warn("deliberate warning");</script>
<script>throw new Error("deliberate throw");</script>\n`,
    ));
    const problems = problemsOf(seen);
    assert.ok(
      problems.includes("console error: deliberate error"),
      problems.join("\n"),
    );
    assert.ok(problems.includes("console warning: deliberate warning"));
    assert.equal(seen.pageErrors.length, 1);
    assert.match(seen.pageErrors[0], /deliberate throw/);
    assert.deepEqual(seen.blockedRequests, ["https://example.com/x.png"]);
    assert.deepEqual(
      problems.filter((p) => p.startsWith("chart ")),
      [
        "chart #fig-missing: no svg",
        "chart #fig-empty: no drawn marks",
        "chart #fig-hidden: svg not shown",
        "chart #fig-hidden: no drawn marks",
      ],
      "the well-formed chart #fig-bar passes",
    );
    // A chart wider than its figure is drawn (not a problem) but measured.
    const outside = Object.fromEntries(
      seen.charts.map((c) => [c.id, c.outsideWidth]),
    );
    assert.equal(outside["fig-bar"], 0);
    assert.ok(outside["fig-wide"] > 1000, `${outside["fig-wide"]}`);
  },
});
