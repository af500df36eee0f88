/**
 * Vega-Lite specs of the observed-against-expected charts the validation report shows
 * (docs/design.md §13): category bars, histograms with the expected curve, Q–Q plots,
 * shares with confidence intervals against a target band, and weekday × hour
 * heatmaps. Each takes plain numbers and returns a spec for {@linkcode renderSvg};
 * nothing here knows the dataset.
 *
 * @module
 */
import type { ChartSpec } from "./render.ts";

/** The colours of the two series: observed (blue) and expected (black). */
export const SERIES_COLORS = { observed: "#0072B2", expected: "#000000" };

/** Width of a single chart's plot area, px. */
const WIDTH = 420;

/** Titles shared by every comparison chart. */
export interface ChartTitles {
  /** The chart's title. */
  title: string;
  /** Lines under the title (units, counts, what is drawn). */
  subtitle?: string[];
}

/** Shares of categories, observed and expected; `panel` splits into small multiples. */
export interface CategoryShares extends ChartTitles {
  /** One row per category (and panel): shares in [0, 1]. */
  rows: {
    category: string;
    observed: number;
    expected: number;
    panel?: string;
  }[];
  /** Axis title of the shares. */
  axisTitle?: string;
}

function titleOf(t: ChartTitles) {
  return t.subtitle?.length ? { text: t.title, subtitle: t.subtitle } : t.title;
}

/**
 * Horizontal grouped bars, one group per category: the observed share (blue) next to
 * the expected one (black), on one axis from 0; with `panel`, one small chart per
 * panel side by side.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg(categoryBars({
 *   title: "Device",
 *   rows: [
 *     { category: "Android", observed: 0.52, expected: 0.55 },
 *     { category: "iOS", observed: 0.48, expected: 0.45 },
 *   ],
 * }));
 * if (!svg.includes("Android")) throw new Error("no label");
 * ```
 */
export function categoryBars(c: CategoryShares): ChartSpec {
  const order = [...new Set(c.rows.map((r) => r.category))];
  const values = c.rows.flatMap((r) => [
    { ...r, series: "observed", share: r.observed },
    { ...r, series: "expected", share: r.expected },
  ]);
  const inner = {
    width: c.rows.some((r) => r.panel) ? 220 : WIDTH,
    height: { step: 20, for: "position" },
    encoding: {
      y: {
        field: "category",
        type: "nominal",
        sort: order,
        title: null,
        axis: { labelLimit: 480 },
      },
      yOffset: {
        field: "series",
        type: "nominal",
        sort: ["observed", "expected"],
      },
      x: {
        field: "share",
        type: "quantitative",
        axis: { format: ".0%" },
        title: c.axisTitle ?? "share",
      },
      color: seriesColor(),
      tooltip: null,
    },
    mark: { type: "bar" },
  };
  if (!c.rows.some((r) => r.panel)) {
    return {
      title: titleOf(c),
      data: { values },
      ...inner,
    } as ChartSpec;
  }
  const panels = [...new Set(c.rows.map((r) => r.panel))];
  return {
    title: titleOf(c),
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      title: null,
    },
    columns: 2,
    resolve: {
      scale: { y: "independent", yOffset: "independent" },
      axis: { x: "independent" },
    },
    spec: inner,
  } as unknown as ChartSpec;
}

function seriesColor() {
  return {
    field: "series",
    type: "nominal",
    sort: ["observed", "expected"],
    scale: {
      domain: ["observed", "expected"],
      range: [SERIES_COLORS.observed, SERIES_COLORS.expected],
    },
    legend: { title: null, orient: "top" },
  };
}

/** Counts of an integer-valued quantity, observed and expected, by value. */
export interface ValueCounts extends ChartTitles {
  /** One row per value (or bin start): count observed and expected. */
  rows: { value: number; observed: number; expected: number }[];
  /** Axis title of the values. */
  valueTitle: string;
  /** Axis title of the counts. */
  countTitle: string;
  /** Width of a bin in value units (1 for single values). */
  binWidth?: number;
}

/**
 * A histogram: observed counts as bars from `value` to `value + binWidth`, the
 * expected counts as a black line with points at the bins' centres.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg(histogram({
 *   title: "Turns per session",
 *   valueTitle: "turns",
 *   countTitle: "sessions",
 *   rows: [1, 2, 3].map((v) => ({ value: v, observed: 10 * v, expected: 9 * v })),
 * }));
 * if (!svg.startsWith("<svg")) throw new Error("not an SVG");
 * ```
 */
export function histogram(h: ValueCounts): ChartSpec {
  const w = h.binWidth ?? 1;
  const values = h.rows.map((r) => ({
    from: r.value - (w === 1 ? 0.5 : 0),
    to: r.value + w - (w === 1 ? 0.5 : 0),
    mid: r.value + (w === 1 ? 0 : w / 2),
    observed: r.observed,
    expected: r.expected,
  }));
  return {
    title: titleOf(h),
    width: WIDTH,
    height: 160,
    data: { values },
    encoding: {
      x: {
        type: "quantitative",
        title: h.valueTitle,
        scale: { zero: false, nice: false },
      },
    },
    layer: [
      {
        mark: { type: "bar", color: SERIES_COLORS.observed, opacity: 0.85 },
        encoding: {
          x: { field: "from", type: "quantitative", title: h.valueTitle },
          x2: { field: "to" },
          y: { field: "observed", type: "quantitative", title: h.countTitle },
          y2: { datum: 0 },
        },
      },
      {
        mark: {
          type: "line",
          color: SERIES_COLORS.expected,
          strokeWidth: 1.5,
          point: { size: 10, color: SERIES_COLORS.expected },
        },
        encoding: {
          x: { field: "mid", type: "quantitative" },
          y: { field: "expected", type: "quantitative" },
        },
      },
    ],
  } as ChartSpec;
}

/** Matching quantiles: the model's and the data's, per panel. */
export interface QuantilePairs extends ChartTitles {
  /** One row per probability: the model's quantile and the observed one. */
  rows: { panel: string; model: number; observed: number }[];
}

/**
 * Q–Q plots, one small chart per panel (its name carries the unit): each point is a
 * probability's quantile under the model (x) and in the data (y); a sample drawn
 * from the model lies on the grey diagonal.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const rows = [0.1, 0.5, 0.9].map((p) => ({ panel: "web", model: p, observed: p }));
 * const svg = await renderSvg(quantilePlot({ title: "Q–Q", rows }));
 * if (!svg.startsWith("<svg")) throw new Error("not an SVG");
 * ```
 */
export function quantilePlot(q: QuantilePairs): ChartSpec {
  const panels = [...new Set(q.rows.map((r) => r.panel))];
  const values = q.rows.map((r) => ({ ...r, lo: r.model }));
  return {
    title: titleOf(q),
    data: { values },
    facet: { field: "panel", type: "nominal", sort: panels, title: null },
    columns: 4,
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          mark: { type: "line", color: "#999999", strokeWidth: 1 },
          encoding: {
            x: {
              field: "model",
              type: "quantitative",
              title: "model",
              scale: { zero: false },
            },
            y: {
              field: "lo",
              type: "quantitative",
              title: "observed",
              scale: { zero: false },
            },
          },
        },
        {
          mark: {
            type: "point",
            filled: true,
            size: 8,
            color: SERIES_COLORS.observed,
          },
          encoding: {
            x: { field: "model", type: "quantitative" },
            y: { field: "observed", type: "quantitative" },
          },
        },
      ],
    },
  } as unknown as ChartSpec;
}

/** Observed shares with intervals against targets with acceptance bands. */
export interface ShareIntervals extends ChartTitles {
  /** One row per quantity: observed share and its interval, target and its band, in [0, 1]. */
  rows: {
    label: string;
    observed: number;
    low: number;
    high: number;
    target: number;
    bandLow: number;
    bandHigh: number;
  }[];
  /** Axis title of the shares. */
  axisTitle: string;
  /**
   * Give each row its own axis (shares of different sizes: 3% and 97% on one axis
   * would hide both intervals); default one axis for all.
   */
  perRowScale?: boolean;
}

/**
 * One line per quantity: the target band (grey bar), the target (black tick), and the
 * observed share (blue point) with its confidence interval (blue rule).
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg(shareIntervals({
 *   title: "Fallback rate",
 *   axisTitle: "fallback rate",
 *   rows: [{ label: "billing", observed: 0.08, low: 0.07, high: 0.09, target: 0.081, bandLow: 0.075, bandHigh: 0.087 }],
 * }));
 * if (!svg.includes("billing")) throw new Error("no label");
 * ```
 */
export function shareIntervals(s: ShareIntervals): ChartSpec {
  const order = s.rows.map((r) => r.label);
  const y = {
    field: "label",
    type: "nominal",
    sort: order,
    title: null,
    axis: { labelLimit: 480 },
  };
  const x = {
    type: "quantitative",
    axis: { format: ".1%" },
    title: s.axisTitle,
    scale: { zero: false },
  };
  const layer = [
    {
      mark: { type: "bar", color: "#dddddd", height: 12 },
      encoding: {
        x: { field: "bandLow", ...x },
        x2: { field: "bandHigh" },
      },
    },
    {
      mark: {
        type: "tick",
        color: SERIES_COLORS.expected,
        thickness: 2,
        size: 14,
      },
      encoding: { x: { field: "target", type: "quantitative" } },
    },
    {
      mark: { type: "rule", color: SERIES_COLORS.observed, strokeWidth: 2 },
      encoding: {
        x: { field: "low", type: "quantitative" },
        x2: { field: "high" },
      },
    },
    {
      mark: {
        type: "point",
        filled: true,
        size: 40,
        color: SERIES_COLORS.observed,
      },
      encoding: { x: { field: "observed", type: "quantitative" } },
    },
  ];
  if (s.perRowScale) {
    return {
      title: titleOf(s),
      data: { values: s.rows },
      facet: {
        row: {
          field: "label",
          type: "nominal",
          sort: order,
          title: null,
          header: { labelAngle: 0, labelAlign: "left", labelLimit: 480 },
        },
      },
      resolve: { scale: { x: "independent" } },
      spec: {
        width: WIDTH,
        height: 18,
        layer: layer.map((l, i) =>
          i === 0
            ? {
              ...l,
              encoding: { ...l.encoding, x: { ...l.encoding.x, title: null } },
            }
            : l
        ),
      },
    } as unknown as ChartSpec;
  }
  return {
    title: titleOf(s),
    width: WIDTH,
    height: { step: 22 },
    data: { values: s.rows },
    encoding: { y },
    layer,
  } as ChartSpec;
}

/** Weekday × hour counts, by panel (e.g. "local, observed"). */
export interface WeekHourCells extends ChartTitles {
  /** Panels in display order, each 168 counts indexed weekday × 24 + hour (0 = Monday). */
  panels: { name: string; cells: ArrayLike<number> }[];
  /** Legend title of the counts. */
  countTitle: string;
}

/** Weekday labels, Monday first. */
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/**
 * Heatmaps of 7 weekdays × 24 hours, two per row, on one colour scale.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const cells = Array.from({ length: 168 }, (_, i) => i % 24);
 * const svg = await renderSvg(weekHourHeatmap({
 *   title: "Session starts",
 *   countTitle: "sessions",
 *   panels: [{ name: "observed", cells }, { name: "expected", cells }],
 * }));
 * if (!svg.includes("Mon")) throw new Error("no weekday");
 * ```
 */
export function weekHourHeatmap(h: WeekHourCells): ChartSpec {
  const values = h.panels.flatMap((p) =>
    Array.from({ length: 168 }, (_, i) => ({
      panel: p.name,
      day: DAYS[Math.floor(i / 24)],
      hour: i % 24,
      count: p.cells[i],
    }))
  );
  return {
    title: titleOf(h),
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: h.panels.map((p) => p.name),
      title: null,
    },
    columns: 2,
    spec: {
      width: 300,
      height: 105,
      mark: { type: "rect" },
      encoding: {
        x: {
          field: "hour",
          type: "ordinal",
          title: "hour",
          axis: { labelAngle: 0, values: [0, 3, 6, 9, 12, 15, 18, 21] },
        },
        y: { field: "day", type: "ordinal", sort: DAYS, title: null },
        color: {
          field: "count",
          type: "quantitative",
          title: h.countTitle,
          scale: { scheme: "viridis" },
        },
      },
    },
  } as unknown as ChartSpec;
}
