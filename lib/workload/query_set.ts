/**
 * The reference query set of the analytics workload (docs/design.md): analytic
 * questions, each written three times, against the raw log (`raw.turns`, DuckDB only),
 * the star schema and the snowflake schema. The three versions of a question return
 * the same rows in the same order; the star and snowflake versions run unchanged in
 * DuckDB and PostgreSQL 15.
 *
 * The SQL lives in `sql/queries/<id>_<name>/{raw,star,snowflake}.sql`: a one-line
 * `--` comment holding the question, then one SELECT statement with schema-qualified
 * table names and a total ORDER BY. `sql/queries/README.md` describes each
 * question's grain, the raw version's deduplication and the join paths.
 *
 * @module
 */
import type { Representation } from "./representation.ts";
import { readSql } from "./sql_text.ts";

/** One reference question. */
export interface ReferenceQuery {
  /** "q01".."q13": the position in the set, also the folder name's prefix. */
  id: string;
  /** snake_case, e.g. "fallback_rate_by_intent": the folder name's suffix. */
  name: string;
  /** The question in one sentence: the first line of each SQL file, after `-- `. */
  question: string;
}

/**
 * Every reference question, in report order. Each has the folder
 * `sql/queries/<id>_<name>/` holding `raw.sql`, `star.sql` and `snowflake.sql`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(REFERENCE_QUERIES[0].id, "q01");
 * strictEqual(REFERENCE_QUERIES.length >= 13, true);
 * ```
 */
export const REFERENCE_QUERIES: readonly ReferenceQuery[] = [
  {
    id: "q01",
    name: "fallback_rate_by_intent",
    question:
      "Fallback rate by intent: turns, fallback turns and their ratio, per turn intent.",
  },
  {
    id: "q02",
    name: "latency_percentiles_by_channel",
    question:
      "Bot latency by channel: turns, total latency and the median and 95th percentile (ms, interpolated).",
  },
  {
    id: "q03",
    name: "sessions_by_weekday_hour_utc",
    question: "Sessions by ISO weekday and hour of the session start in UTC.",
  },
  {
    id: "q04",
    name: "sessions_by_weekday_hour_local",
    question:
      "Sessions by ISO weekday and hour of the session start in the user's local time.",
  },
  {
    id: "q05",
    name: "satisfaction_by_region",
    question:
      "Satisfaction by the user's region: sessions, the sum of their satisfaction scores and its mean per session.",
  },
  {
    id: "q06",
    name: "fallback_rate_by_device_age_band",
    question:
      "Fallback rate by device and the user's age band: turns, fallback turns and their ratio.",
  },
  {
    id: "q07",
    name: "monthly_active_users",
    question:
      "Monthly active users: distinct users with a session starting in the month (UTC), and those sessions.",
  },
  {
    id: "q08",
    name: "escalation_rate_by_intent_category",
    question:
      "Escalation rate by the intent category of the session's goal: sessions, escalated sessions and their ratio.",
  },
  {
    id: "q09",
    name: "top_intents_by_country_month",
    question:
      "Top three turn intents per user country and month of the turn (UTC), ties kept (RANK).",
  },
  {
    id: "q10",
    name: "resolution_rate_by_goal_channel",
    question:
      "Resolution rate by the session's goal intent and channel: sessions, resolved sessions and their ratio.",
  },
  {
    id: "q11",
    name: "turn_funnel",
    question:
      "Turn funnel: per turn number, the sessions that reached it and those that ended there resolved, escalated or otherwise.",
  },
  {
    id: "q12",
    name: "repeat_user_sessions_by_iso_week",
    question:
      "Repeat users (two or more sessions in the dataset): their sessions and distinct users per ISO week of the session start (UTC).",
  },
  {
    id: "q13",
    name: "all_dimensions_rollup",
    question:
      "Turns, fallback turns and total latency by year, quarter, region, age band, channel type, platform, intent category, dialogue acts and day part (every dimension joined).",
  },
];

/**
 * The folder of a question's SQL files, relative to `sql/`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(queryFolder(REFERENCE_QUERIES[0]), "queries/q01_fallback_rate_by_intent");
 * ```
 */
export function queryFolder(query: ReferenceQuery): string {
  return `queries/${query.id}_${query.name}`;
}

/**
 * The SQL text of one version of a question: the file
 * `sql/queries/<id>_<name>/<rep>.sql` as it is (a leading `--` comment line, then one
 * SELECT statement without a trailing semicolon).
 *
 * @param query A member of {@link REFERENCE_QUERIES}.
 * @param rep The representation the version reads (its tables' schema).
 * @returns The file's text.
 * @throws {Deno.errors.NotFound} When the file is missing (a broken checkout).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(querySql(REFERENCE_QUERIES[0], "star").includes("FROM star.fact_turn"), true);
 * ```
 */
export function querySql(query: ReferenceQuery, rep: Representation): string {
  return readSql(`${queryFolder(query)}/${rep}.sql`);
}
