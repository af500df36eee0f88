/**
 * The three representations of one dataset the analytics workload loads and queries
 * (docs/design.md §5.1): the raw JSONL log, the star schema and the snowflake schema.
 *
 * @module
 */

/** One representation: its folder in a dataset and its schema name in a database. */
export type Representation = "raw" | "star" | "snowflake";

/** Every representation, in the order reports list them. */
export const REPRESENTATIONS: readonly Representation[] = [
  "raw",
  "star",
  "snowflake",
];
