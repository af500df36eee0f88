/**
 * The three representations of a dataset that the analytics workload compares
 * (docs/design.md §10): the raw JSONL log, the star schema and the snowflake schema.
 * Each is also the SQL schema name its tables load into.
 *
 * @module
 */

/** One representation; also its SQL schema name. */
export type Representation = "raw" | "star" | "snowflake";

/**
 * Every representation, in the order reports list them.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(REPRESENTATIONS, ["raw", "star", "snowflake"]);
 * ```
 */
export const REPRESENTATIONS: readonly Representation[] = [
  "raw",
  "star",
  "snowflake",
];
