/**
 * The `bench` reports: bench.json, bench.md, bench.svg and the terminal table, all
 * from one `BenchResult`. Their bytes depend on the result alone (no clock, locale or
 * time zone); times are printed in milliseconds.
 *
 * @module
 */
import { fixed, thousands } from "../number_format.ts";
import { type ChartSpec, renderSvg } from "../chart/mod.ts";
import { type Representation, REPRESENTATIONS } from "./representation.ts";
import {
  type BenchAgreement,
  type BenchQuery,
  type BenchResult,
  type Engine,
  ENGINES,
} from "./bench_result.ts";

/** How reports name an engine. */
export const ENGINE_LABELS: Record<Engine, string> = {
  duckdb: "DuckDB",
  postgres: "PostgreSQL",
};

/** One engine and representation: a column group of the reports, a bar of the chart. */
interface Series {
  engine: Engine;
  representation: Representation;
  /** E.g. "star (DuckDB)". */
  label: string;
}

function seriesLabel(engine: Engine, representation: Representation): string {
  return `${representation} (${ENGINE_LABELS[engine]})`;
}

/** The engine × representation pairs in `items`, engines first, in list order. */
function seriesOf(
  items: readonly { engine: Engine; representation: Representation }[],
): Series[] {
  const out: Series[] = [];
  for (const engine of ENGINES) {
    for (const representation of REPRESENTATIONS) {
      if (
        items.some((i) =>
          i.engine === engine && i.representation === representation
        )
      ) {
        out.push({
          engine,
          representation,
          label: seriesLabel(engine, representation),
        });
      }
    }
  }
  return out;
}

/** The queries' ids with name and question, in order of first appearance. */
function queryList(
  r: BenchResult,
): { id: string; name: string; question: string }[] {
  const seen = new Map<
    string,
    { id: string; name: string; question: string }
  >();
  for (const q of r.queries) {
    if (!seen.has(q.id)) {
      seen.set(q.id, { id: q.id, name: q.name, question: q.question });
    }
  }
  return [...seen.values()];
}

/** The chart's and table's label of a query: "q01 fallback rate by intent". */
export function queryLabel(q: { id: string; name: string }): string {
  return `${q.id} ${q.name.replaceAll("_", " ")}`;
}

function find(
  r: BenchResult,
  id: string,
  s: Series,
): BenchQuery | undefined {
  return r.queries.find((q) =>
    q.id === id && q.engine === s.engine &&
    q.representation === s.representation
  );
}

/**
 * Milliseconds with two decimals and grouped thousands: 12345.678 → "12,345.68".
 *
 * @example
 * ```ts
 * if (formatMs(12345.678) !== "12,345.68") throw new Error(formatMs(12345.678));
 * ```
 */
export function formatMs(ms: number): string {
  const [whole, frac] = fixed(ms, 2).split(".");
  return `${thousands(Number(whole))}.${frac}`;
}

/** Milliseconds rounded to the microsecond, for JSON. */
function micro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The agreement of one query's answers: "yes" when every compared answer equals the
 * reference, "not compared" when none was compared, otherwise "no: " and the first
 * disagreeing answer's series and difference.
 */
function agreementText(entries: readonly BenchAgreement[]): string {
  if (entries.length === 0) return "not compared";
  const bad = entries.find((a) => !a.agrees);
  if (!bad) return "yes";
  const where = seriesLabel(bad.engine, bad.representation);
  return `no: ${where}${bad.difference ? `: ${bad.difference}` : ""}`;
}

function agreementOf(r: BenchResult, id: string): string {
  return agreementText(r.agreement.filter((a) => a.id === id));
}

/** The machine in one line: "AMD EPYC, 2 cores, 7.8 GiB, linux 6.8 x86_64, Deno 2.9.6, DuckDB v1.5.0". */
function machineLine(r: BenchResult): string {
  const m = r.machine;
  return [
    m.cpu,
    `${m.cores} ${m.cores === 1 ? "core" : "cores"}`,
    `${fixed(m.memoryGiB, 1)} GiB`,
    m.os,
    `Deno ${m.deno}`,
    `DuckDB ${m.duckdb}`,
    ...(m.postgres !== undefined ? [`PostgreSQL ${m.postgres}`] : []),
  ].join(", ");
}

function runsLine(r: BenchResult): string {
  return `Each query ran ${r.warmups} untimed warm-up ${
    r.warmups === 1 ? "run" : "runs"
  }, then ${r.runs} timed ${r.runs === 1 ? "run" : "runs"}`;
}

/**
 * bench.json: the result with a fixed key order (the order of the `BenchResult`
 * documentation), 2-space indentation and a trailing newline; times rounded to the
 * microsecond (3 decimals of a millisecond). Optional keys (`machine.postgres`,
 * `agreement[].difference`) are left out when absent.
 *
 * @param r The bench result.
 * @returns JSON text; `JSON.parse` gives back `r` (up to the rounding of times).
 *
 * @example
 * ```ts
 * import type { BenchResult } from "./bench_result.ts";
 * const r: BenchResult = {
 *   dataset: {
 *     dir: "output",
 *     fingerprint: "0".repeat(64),
 *     sessions: 2,
 *     turns: 9,
 *     users: 1,
 *     generator: "0.3.0",
 *   },
 *   machine: {
 *     cpu: "unknown",
 *     cores: 2,
 *     memoryGiB: 0,
 *     os: "linux",
 *     deno: "2.9.6",
 *     duckdb: "v1.5.0",
 *   },
 *   runs: 5,
 *   warmups: 1,
 *   loads: [{ engine: "duckdb", representation: "star", ms: 12.5, rows: 20 }],
 *   queries: [],
 *   agreement: [],
 * };
 * const text = benchJson(r);
 * if (!text.endsWith("}\n")) throw new Error("Expected a trailing newline");
 * // A strict parser gives back the same result (these times need no rounding).
 * if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(r)) throw new Error(text);
 * ```
 */
export function benchJson(r: BenchResult): string {
  const m = r.machine;
  const ordered = {
    dataset: {
      dir: r.dataset.dir,
      fingerprint: r.dataset.fingerprint,
      sessions: r.dataset.sessions,
      turns: r.dataset.turns,
      users: r.dataset.users,
      generator: r.dataset.generator,
    },
    machine: {
      cpu: m.cpu,
      cores: m.cores,
      memoryGiB: m.memoryGiB,
      os: m.os,
      deno: m.deno,
      duckdb: m.duckdb,
      ...(m.postgres !== undefined ? { postgres: m.postgres } : {}),
    },
    runs: r.runs,
    warmups: r.warmups,
    loads: r.loads.map((l) => ({
      engine: l.engine,
      representation: l.representation,
      ms: micro(l.ms),
      rows: l.rows,
    })),
    queries: r.queries.map((q) => ({
      id: q.id,
      name: q.name,
      question: q.question,
      engine: q.engine,
      representation: q.representation,
      timesMs: q.timesMs.map(micro),
      medianMs: micro(q.medianMs),
      p95Ms: micro(q.p95Ms),
      rows: q.rows,
    })),
    agreement: r.agreement.map((a) => ({
      id: a.id,
      engine: a.engine,
      representation: a.representation,
      agrees: a.agrees,
      ...(a.difference !== undefined ? { difference: a.difference } : {}),
    })),
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

/** A Markdown table cell: pipes escaped, line breaks as spaces. */
function cell(s: string): string {
  // HTML too: a Markdown renderer passes `<tag>` in a cell through as markup.
  return s.replace(/\r?\n|\r/g, " ").replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("|", "\\|");
}

/** A Markdown table: header, alignment row (`right` columns end with ":"), rows. */
function markdownTable(
  header: string[],
  right: boolean[],
  rows: string[][],
): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [
    line(header),
    `|${right.map((r) => (r ? " ---: " : " --- ")).join("|")}|`,
    ...rows.map(line),
  ];
}

/**
 * bench.md: the dataset and machine, the run counts, a load table (one row per
 * representation; time and rows per engine) and a query table (one row per query;
 * median and p95 per engine and representation; the agreement), ending with a
 * newline.
 *
 * @param r The bench result.
 * @returns Markdown text; every table row has the same number of cells.
 */
export function benchMarkdown(r: BenchResult): string {
  const d = r.dataset;
  const lines = [
    `# Bench of ${d.dir}`,
    "",
    `Dataset: ${thousands(d.sessions)} sessions, ${thousands(d.turns)} turns, ${
      thousands(d.users)
    } users, generated by chatsynth ${d.generator}, fingerprint \`${d.fingerprint}\`.`,
    "",
    `Machine: ${machineLine(r)}.`,
    "",
    `${
      runsLine(r)
    }; times are wall-clock milliseconds, median and p95 (nearest rank).`,
    "",
    "## Loads",
    "",
  ];
  const loadEngines = ENGINES.filter((e) =>
    r.loads.some((l) => l.engine === e)
  );
  const loadReps = REPRESENTATIONS.filter((p) =>
    r.loads.some((l) => l.representation === p)
  );
  lines.push(
    ...markdownTable(
      [
        "representation",
        ...loadEngines.flatMap((e) => [
          `${ENGINE_LABELS[e]} ms`,
          `${ENGINE_LABELS[e]} rows`,
        ]),
      ],
      [false, ...loadEngines.flatMap(() => [true, true])],
      loadReps.map((p) => [
        p,
        ...loadEngines.flatMap((e) => {
          const l = r.loads.find((x) =>
            x.engine === e && x.representation === p
          );
          return l ? [formatMs(l.ms), thousands(l.rows)] : ["–", "–"];
        }),
      ]),
    ),
  );
  const series = seriesOf(r.queries);
  lines.push("", "## Queries", "");
  lines.push(
    ...markdownTable(
      [
        "query",
        "question",
        ...series.flatMap((s) => [`${s.label} median`, `${s.label} p95`]),
        "agreement",
      ],
      [false, false, ...series.flatMap(() => [true, true]), false],
      queryList(r).map((q) => [
        queryLabel(q),
        q.question,
        ...series.flatMap((s) => {
          const t = find(r, q.id, s);
          return t ? [formatMs(t.medianMs), formatMs(t.p95Ms)] : ["–", "–"];
        }),
        agreementOf(r, q.id),
      ]),
    ),
  );
  return lines.join("\n") + "\n";
}

/** Columns padded to their widest cell; `right` columns aligned right. */
function aligned(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((r) => [...r[c]].length))
  );
  return rows.map((r) =>
    r.map((v, c) => {
      const pad = " ".repeat(widths[c] - [...v].length);
      return right[c] ? pad + v : v + pad;
    }).join("  ").trimEnd()
  );
}

/**
 * The terminal table: loads (ms and rows per representation and engine), then one
 * line per query with "median / p95" ms per engine and representation and the
 * agreement; columns aligned, numbers with thousands separators.
 *
 * @param r The bench result.
 * @returns Lines joined with "\n", ending with a newline.
 */
export function formatBenchTable(r: BenchResult): string {
  const loadSeries = seriesOf(r.loads);
  const loads = aligned(
    [
      ["load", "ms", "rows"],
      ...loadSeries.map((s) => {
        const l = r.loads.find((x) =>
          x.engine === s.engine && x.representation === s.representation
        )!;
        return [s.label, formatMs(l.ms), thousands(l.rows)];
      }),
    ],
    [false, true, true],
  );
  const series = seriesOf(r.queries);
  const queries = aligned(
    [
      ["query (median / p95 ms)", ...series.map((s) => s.label), "agreement"],
      ...queryList(r).map((q) => [
        queryLabel(q),
        ...series.map((s) => {
          const t = find(r, q.id, s);
          return t ? `${formatMs(t.medianMs)} / ${formatMs(t.p95Ms)}` : "–";
        }),
        agreementOf(r, q.id),
      ]),
    ],
    [false, ...series.map(() => true), false],
  );
  return [
    ...loads,
    "",
    ...queries,
    "",
    `${runsLine(r)}. Machine: ${machineLine(r)}.`,
  ].join("\n") + "\n";
}

/** The smallest time the log-scale chart shows; smaller medians are drawn at it. */
export const CHART_FLOOR_MS = 0.001;

/**
 * The Vega-Lite spec of bench.svg: horizontal grouped bars, one group per query
 * (labelled "q01 fallback rate by intent"), one bar per representation and engine,
 * bar length the median time in ms on a log scale, printed at the bar's end (query times on one dataset span
 * several orders of magnitude between queries and representations; medians below
 * `CHART_FLOOR_MS` are drawn at it), a legend of the series, a title with the
 * session count and a subtitle with the machine and run counts.
 *
 * @param r The bench result.
 */
export function benchChartSpec(r: BenchResult): ChartSpec {
  const series = seriesOf(r.queries);
  const queries = queryList(r);
  const labels = series.map((s) => s.label);
  const values = queries.flatMap((q) =>
    series.flatMap((s) => {
      const t = find(r, q.id, s);
      return t
        ? [{
          query: queryLabel(q),
          series: s.label,
          medianMs: Math.max(t.medianMs, CHART_FLOOR_MS),
          label: formatMs(t.medianMs),
        }]
        : [];
    })
  );
  return {
    title: {
      text: `Median query time, ${thousands(r.dataset.sessions)} sessions (${
        thousands(r.dataset.turns)
      } turns)`,
      subtitle: [
        machineLine(r),
        `${runsLine(r)}; log scale`,
      ],
    },
    width: 480,
    height: { step: 12, for: "offset" },
    data: { values },
    encoding: {
      y: {
        field: "query",
        type: "nominal",
        sort: queries.map(queryLabel),
        title: null,
        axis: { labelLimit: 480 },
      },
      yOffset: { field: "series", type: "nominal", sort: labels },
      color: {
        field: "series",
        type: "nominal",
        sort: labels,
        scale: { domain: labels },
        legend: {
          title: "representation (engine)",
          orient: "right",
          symbolType: "square",
        },
      },
      x: {
        field: "medianMs",
        type: "quantitative",
        stack: null,
        scale: { type: "log" },
        title: "median time (ms, log scale)",
      },
    },
    layer: [
      { mark: { type: "bar" } },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 9 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: { value: "#333333" },
        },
      },
    ],
  };
}

/**
 * bench.svg: `benchChartSpec(r)` rendered (lib/chart). The same result gives the same
 * bytes.
 *
 * @param r The bench result.
 * @returns The SVG document, ending with a newline.
 */
export function benchSvg(r: BenchResult): Promise<string> {
  return renderSvg(benchChartSpec(r));
}
