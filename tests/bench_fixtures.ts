/**
 * Hand-built inputs for the report and chart tests: a bench result of three queries
 * on DuckDB (raw, star, snowflake) and PostgreSQL (star, snowflake) with one
 * disagreement, and a chart with a UTC time axis.
 */
import type { BenchResult } from "../lib/workload/bench_result.ts";
import type { ChartSpec } from "../lib/chart/mod.ts";

const reps = [
  ["duckdb", "raw"],
  ["duckdb", "star"],
  ["duckdb", "snowflake"],
  ["postgres", "star"],
  ["postgres", "snowflake"],
] as const;

const QUERIES = [
  [
    "q01",
    "fallback_rate_by_intent",
    "What share of turns fell back, per intent?",
  ],
  ["q02", "sessions_by_channel", "How many sessions started on each channel?"],
  ["q13", "slowest_users", "Which users waited longest | on average?"],
] as const;

/** A bench result built by hand (times in whole microseconds). */
export function handResult(): BenchResult {
  return {
    dataset: {
      dir: "output",
      fingerprint: "ab".repeat(32),
      sessions: 12_345,
      turns: 98_765,
      users: 500,
      generator: "0.3.0",
    },
    machine: {
      cpu: "Example CPU @ 2.00GHz",
      cores: 2,
      memoryGiB: 7.8,
      os: "linux 6.8.0 x86_64",
      deno: "2.9.6",
      duckdb: "v1.5.0",
      postgres: "15.8",
    },
    runs: 3,
    warmups: 1,
    loads: [
      {
        engine: "duckdb",
        representation: "raw",
        encoding: "text",
        ms: 1234.5,
        rows: 98_765,
      },
      {
        engine: "duckdb",
        representation: "star",
        encoding: "text",
        ms: 456.25,
        rows: 120_000,
      },
      {
        engine: "duckdb",
        representation: "snowflake",
        encoding: "text",
        ms: 512,
        rows: 121_000,
      },
      {
        engine: "postgres",
        representation: "star",
        encoding: "text",
        ms: 2345.001,
        rows: 120_000,
      },
      {
        engine: "postgres",
        representation: "snowflake",
        encoding: "text",
        ms: 2400,
        rows: 121_000,
      },
    ],
    queries: QUERIES.flatMap(([id, name, question], qi) =>
      reps.map(([engine, representation], ri) => {
        const base = (qi + 1) * (ri + 1) * 1.5;
        const timesMs = [base, base * 2, base + 0.001];
        return {
          id,
          name,
          question,
          engine,
          representation,
          encoding: "text" as const,
          timesMs,
          medianMs: base + 0.001,
          p95Ms: base * 2,
          rows: 10 * (qi + 1),
        };
      })
    ),
    agreement: QUERIES.flatMap(([id]) =>
      reps.slice(1).map(([engine, representation]) =>
        id === "q13" && engine === "postgres" && representation === "star"
          ? {
            id,
            engine,
            representation,
            encoding: "text" as const,
            agrees: false,
            difference: 'row 3 differs: "u|7", 12.5 vs "u|7", 12.6',
          }
          : {
            id,
            engine,
            representation,
            encoding: "text" as const,
            agrees: true,
          }
      )
    ),
  };
}

/**
 * `handResult()` with the DuckDB loads and queries repeated from Parquet files (times
 * doubled, the same rows), and its Parquet star disagreeing on q01.
 */
export function handResultWithParquet(): BenchResult {
  const r = handResult();
  const duck = <T extends { engine: string }>(xs: T[]) =>
    xs.filter((x) => x.engine === "duckdb");
  r.loads.push(
    ...duck(r.loads).map((l) => ({
      ...l,
      encoding: "parquet" as const,
      ms: l.ms / 2,
    })),
  );
  r.queries.push(
    ...duck(r.queries).map((q) => ({
      ...q,
      encoding: "parquet" as const,
      timesMs: q.timesMs.map((t) => t * 2),
      medianMs: q.medianMs * 2,
      p95Ms: q.p95Ms * 2,
    })),
  );
  r.agreement.push(
    ...QUERIES.flatMap(([id]) =>
      reps.slice(0, 3).map(([engine, representation]) =>
        id === "q01" && representation === "star"
          ? {
            id,
            engine,
            representation,
            encoding: "parquet" as const,
            agrees: false,
            difference: "row 1 differs",
          }
          : {
            id,
            engine,
            representation,
            encoding: "parquet" as const,
            agrees: true,
          }
      )
    ),
  );
  return r;
}

/** A line chart over a UTC time axis: its labels would move with TZ if local. */
export const TIME_SPEC: ChartSpec = {
  data: {
    values: [
      { t: "2025-03-30T00:30:00Z", v: 1 },
      { t: "2025-03-30T23:30:00Z", v: 3 },
      { t: "2025-03-31T12:00:00Z", v: 2 },
    ],
  },
  mark: "line",
  encoding: {
    x: { field: "t", type: "temporal", scale: { type: "utc" } },
    y: { field: "v", type: "quantitative" },
  },
};
