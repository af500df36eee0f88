/**
 * `report.html`: the validation report people look at (docs/design.md §13). One
 * self-contained file: inline CSS and inline SVG charts (rendered by lib/chart), no
 * script, no font, no request. At the top the verdict and the dataset fingerprint
 * computed from the files; then every figure with the checks that test it beside
 * it; then the exact rules, the quality figures and the files read. Its bytes depend
 * on the dataset, the report's folder and whether `bench.svg` is there: no time, no
 * random id.
 *
 * @module
 */
import { relative } from "node:path";
import { renderSvg } from "../chart/render.ts";
import { fingerprint } from "../manifest/manifest.ts";
import { readManifest } from "../manifest/read_manifest.ts";
import {
  type FileDigestResult,
  hashDatasetFile,
} from "../manifest/file_digest.ts";
import { counted, inFolder } from "../wording.ts";
import { type Figure, reportFigures } from "./evidence.ts";
import { HTML_REPORT_MARK } from "./report_files.ts";
import {
  type Check,
  type Evidence,
  statNumber,
  type ValidationReport,
  validationSummary,
} from "./validate.ts";

/** Where the report goes and what it may link to. */
export interface HtmlReportPlace {
  /** The dataset folder validated. */
  datasetDir: string;
  /** The folder `report.html` is written into (the dataset folder or `--report DIR`). */
  reportDir: string;
}

/** The fingerprint recomputed from the files, and how it compares with the manifest's. */
export interface FilesFingerprint {
  /** SHA-256 over the files' sorted digests, or undefined when a file could not be read. */
  fingerprint?: string;
  /** Files hashed: those validate read plus the others of the manifest. */
  files: number;
  /** Why it could not be computed (a file missing or unreadable). */
  problem?: string;
  /**
   * Files whose size or SHA-256 is not the one `manifest.json` records (read by
   * validate or hashed for the fingerprint), in the manifest's order.
   */
  changed: string[];
}

/**
 * The dataset fingerprint computed from the files: the digests validate computed
 * while reading, and the SHA-256 of every other file of the manifest (from `others`,
 * hashed meanwhile on a second thread, or hashed here).
 *
 * @param dir The dataset folder.
 * @param r The report (its `dataset.files` carry the digests of the files read).
 * @param others Digests already computed, by dataset path.
 * @returns The fingerprint, or the first file that could not be hashed.
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * import { validateDataset } from "./validate.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const argv = ["generate", "-q", "--sessions", "3", "--users", "2", "--out", `${dir}/d`];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const r = await validateDataset(`${dir}/d`);
 *   if (filesFingerprint(`${dir}/d`, r).fingerprint !== r.dataset.fingerprint) throw new Error("Same files");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export function filesFingerprint(
  dir: string,
  r: ValidationReport,
  others: ReadonlyMap<string, FileDigestResult> = new Map(),
): FilesFingerprint {
  const digests = r.dataset.files.map((f) => ({
    path: f.path,
    bytes: f.bytes,
    rows: 0,
    sha256: f.sha256,
  }));
  for (const path of r.dataset.notRead) {
    const got = others.get(path) ?? hashDatasetFile(dir, path);
    if (!got.digest) {
      return {
        files: digests.length,
        problem: `${path}: ${got.problem}`,
        changed: [],
      };
    }
    digests.push({ path, rows: 0, ...got.digest });
  }
  const { manifest } = readManifest(dir);
  const seen = new Map(digests.map((d) => [d.path, d]));
  const changed = manifest.files.filter((f) => {
    const d = seen.get(f.path);
    return d !== undefined && (d.sha256 !== f.sha256 || d.bytes !== f.bytes);
  }).map((f) => f.path);
  return { fingerprint: fingerprint(digests), files: digests.length, changed };
}

/**
 * An SVG with its element ids and their references (`url(#…)`, `href="#…"`) prefixed
 * by `scope`: vega numbers gradients and clip paths from 0 in every chart, and ids
 * must be unique in the page that holds several charts.
 *
 * @example
 * ```ts
 * const svg = '<svg><defs><linearGradient id="gradient_0"/></defs><path fill="url(#gradient_0)"/></svg>';
 * const out = scopeSvgIds(svg, "fig-a");
 * if (out !== '<svg><defs><linearGradient id="fig-a-gradient_0"/></defs><path fill="url(#fig-a-gradient_0)"/></svg>') throw new Error(out);
 * ```
 */
export function scopeSvgIds(svg: string, scope: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${scope}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${scope}-$1)`)
    .replace(/\bhref="#([^"]+)"/g, `href="#${scope}-$1"`);
}

/** Text for HTML: `&`, `<`, `>` and `"` escaped. */
export function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  ).replaceAll('"', "&quot;");
}

/** An href for a path: each segment percent-encoded, `/` kept. */
function href(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 18px; padding-bottom: 6px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.verdict { font-size: 16px; font-weight: bold; padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
.verdict.pass { background: #e3f2e6; border-left: 6px solid #009E73; }
.verdict.fail { background: #fbe4e0; border-left: 6px solid #D55E00; }
.fingerprint code { font-size: 13px; word-break: break-all; }
.note { color: #555; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 8px 0; list-style: none; }
figure.chart { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; margin: 0 0 22px; padding: 12px; background: #fff; border: 1px solid #e5e5e5; border-radius: 4px; }
figure.chart .plot { flex: 0 0 auto; max-width: 100%; overflow-x: auto; }
figure.chart .plot svg { display: block; max-width: none; }
figure.chart .side { flex: 1 1 460px; min-width: 320px; }
figcaption { color: #444; margin-bottom: 8px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.check td { border-bottom: none; }
tr.detail td { color: #666; font-size: 11px; padding-top: 0; }
.ok { color: #00795a; font-weight: bold; }
.bad { color: #c03c00; font-weight: bold; }
.skip { color: #777; }
footer { max-width: 1280px; margin: 24px auto; padding: 0 24px 24px; color: #777; font-size: 12px; }
`.trim();

/** Verdict cell of a check. */
function verdictCell(c: Check): string {
  if (c.skipped !== undefined) {
    return `<td class="skip">skipped: ${escapeHtml(c.skipped)}</td>`;
  }
  return c.pass ? `<td class="ok">pass</td>` : `<td class="bad">FAIL</td>`;
}

/** The table of checks shown beside a figure. */
function checksTable(checks: Check[]): string {
  if (!checks.length) return "";
  const rows = checks.map((c) => {
    const skipped = c.skipped !== undefined;
    const stat = (x: number) => (skipped ? "—" : escapeHtml(statNumber(x)));
    return `<tr class="check"><td>${escapeHtml(c.quantity)}</td><td>${
      escapeHtml(c.test)
    }</td><td class="num">${stat(c.statistic)}</td><td class="num">${
      c.df ?? "—"
    }</td><td class="num">${c.n}</td><td class="num">${
      stat(c.pValue)
    }</td><td class="num">${stat(c.pAdjusted)}</td>${
      verdictCell(c)
    }</tr>\n<tr class="detail"><td colspan="8">target: ${
      escapeHtml(c.target)
    }<br>observed: ${escapeHtml(c.observed)}</td></tr>`;
  });
  return `<table class="stats"><thead><tr><th>check</th><th>test</th><th class="num">statistic</th><th class="num">df</th><th class="num">n</th><th class="num">p</th><th class="num">Holm p</th><th>verdict</th></tr></thead><tbody>\n${
    rows.join("\n")
  }\n</tbody></table>`;
}

/** The quality figures shown beside a figure. */
function qualityTable(f: Figure): string {
  if (!f.quality?.length) return "";
  return `<table class="stats"><thead><tr><th>figure</th><th>configured</th><th>observed</th></tr></thead><tbody>\n${
    f.quality.map((q) =>
      `<tr><td>${escapeHtml(q.figure)}</td><td>${
        escapeHtml(q.configured)
      }</td><td>${escapeHtml(q.observed)}</td></tr>`
    ).join("\n")
  }\n</tbody></table>`;
}

/** A section's anchor from its title. */
function sectionId(title: string): string {
  return `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

/**
 * The whole `report.html` for a validated dataset.
 *
 * @param r The report (as written to `validation.json`).
 * @param evidence The config and observations it was computed from.
 * @param place The dataset folder and the report's folder (for the links to
 *   `validation.md`, `validation.json` and, when present, `bench.svg`).
 * @returns The document, UTF-8 text ending with a newline.
 * @throws {Error} When a chart cannot be rendered (a bug: the specs are ours).
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * import { validateWithEvidence } from "./validate.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const argv = ["generate", "-q", "--sessions", "200", "--users", "20", "--out", `${dir}/d`];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   const { report, evidence } = await validateWithEvidence(`${dir}/d`);
 *   const html = await reportHtml(report, evidence, { datasetDir: `${dir}/d`, reportDir: `${dir}/d` });
 *   if (!html.startsWith("<!DOCTYPE html>") || !html.includes(report.dataset.fingerprint)) throw new Error("html");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function reportHtml(
  r: ValidationReport,
  evidence: Evidence,
  place: HtmlReportPlace,
): Promise<string> {
  const { figures, rest } = reportFigures(
    evidence.config,
    evidence.obs,
    r.checks,
    r.quality,
  );
  const svgs: string[] = [];
  for (const f of figures) {
    svgs.push(scopeSvgIds((await renderSvg(f.spec)).trimEnd(), f.id));
  }
  const d = r.dataset;
  const verdict = validationSummary(r).at(-1)!.replace(/^validate: /, "");
  const fp = filesFingerprint(
    place.datasetDir,
    r,
    await evidence.others ?? new Map(),
  );
  const fpText = fp.fingerprint === undefined
    ? `Fingerprint not computable from the files (${
      escapeHtml(fp.problem!)
    }); manifest.json records <code>${d.fingerprint}</code>.`
    : fp.fingerprint === d.fingerprint
    ? `Fingerprint <code>${fp.fingerprint}</code>, computed from the ${fp.files} data files; equal to the one manifest.json records.`
    : `Fingerprint <code>${fp.fingerprint}</code>, computed from the ${fp.files} data files, <strong>differs</strong> from the one manifest.json records (<code>${d.fingerprint}</code>)${
      fp.changed.length
        ? `; not the size or SHA-256 it records: ${
          escapeHtml(fp.changed.join(", "))
        }`
        : ""
    }. Run verify.`;
  const toReport = (name: string) =>
    href(relative(place.reportDir, inFolder(place.datasetDir, name)) || name);
  const links = [
    `<a href="validation.md">validation.md</a>`,
    `<a href="validation.json">validation.json</a>`,
  ];
  const bench = inFolder(place.datasetDir, "bench.svg");
  let benchThere = false;
  try {
    benchThere = Deno.lstatSync(bench).isFile;
  } catch {
    // No bench chart.
  }
  if (benchThere) {
    links.push(
      `<a href="${
        toReport("bench.svg")
      }">bench.svg</a> (the analytics workload's query times)`,
    );
  }
  const sections = [...new Set(figures.map((f) => f.section))];
  const body: string[] = [];
  for (const s of sections) {
    body.push(`<section id="${sectionId(s)}">`, `<h2>${escapeHtml(s)}</h2>`);
    figures.forEach((f, i) => {
      if (f.section !== s) return;
      body.push(
        `<figure class="chart" id="${f.id}">`,
        `<div class="plot">${svgs[i]}</div>`,
        `<div class="side"><figcaption>${escapeHtml(f.caption)}</figcaption>`,
        checksTable(f.checks),
        qualityTable(f),
        `</div>`,
        `</figure>`,
      );
    });
    body.push(`</section>`);
  }
  if (rest.length) {
    body.push(
      `<section id="s-other-checks"><h2>Other checks</h2>`,
      checksTable(rest),
      `</section>`,
    );
  }
  body.push(
    `<section id="s-rules"><h2>Exact rules</h2>`,
    `<table class="rules"><thead><tr><th>rule</th><th class="num">violations</th><th>verdict</th></tr></thead><tbody>`,
    ...r.rules.map((x) =>
      `<tr><td>${escapeHtml(x.rule)}</td><td class="num">${x.violations}</td>${
        x.pass ? `<td class="ok">pass</td>` : `<td class="bad">FAIL</td>`
      }</tr>`
    ),
    `</tbody></table>`,
    `</section>`,
    `<section id="s-quality"><h2>Quality figures of the original brief</h2>`,
    `<p class="note">Reported, not tested: they describe the default configuration (docs/design.md §9 of the generator).</p>`,
    `<table class="quality"><thead><tr><th>figure</th><th>original brief</th><th>configured</th><th>observed</th><th>consistent</th></tr></thead><tbody>`,
    ...r.quality.map((q) =>
      `<tr><td>${escapeHtml(q.figure)}</td><td>${escapeHtml(q.seed)}</td><td>${
        escapeHtml(q.configured)
      }</td><td>${escapeHtml(q.observed)}</td><td>${
        q.consistentWithSeed ? "yes" : "no"
      }</td></tr>`
    ),
    `</tbody></table>`,
    `</section>`,
    `<section id="s-files"><h2>Files read</h2>`,
    `<p class="note">${
      escapeHtml(d.source)
    }; validate tests one representation, verify checks that every file is the one generated.${
      d.notRead.length
        ? ` Not read (hashed for the fingerprint): ${
          escapeHtml(counted(d.notRead.length, "file"))
        }.`
        : ""
    }</p>`,
    `<table class="files"><thead><tr><th>file</th><th class="num">bytes</th><th>SHA-256</th><th>manifest</th></tr></thead><tbody>`,
    ...d.files.map((f) =>
      `<tr><td>${
        escapeHtml(f.path)
      }</td><td class="num">${f.bytes}</td><td><code>${f.sha256}</code></td><td>${
        escapeHtml(f.manifest)
      }</td></tr>`
    ),
    `</tbody></table>`,
    `</section>`,
  );
  const nav = [
    ...sections.map((s) => [sectionId(s), s]),
    ...(rest.length ? [["s-other-checks", "Other checks"]] : []),
    ["s-rules", "Exact rules"],
    ["s-quality", "Quality figures"],
    ["s-files", "Files read"],
  ].map(([id, t]) => `<li><a href="#${id}">${escapeHtml(t)}</a></li>`);
  const lines = [
    "<!DOCTYPE html>",
    HTML_REPORT_MARK,
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>chatsynth validation report: ${r.pass ? "PASS" : "FAIL"}</title>`,
    `<style>\n${CSS}\n</style>`,
    "</head>",
    `<body data-charts="${figures.length}">`,
    "<header>",
    "<h1>chatsynth validation report</h1>",
    `<p class="verdict ${r.pass ? "pass" : "fail"}">${escapeHtml(verdict)}</p>`,
    `<p class="fingerprint">${fpText}</p>`,
    `<p class="dataset">Seed ${d.seed}, ${
      escapeHtml(counted(d.sessions, "session"))
    }, ${escapeHtml(counted(d.users, "user"))}, ${
      escapeHtml(counted(d.turns, "turn"))
    }; read from ${escapeHtml(d.source)}.${
      d.differs.length
        ? ` <strong>Files read differ from the manifest: ${
          escapeHtml(d.differs.join(", "))
        }</strong>; the figures describe the files as read.`
        : ""
    } Also: ${links.join(", ")}.</p>`,
    `<p class="note">Observed in blue, expected in black. ${
      escapeHtml(r.method.continuous)
    }. p-values adjusted by ${
      escapeHtml(r.method.correction)
    }; a check fails when its adjusted p-value is below ${r.method.alpha}.</p>`,
    `<nav><ol>${nav.join("")}</ol></nav>`,
    "</header>",
    "<main>",
    ...body,
    "</main>",
    `<footer>Written by chatsynth validate. Charts: Vega-Lite, rendered to SVG.</footer>`,
    "</body>",
    "</html>",
  ];
  return lines.filter((l) => l !== "").join("\n") + "\n";
}
