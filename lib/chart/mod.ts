/**
 * Charts: Vega-Lite specs rendered to deterministic SVG text with a shared theme.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { renderSvg } from "./mod.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: {
 *     x: { field: "x", type: "quantitative" },
 *     y: { field: "y", type: "quantitative" },
 *   },
 * });
 * ok(svg.endsWith("</svg>\n"));
 * ```
 *
 * @module
 */
export { type ChartSpec, renderSvg } from "./render.ts";
export {
  CATEGORY_COLORS,
  CHART_FONT,
  CHART_THEME,
  type ChartConfig,
  NUMBER_LOCALE,
  TIME_LOCALE,
} from "./theme.ts";
