/**
 * The look every chatsynth chart shares (fonts, colours, sizes) and the fixed number
 * and time locales that make a chart's text independent of the machine's locale.
 *
 * @module
 */
import type { Config } from "vega-lite";
import { MONTH_NAMES, WEEKDAY_NAMES } from "../calendar/iso_date.ts";

const [MON, TUE, WED, THU, FRI, SAT, SUN] = WEEKDAY_NAMES;
/** Weekday names Sunday first, as d3-time-format wants them. */
const SUNDAY_FIRST = [SUN, MON, TUE, WED, THU, FRI, SAT] as const;

/** The first three letters of each name, keeping the tuple's length. */
function abbreviated<T extends readonly string[]>(
  names: T,
): { -readonly [K in keyof T]: string } {
  return names.map((n) => n.slice(0, 3)) as {
    -readonly [K in keyof T]: string;
  };
}

/**
 * Number formatting for axis labels and tooltips: a point for decimals, commas
 * between groups of three digits, an ASCII hyphen for minus (as lib/number_format.ts
 * writes numbers). A d3-format locale definition.
 */
export const NUMBER_LOCALE = {
  decimal: ".",
  thousands: ",",
  grouping: [3],
  currency: ["$", ""],
  minus: "-",
} as const;

/**
 * Date and time formatting: ISO 8601 dates and 24-hour times with English day and
 * month names. A d3-time-format locale definition. Times are formatted in the time
 * zone of the scale, so charts use UTC scales only (see `renderSvg`).
 */
export const TIME_LOCALE = {
  dateTime: "%Y-%m-%d %H:%M:%S",
  date: "%Y-%m-%d",
  time: "%H:%M:%S",
  periods: ["AM", "PM"],
  days: SUNDAY_FIRST,
  shortDays: abbreviated(SUNDAY_FIRST),
  months: MONTH_NAMES,
  shortMonths: abbreviated(MONTH_NAMES),
} as const;

/**
 * Categorical colours, in order: the Okabe–Ito palette, distinguishable with the
 * common colour-vision deficiencies (CSS hex colours).
 */
export const CATEGORY_COLORS: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

/** A Vega-Lite config (the `config` of a spec): defaults for marks, axes, legends. */
export type ChartConfig = Config;

/** Font family of every text in a chart (a CSS font list). */
export const CHART_FONT = "Helvetica, Arial, sans-serif";

/**
 * The Vega-Lite config every chart is compiled with: font, colours, sizes and the
 * locales above. A spec's own `config` overrides any of it, key by key.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * // Charts are drawn with the theme's font and thousands separator, whatever the machine's locale.
 * const svg = await renderSvg({
 *   data: { values: [{ k: "a", v: 12000 }] },
 *   mark: "bar",
 *   encoding: { x: { field: "v", type: "quantitative" }, y: { field: "k", type: "nominal" } },
 * });
 * if (!svg.includes(CHART_FONT) || !svg.includes("12,000")) throw new Error("Theme not applied");
 * ```
 */
export const CHART_THEME: ChartConfig = {
  font: CHART_FONT,
  background: "white",
  padding: 8,
  locale: {
    number: {
      ...NUMBER_LOCALE,
      grouping: [...NUMBER_LOCALE.grouping],
      currency: [...NUMBER_LOCALE.currency],
    },
    time: {
      ...TIME_LOCALE,
      periods: [...TIME_LOCALE.periods],
      days: [...TIME_LOCALE.days],
      shortDays: [...TIME_LOCALE.shortDays],
      months: [...TIME_LOCALE.months],
      shortMonths: [...TIME_LOCALE.shortMonths],
    },
  },
  range: { category: [...CATEGORY_COLORS] },
  title: { fontSize: 14, anchor: "start", subtitleFontSize: 11 },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: "#e5e5e5" },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    labelLimit: 400,
    titleLimit: 400,
  },
  view: { stroke: null },
};
