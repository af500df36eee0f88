/**
 * Vega-Lite specs rendered to SVG text headlessly (no browser, no canvas): compile
 * with vega-lite, run a Vega view with `renderer: "none"`, serialize with `toSVG`.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { CHART_THEME } from "./theme.ts";

/** A Vega-Lite specification (the JSON a chart is described by). */
export type ChartSpec = TopLevelSpec;

/**
 * The paths in `spec` of encodings of `type: "temporal"` that would be shown in local
 * time: neither a UTC scale nor a UTC time unit. Vega formats and bins such values in
 * the process's time zone, so the SVG would depend on `TZ`.
 */
function localTimeEncodings(node: unknown, path = "spec"): string[] {
  if (Array.isArray(node)) {
    return node.flatMap((v, i) => localTimeEncodings(v, `${path}[${i}]`));
  }
  if (node === null || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  const found: string[] = [];
  if (o.type === "temporal") {
    const scale = o.scale as { type?: unknown } | undefined;
    const unit = o.timeUnit;
    const utc = scale?.type === "utc" ||
      (typeof unit === "string" && unit.startsWith("utc")) ||
      (typeof unit === "object" && unit !== null &&
        (unit as { utc?: unknown }).utc === true);
    if (!utc) found.push(path);
  }
  for (const [k, v] of Object.entries(o)) {
    found.push(...localTimeEncodings(v, `${path}.${k}`));
  }
  return found;
}

/** Keys whose strings are text to show or data, never expressions. */
const TEXT_KEYS = new Set([
  "values",
  "datasets",
  "title",
  "subtitle",
  "description",
]);

/**
 * The paths in `spec` of expression strings calling `random()` (data values and
 * titles are not expressions and are skipped).
 */
function randomCalls(node: unknown, path = "spec"): string[] {
  if (typeof node === "string") return /\brandom\s*\(/.test(node) ? [path] : [];
  if (Array.isArray(node)) {
    return node.flatMap((v, i) => randomCalls(v, `${path}[${i}]`));
  }
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) =>
    TEXT_KEYS.has(k) ? [] : randomCalls(v, `${path}.${k}`)
  );
}

/** What vega exports (from vega-statistics and vega-scenegraph) but does not declare. */
const undeclared = vega as unknown as {
  setRandom(r: () => number): void;
  textMetrics: { canvas(use: boolean): void };
};

// vega's transforms that sample (`sample`, bootstrap confidence intervals) draw from
// this generator: a chart that needs one is refused instead of varying.
undeclared.setRandom(() => {
  throw new Error(
    "Charts draw no random numbers: drop the sampling transform or bootstrap interval",
  );
});

// Text widths from the font size alone, even where a canvas package is installed.
undeclared.textMetrics.canvas(false);

/** A logger for vega-lite and vega that keeps warnings and errors instead of printing. */
function collectingLogger(problems: string[]) {
  let level = vega.Warn;
  const keep = (...args: unknown[]) => {
    problems.push(args.map(String).join(" "));
  };
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...a: unknown[]) => (keep(...a), logger),
    warn: (...a: unknown[]) => (keep(...a), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** A loader that refuses every URL: chart data is inline, never fetched or read. */
function noLoader() {
  const refuse = (uri: unknown) =>
    Promise.reject(
      new Error(
        `Charts take their data inline: refused to load "${String(uri)}"`,
      ),
    );
  const loader = vega.loader();
  loader.load = refuse;
  loader.sanitize = refuse;
  return loader;
}

/** Renders run one at a time: vega numbers clip paths and gradients per process. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Render a Vega-Lite spec to an SVG document, compiled with the shared theme
 * (`CHART_THEME`; the spec's own `config` overrides it).
 *
 * The bytes depend on the spec alone: not on the time, the time zone, the locale or
 * earlier renders in the process (vega's clip-path and gradient ids are reset before
 * each render, and renders are serialized; vega's random generator refuses to draw).
 * Text widths are estimated from the font size, never measured on a canvas, so
 * layouts do not depend on installed fonts.
 *
 * @param spec A Vega-Lite spec with inline data (`data.values`); temporal encodings
 *   must use a UTC scale (`scale: { type: "utc" }`) or a UTC time unit.
 * @returns The SVG document (`<svg …>…</svg>` followed by a newline), UTF-8 text.
 * @throws {Error} When the spec has a local-time encoding, refers to external data,
 *   draws random numbers (`random()`, the `sample` transform, bootstrap intervals),
 *   or vega-lite or vega report a warning or error about it (the message quotes the
 *   first one).
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ k: "a", v: 1 }, { k: "b", v: 3 }] },
 *   mark: "bar",
 *   encoding: {
 *     x: { field: "v", type: "quantitative" },
 *     y: { field: "k", type: "nominal" },
 *   },
 * });
 * ok(svg.startsWith("<svg"));
 * ```
 */
export function renderSvg(spec: ChartSpec): Promise<string> {
  const run = queue.then(() => render(spec));
  queue = run.catch(() => undefined);
  return run;
}

async function render(spec: ChartSpec): Promise<string> {
  const local = localTimeEncodings(spec);
  if (local.length) {
    throw new Error(
      `Chart encoding ${
        local[0]
      } is temporal in local time; give it scale { type: "utc" } or a UTC time unit`,
    );
  }
  const random = randomCalls(spec);
  if (random.length) {
    throw new Error(
      `Chart expression ${
        random[0]
      } calls random(); charts draw no random numbers`,
    );
  }
  const problems: string[] = [];
  const logger = collectingLogger(problems);
  const compiled = compile(spec, { config: CHART_THEME, logger }).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    loader: noLoader(),
    logger,
    logLevel: vega.Warn,
  });
  try {
    vega.resetSVGDefIds();
    const svg = await view.toSVG();
    if (problems.length) {
      throw new Error(`Chart spec problem: ${problems[0]}`);
    }
    return svg + "\n";
  } finally {
    view.finalize();
  }
}
