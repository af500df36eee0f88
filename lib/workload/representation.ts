/**
 * The three representations of one dataset that the analytics workload loads and
 * queries: the raw JSONL log, the star schema and the snowflake schema.
 *
 * @module
 */

/**
 * One representation, named as its folder in a dataset and its schema in a database:
 * `raw` (`raw.turns`), `star` (`star.fact_turn`, ...) or `snowflake`.
 */
export type Representation = "raw" | "star" | "snowflake";

/**
 * Every representation, in report order (raw, star, snowflake).
 *
 * @example
 * ```ts
 * import { REPRESENTATIONS } from "./representation.ts";
 * const folders = REPRESENTATIONS.map((rep) => `${rep}/`); // ["raw/", "star/", "snowflake/"]
 * ```
 */
export const REPRESENTATIONS: readonly Representation[] = [
  "raw",
  "star",
  "snowflake",
];
