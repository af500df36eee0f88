/**
 * What one `bench` run measured (the content of bench.json): the dataset, the
 * machine, load times, query times and whether the representations agree. Every
 * load, query and agreement names its engine, representation and encoding (the
 * files it was loaded from: "text" for JSON Lines and CSV, "parquet").
 *
 * @module
 */
import type { EncodingChoice } from "../config/schema.ts";
import type { Representation } from "./representation.ts";

export type { EncodingChoice };

/** A database engine the workload runs on. */
export type Engine = "duckdb" | "postgres";

/** Every engine, in the order reports list them. */
export const ENGINES: readonly Engine[] = ["duckdb", "postgres"];

/** The dataset a bench ran on (from its manifest.json). */
export interface BenchDataset {
  /** The dataset folder as given on the command line. */
  dir: string;
  /** The manifest's fingerprint (64 hex digits). */
  fingerprint: string;
  /** Sessions in the dataset. */
  sessions: number;
  /** Turns in the dataset. */
  turns: number;
  /** Users in the dataset. */
  users: number;
  /** The version of chatsynth that generated it, e.g. "0.3.0". */
  generator: string;
}

/** The machine and software a bench ran on. */
export interface BenchMachine {
  /** CPU model name from /proc/cpuinfo; "unknown" when unreadable. */
  cpu: string;
  /** Logical cores (`navigator.hardwareConcurrency`). */
  cores: number;
  /** Total memory in GiB (2^30 bytes), one decimal; 0 when unknown. */
  memoryGiB: number;
  /** Operating system, kernel release and architecture, e.g. "linux 6.8.0 x86_64". */
  os: string;
  /** Deno version, e.g. "2.9.6". */
  deno: string;
  /** DuckDB library version, e.g. "v1.5.0". */
  duckdb: string;
  /** PostgreSQL server version, when PostgreSQL ran, e.g. "15.8". */
  postgres?: string;
}

/** Loading one representation into one engine. */
export interface BenchLoad {
  /** The engine loaded. */
  engine: Engine;
  /** The representation loaded. */
  representation: Representation;
  /** The encoding of the files loaded: "text" (JSON Lines, CSV) or "parquet". */
  encoding: EncodingChoice;
  /** Wall-clock time of the load in milliseconds (DDL, copy and constraint checks). */
  ms: number;
  /** Rows loaded, over all tables of the representation. */
  rows: number;
}

/** The timed runs of one reference query on one representation in one engine. */
export interface BenchQuery {
  /** Query id, e.g. "q01". */
  id: string;
  /** Query name in snake case, e.g. "fallback_rate_by_intent". */
  name: string;
  /** The question the query answers, one sentence. */
  question: string;
  /** The engine it ran on. */
  engine: Engine;
  /** The representation it ran on. */
  representation: Representation;
  /** The encoding of the files loaded: "text" (JSON Lines, CSV) or "parquet". */
  encoding: EncodingChoice;
  /** Each timed run's wall-clock time in milliseconds, in run order. */
  timesMs: number[];
  /** Median of `timesMs` (lib/workload/timing.ts). */
  medianMs: number;
  /** Nearest-rank 95th percentile of `timesMs` (lib/workload/timing.ts). */
  p95Ms: number;
  /** Rows in the query's result. */
  rows: number;
}

/** Whether one query's answer on one representation and engine equals the reference. */
export interface BenchAgreement {
  /** Query id, e.g. "q01". */
  id: string;
  /** The engine of the answer compared. */
  engine: Engine;
  /** The representation of the answer compared. */
  representation: Representation;
  /** The encoding of the files loaded: "text" (JSON Lines, CSV) or "parquet". */
  encoding: EncodingChoice;
  /** True when the answer equals the reference answer. */
  agrees: boolean;
  /** When it does not: the first differing row, one sentence. */
  difference?: string;
}

/**
 * Everything one `bench` run measured: the content of bench.json.
 *
 * @example
 * ```ts
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
 * // Plain data: a JSON round trip keeps it whole.
 * if (JSON.stringify(JSON.parse(JSON.stringify(r))) !== JSON.stringify(r)) throw new Error("Round trip");
 * if (!r.loads.every((l) => ENGINES.includes(l.engine))) throw new Error("Unknown engine");
 * ```
 */
export interface BenchResult {
  /** The dataset. */
  dataset: BenchDataset;
  /** The machine. */
  machine: BenchMachine;
  /** Timed runs per query (`--runs`). */
  runs: number;
  /** Untimed warm-up runs per query before the timed ones (`--warmup`). */
  warmups: number;
  /** One entry per engine, representation and encoding loaded. */
  loads: BenchLoad[];
  /** One entry per query, engine, representation and encoding. */
  queries: BenchQuery[];
  /** One entry per query, engine, representation and encoding compared. */
  agreement: BenchAgreement[];
}
