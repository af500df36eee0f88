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
  type EncodingChoice,
  type Engine,
  ENGINES,
} from "./bench_result.ts";

/** How reports name an engine. */
export const ENGINE_LABELS: Record<Engine, string> = {
  duckdb: "DuckDB",
  postgres: "PostgreSQL",
};

/** How reports name an encoding. */
export const ENCODING_LABELS: Record<EncodingChoice, string> = {
  text: "text",
  parquet: "Parquet",
};

/** Every encoding, in the order reports list them. */
const ENCODING_ORDER: readonly EncodingChoice[] = ["text", "parquet"];

/** What a load, query or agreement was measured on. */
interface Where {
  engine: Engine;
  representation: Representation;
  encoding: EncodingChoice;
}

/**
 * One engine, representation and encoding: a column group of the reports, a bar of
 * the chart.
 */
interface Series extends Where {
  /** E.g. "star (DuckDB)", or "star (DuckDB, Parquet)" when encodings are named. */
  label: string;
}

/**
 * Whether reports name the encoding: when anything was loaded from files other than
 * text. A text-only result keeps the labels it had before encodings existed.
 */
function namesEncodings(r: Pick<BenchResult, "loads" | "queries">): boolean {
  return [...r.loads, ...r.queries].some((x) => x.encoding !== "text");
}

function seriesLabel(w: Where, withEncoding: boolean): string {
  return `${w.representation} (${ENGINE_LABELS[w.engine]}${
    withEncoding ? `, ${ENCODING_LABELS[w.encoding]}` : ""
  })`;
}

/**
 * The engine × representation × encoding triples in `items`: engines first, then
 * representations, then encodings (so text and Parquet of one representation sit
 * side by side).
 */
function seriesOf(
  items: readonly Where[],
  withEncoding: boolean,
): Series[] {
  const out: Series[] = [];
  for (const engine of ENGINES) {
    for (const representation of REPRESENTATIONS) {
      for (const encoding of ENCODING_ORDER) {
        const w = { engine, representation, encoding };
        if (items.some((i) => same(i, w))) {
          out.push({ ...w, label: seriesLabel(w, withEncoding) });
        }
      }
    }
  }
  return out;
}

function same(a: Where, b: Where): boolean {
  return a.engine === b.engine && a.representation === b.representation &&
    a.encoding === b.encoding;
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
  return r.queries.find((q) => q.id === id && same(q, s));
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
function agreementText(
  entries: readonly BenchAgreement[],
  withEncoding: boolean,
): string {
  if (entries.length === 0) return "not compared";
  const bad = entries.find((a) => !a.agrees);
  if (!bad) return "yes";
  const where = seriesLabel(bad, withEncoding);
  return `no: ${where}${bad.difference ? `: ${bad.difference}` : ""}`;
}

function agreementOf(r: BenchResult, id: string): string {
  return agreementText(
    r.agreement.filter((a) => a.id === id),
    namesEncodings(r),
  );
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
 *   loads: [
 *     { engine: "duckdb", representation: "star", encoding: "text", ms: 12.5, rows: 20 },
 *   ],
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
      encoding: l.encoding,
      ms: micro(l.ms),
      rows: l.rows,
    })),
    queries: r.queries.map((q) => ({
      id: q.id,
      name: q.name,
      question: q.question,
      engine: q.engine,
      representation: q.representation,
      encoding: q.encoding,
      timesMs: q.timesMs.map(micro),
      medianMs: micro(q.medianMs),
      p95Ms: micro(q.p95Ms),
      rows: q.rows,
    })),
    agreement: r.agreement.map((a) => ({
      id: a.id,
      engine: a.engine,
      representation: a.representation,
      encoding: a.encoding,
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
 * representation, and per encoding when anything was loaded from Parquet; time and
 * rows per engine) and a query table (one row per query; median and p95 per engine,
 * representation and encoding; the agreement), ending with a newline. A text-only
 * result does not name encodings, so its tables are those of earlier versions.
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
  const withEncoding = namesEncodings(r);
  const loadRows = REPRESENTATIONS.flatMap((p) =>
    ENCODING_ORDER.filter((c) =>
      r.loads.some((l) => l.representation === p && l.encoding === c)
    ).map((c) => [p, c] as const)
  );
  lines.push(
    ...markdownTable(
      [
        "representation",
        ...(withEncoding ? ["encoding"] : []),
        ...loadEngines.flatMap((e) => [
          `${ENGINE_LABELS[e]} ms`,
          `${ENGINE_LABELS[e]} rows`,
        ]),
      ],
      [
        false,
        ...(withEncoding ? [false] : []),
        ...loadEngines.flatMap(() => [true, true]),
      ],
      loadRows.map(([p, c]) => [
        p,
        ...(withEncoding ? [ENCODING_LABELS[c]] : []),
        ...loadEngines.flatMap((e) => {
          const l = r.loads.find((x) =>
            same(x, { engine: e, representation: p, encoding: c })
          );
          return l ? [formatMs(l.ms), thousands(l.rows)] : ["–", "–"];
        }),
      ]),
    ),
  );
  const series = seriesOf(r.queries, withEncoding);
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
 * The terminal table: loads (ms and rows per representation, engine and encoding),
 * then one line per query with "median / p95" ms per engine, representation and
 * encoding and the agreement; columns aligned, numbers with thousands separators.
 * Encodings are named ("star (DuckDB, Parquet)") only when anything was loaded from
 * Parquet.
 *
 * @param r The bench result.
 * @returns Lines joined with "\n", ending with a newline.
 */
export function formatBenchTable(r: BenchResult): string {
  const withEncoding = namesEncodings(r);
  const loadSeries = seriesOf(r.loads, withEncoding);
  const loads = aligned(
    [
      ["load", "ms", "rows"],
      ...loadSeries.map((s) => {
        const l = r.loads.find((x) => same(x, s))!;
        return [s.label, formatMs(l.ms), thousands(l.rows)];
      }),
    ],
    [false, true, true],
  );
  const series = seriesOf(r.queries, withEncoding);
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

/** Dark and light shades of one hue (Vega's tableau20 pairs): text, then Parquet. */
const PAIRED_COLORS: readonly (readonly [string, string])[] = [
  ["#4c78a8", "#9ecae9"],
  ["#f58518", "#ffbf79"],
  ["#54a24b", "#88d27a"],
  ["#e45756", "#ff9d98"],
  ["#b279a2", "#d6a5c9"],
  ["#9e765f", "#d8b5a5"],
];

/**
 * The Vega-Lite spec of bench.svg: horizontal grouped bars, one group per query
 * (labelled "q01 fallback rate by intent"), one bar per representation and engine
 * (and encoding, when anything was loaded from Parquet: text and Parquet of one
 * representation in a dark and a light shade of one colour),
 * bar length the median time in ms on a log scale, printed at the bar's end (query times on one dataset span
 * several orders of magnitude between queries and representations; medians below
 * `CHART_FLOOR_MS` are drawn at it), a legend of the series, a title with the
 * session count and a subtitle with the machine and run counts.
 *
 * @param r The bench result.
 */
export function benchChartSpec(r: BenchResult): ChartSpec {
  const withEncoding = namesEncodings(r);
  const series = seriesOf(r.queries, withEncoding);
  const queries = queryList(r);
  const labels = series.map((s) => s.label);
  // With encodings: one hue per engine and representation, dark for text and light
  // for Parquet, so each text bar sits next to its Parquet twin in a paler shade.
  const groups = [
    ...new Set(series.map((s) => `${s.engine} ${s.representation}`)),
  ];
  const range = series.map((s) => {
    const pair = PAIRED_COLORS[
      groups.indexOf(`${s.engine} ${s.representation}`) % PAIRED_COLORS.length
    ];
    return pair[s.encoding === "text" ? 0 : 1];
  });
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
        scale: withEncoding ? { domain: labels, range } : { domain: labels },
        legend: {
          title: withEncoding
            ? "representation (engine, encoding)"
            : "representation (engine)",
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
