/**
 * The analytics workload (`bench [DIR]`, docs/design.md §10): load every
 * representation of a dataset into DuckDB with constraints enforced, run the reference
 * queries on each, time them, and check that the answers are the same. A dataset in
 * both encodings (text and Parquet) loads each into a DuckDB database of its own
 * (both open at once: twice the memory), so every query runs on every representation
 * in every encoding, text and Parquet timed one right after the other. With `--postgres URL`,
 * also load the text star and snowflake into PostgreSQL and check its answers against
 * DuckDB's. Writes `bench.json`, `bench.md` and `bench.svg` next to the
 * dataset (reports, outside the fingerprint).
 *
 * @module
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { EncodingChoice } from "../config/schema.ts";
import {
  CheckFailure,
  Interrupted,
  type InterruptSignal,
  UsageError,
} from "../errors.ts";
import { readManifest } from "../manifest/read_manifest.ts";
import { inFolder } from "../wording.ts";
import { loadDuckDb, type LoadResult } from "./duckdb_load.ts";
import { dataFile } from "./ddl.ts";
import {
  connectPostgres,
  loadPostgres,
  postgresCollation,
} from "./postgres_load.ts";
import { querySql, REFERENCE_QUERIES } from "./query_set.ts";
import type { Representation } from "./representation.ts";
import { REPRESENTATIONS } from "./representation.ts";
import {
  compareResults,
  fromDuckDb,
  fromPostgres,
  type ResultSet,
} from "./result_set.ts";
import {
  benchJson,
  benchMarkdown,
  benchSvg,
  ENCODING_LABELS,
  ENGINE_LABELS,
} from "./bench_report.ts";
import type { BenchResult, Engine } from "./bench_result.ts";
import { machineInfo } from "./machine.ts";
import { summarizeTimes } from "./timing.ts";

/** What `bench` does, from the command line. */
export interface BenchOptions {
  /** The dataset folder. */
  dir: string;
  /** Timed runs per query and representation (≥ 1). */
  runs: number;
  /** Untimed runs before them (≥ 0). */
  warmup: number;
  /**
   * Keep the DuckDB database in this file (schemas raw, star, snowflake): the one
   * loaded from text files when the dataset has them, else from Parquet.
   */
  db?: string;
  /** Replace an existing `db` file. */
  force: boolean;
  /** Also load star and snowflake into this PostgreSQL database and compare. */
  postgres?: string;
  /** Progress lines, e.g. to standard error; none when omitted. */
  log?: (line: string) => void;
  /** Warnings (shown even when quiet), starting with "warning: "; none when omitted. */
  warn?: (line: string) => void;
}

/** A query's answer on one engine and representation, and its times. */
interface Answer {
  engine: Engine;
  representation: Representation;
  encoding: EncodingChoice;
  result: ResultSet;
  timesMs: number[];
}

/** Run `query` warmup + runs times; the last run's answer is kept. */
async function timed<T>(
  warmup: number,
  runs: number,
  query: () => Promise<T>,
): Promise<{ last: T; timesMs: number[] }> {
  let last: T | undefined;
  for (let i = 0; i < warmup; i++) last = await query();
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await query();
    timesMs.push(performance.now() - t0);
  }
  return { last: last as T, timesMs };
}

/**
 * "DuckDB star", "PostgreSQL snowflake": an answer's engine and representation, and
 * its encoding when encodings are named ("DuckDB star (Parquet)").
 */
function label(
  a: { engine: Engine; representation: string; encoding: EncodingChoice },
  withEncoding: boolean,
) {
  return `${ENGINE_LABELS[a.engine]} ${a.representation}${
    withEncoding ? ` (${ENCODING_LABELS[a.encoding]})` : ""
  }`;
}

/** Compare two answers; PostgreSQL's as sets when its collation is not byte order. */
function compareAnswers(
  expected: Answer,
  actual: Answer,
  orderInsensitive: boolean,
  withEncoding: boolean,
) {
  return compareResults(expected.result, actual.result, {
    orderInsensitive: orderInsensitive &&
      (expected.engine === "postgres" || actual.engine === "postgres"),
    names: {
      expected: label(expected, withEncoding),
      actual: label(actual, withEncoding),
    },
  });
}

/**
 * The answer the others are compared with: the one that agrees with the most others,
 * so a broken representation is named as the odd one out rather than making the
 * others look wrong; ties go to DuckDB star (from text files, when the dataset has
 * them), then the order of `answers`.
 */
function majorityAnswer(
  answers: readonly Answer[],
  orderInsensitive: boolean,
): Answer {
  const firstEncoding = answers[0]?.encoding;
  const preferred = (a: Answer) =>
    a.engine === "duckdb" && a.representation === "star" &&
      a.encoding === firstEncoding
      ? 1
      : 0;
  let best = answers[0];
  let bestScore = -1;
  for (const a of answers) {
    const agreeing = answers.filter((b) =>
      b === a || compareAnswers(a, b, orderInsensitive, false) === undefined
    ).length;
    const score = agreeing * 2 + preferred(a);
    if (score > bestScore) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}

/** The encodings bench loads, in the order it loads them. */
const BENCH_ENCODINGS: readonly EncodingChoice[] = ["text", "parquet"];

/**
 * The representations a dataset holds in each encoding, from its manifest's files
 * (encodings holding none left out).
 */
function presentRepresentations(
  files: { path: string }[],
): { encoding: EncodingChoice; reps: Representation[] }[] {
  return BENCH_ENCODINGS.map((encoding) => ({
    encoding,
    reps: REPRESENTATIONS.filter((r) =>
      files.some((f) =>
        f.path.startsWith(`${r}/`) &&
        f.path.endsWith(
          encoding === "parquet" ? ".parquet" : r === "raw" ? ".jsonl" : ".csv",
        )
      )
    ),
  })).filter((e) => e.reps.length > 0);
}

const INTERRUPT_SIGNALS: InterruptSignal[] = ["SIGINT", "SIGTERM"];

/**
 * Remove an unfinished `--db` file and its write-ahead log; returns the clause the
 * error message ends with (removed, or left with the reason).
 */
function removeUnfinished(path: string): string {
  try {
    for (const p of [path, `${path}.wal`]) {
      try {
        Deno.removeSync(p);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    return `; the unfinished database "${path}" was removed`;
  } catch (e) {
    const why = e instanceof Deno.errors.NotCapable
      ? `Deno has no write access to it (--allow-write=${path})`
      : e instanceof Error
      ? e.message
      : String(e);
    return `; the unfinished database "${path}" is left behind (${why}): remove it`;
  }
}

/** Refuse to overwrite `--db FILE` unless `force`; remove it (and its WAL) if forced. */
function prepareDbFile(path: string, force: boolean, datasetDir: string): void {
  const parent = path.includes("/")
    ? path.slice(0, path.lastIndexOf("/")) || "/"
    : ".";
  let parentReal: string | undefined;
  try {
    parentReal = Deno.realPathSync(parent);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `--db "${path}": no folder "${parent}" to put it in`,
      );
    }
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  const dataset = Deno.realPathSync(datasetDir);
  if (
    parentReal !== undefined &&
    (parentReal === dataset || parentReal.startsWith(`${dataset}/`))
  ) {
    throw new UsageError(
      `--db "${path}" is inside the dataset folder "${datasetDir}"; put the database elsewhere`,
    );
  }
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (info === undefined) return;
  if (!info.isFile) {
    throw new UsageError(
      `--db "${path}" is ${
        info.isDirectory ? "a folder" : "not a regular file"
      }; give the path of a database file`,
    );
  }
  if (!force) {
    throw new UsageError(
      `--db "${path}" already exists; remove it, choose another file, or add --force to replace it`,
    );
  }
  for (const p of [path, `${path}.wal`]) {
    try {
      Deno.removeSync(p);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/**
 * Where a load's row counts differ from the manifest's: the files loaded are not the
 * files the manifest lists (edited, or another dataset's). A warning, not a failure:
 * the queries still run and name what the difference changes; `verify` checks files.
 */
function manifestRowWarnings(
  r: LoadResult,
  engine: string,
  files: { path: string; rows: number }[],
): string[] {
  const warnings: string[] = [];
  for (const t of r.tables) {
    const path = dataFile(r.representation, t, r.encoding);
    const f = files.find((x) => x.path === path);
    if (f !== undefined && f.rows !== t.rows) {
      warnings.push(
        `warning: ${engine} loaded ${t.rows} rows into ${r.representation}.${t.name}, but the manifest lists ${f.rows} for ${f.path}: the file is not the one the manifest describes (verify checks the files)`,
      );
    }
  }
  return warnings;
}

/**
 * Run the workload and return everything measured; does not print or write files.
 *
 * @param options Dataset folder, runs, warm-up, database file and PostgreSQL URL.
 * @returns The measurements and the agreement of every other answer with the
 *   reference answer of each query: the one most answers agree with (DuckDB star on a
 *   tie), so a broken representation shows up as the one that differs.
 * @throws {UsageError} When the folder is no dataset, `--db` exists without `force`, or
 *   PostgreSQL cannot be reached.
 * @throws {CheckFailure} When a representation fails to load (a broken key, type or
 *   header), naming the table and key.
 *
 * @example
 * ```ts
 * import { runCli } from "../cli/run.ts";
 * const dir = Deno.makeTempDirSync();
 * try {
 *   const out = `${dir}/dataset`;
 *   const argv = ["generate", "-q", "--sessions", "2", "--users", "1", "--out", out];
 *   if (await runCli(argv) !== 0) throw new Error("Generation failed");
 *   // DuckDB in memory (no --db file, no PostgreSQL).
 *   const r = await runBench({ dir: out, runs: 1, warmup: 0, force: false });
 *   if (!r.agreement.every((a) => a.agrees)) throw new Error(disagreements(r).join("; "));
 *   if (r.queries.some((q) => q.timesMs.length !== 1)) throw new Error("Expected one timed run");
 * } finally {
 *   Deno.removeSync(dir, { recursive: true });
 * }
 * ```
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const warn = options.warn ?? (() => {});
  const { manifest } = readManifest(options.dir);
  const sets = presentRepresentations(manifest.files);
  if (sets.length === 0) {
    throw new UsageError(
      `"${options.dir}" holds no raw, star or snowflake files to load`,
    );
  }
  // Name encodings in labels and messages unless everything is text.
  const withEncoding = sets.some((e) => e.encoding !== "text");
  const textReps = sets.find((e) => e.encoding === "text")?.reps ?? [];
  if (options.db !== undefined) {
    prepareDbFile(options.db, options.force, options.dir);
  }
  const loads: BenchResult["loads"] = [];
  const answers = new Map<string, Answer[]>();
  const record = (id: string, a: Answer) => {
    const list = answers.get(id) ?? [];
    list.push(a);
    answers.set(id, list);
  };
  const loadEntry = (engine: Engine, r: LoadResult) => {
    loads.push({
      engine,
      representation: r.representation,
      encoding: r.encoding,
      ms: r.ms,
      rows: r.rows,
    });
    log(
      `Loaded ${r.representation}${
        withEncoding ? ` (${ENCODING_LABELS[r.encoding]})` : ""
      } into ${ENGINE_LABELS[engine]}: ${r.rows} rows in ${
        (r.ms / 1000).toFixed(2)
      } s`,
    );
  };
  let duckdbVersion = "unknown";
  let postgresVersion: string | undefined;
  let orderInsensitive = false;
  // PostgreSQL first: a wrong URL or password fails before minutes of DuckDB loads.
  const pg = options.postgres === undefined
    ? undefined
    : await connectPostgres(options.postgres);
  // One DuckDB database per encoding, open together (see below).
  const open: { instance: DuckDBInstance; connection?: DuckDBConnection }[] =
    [];
  // SIGINT or SIGTERM: stop the statement running in either database, then clean up
  // (an unfinished --db file is removed) and exit 130 or 143.
  let received: InterruptSignal | undefined;
  const listeners = INTERRUPT_SIGNALS.map((sig) => {
    const listener = () => {
      received ??= sig;
      for (const d of open) {
        try {
          d.connection?.interrupt();
        } catch { /* already closed */ }
      }
      pg?.end({ timeout: 0 }).catch(() => {});
    };
    try {
      Deno.addSignalListener(sig, listener);
    } catch { /* no such signal on this platform */ }
    return [sig, listener] as const;
  });
  /** Close every DuckDB database still open; never throws. */
  const closeAll = () => {
    for (const d of open.splice(0)) {
      try {
        d.connection?.closeSync();
        d.instance.closeSync();
      } catch { /* closing a database that failed */ }
    }
  };
  const stopIfInterrupted = () => {
    if (received !== undefined) throw new Error("interrupted");
  };
  /**
   * Every reference query on each representation of each target (one database per
   * encoding): warm-up and timed runs of `exec` (the database's own call, so only it
   * is timed), the last run's answer made canonical. A query runs on one
   * representation in every encoding before the next, so that text and Parquet are
   * timed minutes apart at most, under the same load of the machine.
   */
  const runQueries = async <T>(
    engine: Engine,
    targets: readonly {
      encoding: EncodingChoice;
      reps: readonly Representation[];
    }[],
    exec: (
      sql: string,
      id: string,
      rep: Representation,
      encoding: EncodingChoice,
    ) => Promise<T>,
    canonical: (raw: T) => ResultSet,
  ) => {
    if (targets.every((t) => t.reps.length === 0)) return;
    for (const q of REFERENCE_QUERIES) {
      for (const rep of REPRESENTATIONS) {
        const sql = querySql(q, rep);
        for (
          const { encoding } of targets.filter((t) => t.reps.includes(rep))
        ) {
          const { last, timesMs } = await timed(
            options.warmup,
            options.runs,
            () => exec(sql, q.id, rep, encoding),
          );
          stopIfInterrupted();
          record(q.id, {
            engine,
            representation: rep,
            encoding,
            result: canonical(last),
            timesMs,
          });
        }
      }
      const ran = REPRESENTATIONS.filter((r) =>
        targets.some((t) => t.reps.includes(r))
      );
      log(
        `Ran ${q.id} ${q.name} on ${ENGINE_LABELS[engine]} (${ran.join(", ")}${
          withEncoding
            ? `; ${targets.map((t) => ENCODING_LABELS[t.encoding]).join(", ")}`
            : ""
        })`,
      );
    }
  };
  try {
    // One DuckDB database per encoding, so the queries stay the same (schemas raw,
    // star, snowflake); both stay open while the queries run, interleaved. --db
    // keeps the first (text, when the dataset has it); the others are in memory.
    const ducks = new Map<EncodingChoice, DuckDBConnection>();
    for (const [i, { encoding, reps }] of sets.entries()) {
      const file = i === 0 ? options.db : undefined;
      let instance: DuckDBInstance;
      try {
        instance = await DuckDBInstance.create(file ?? ":memory:");
      } catch (e) {
        throw new UsageError(
          `Cannot open --db "${options.db}": ${
            (e instanceof Error ? e.message : String(e)).split("\n")[0]
          }`,
        );
      }
      const entry: (typeof open)[number] = { instance };
      open.push(entry);
      const duck = entry.connection = await instance.connect();
      ducks.set(encoding, duck);
      await duck.run("SET TimeZone = 'UTC'");
      const v = await duck.runAndReadAll("SELECT version()");
      duckdbVersion = String(v.getRows()[0][0]);
      for (const rep of reps) {
        const r = await loadDuckDb(duck, options.dir, rep, encoding);
        manifestRowWarnings(r, "DuckDB", manifest.files).forEach(warn);
        loadEntry("duckdb", r);
        stopIfInterrupted();
      }
    }
    await runQueries(
      "duckdb",
      sets,
      (sql, _id, _rep, encoding) => ducks.get(encoding)!.runAndReadAll(sql),
      fromDuckDb,
    );
    closeAll();
    if (pg !== undefined) {
      await pg.unsafe("SET TIME ZONE 'UTC'");
      const v = await pg.unsafe("SHOW server_version");
      postgresVersion = String(v[0].server_version);
      const collation = await postgresCollation(pg);
      orderInsensitive = !/^(C|POSIX|C\.UTF-?8)$/i.test(collation);
      if (orderInsensitive) {
        log(
          `PostgreSQL sorts strings by collation "${collation}", not byte order: its answers are compared as sets of rows`,
        );
      }
      // PostgreSQL loads text files only (CSV with COPY).
      const pgReps = textReps.filter((r): r is "star" | "snowflake" =>
        r !== "raw"
      );
      if (pgReps.length === 0) {
        log(
          "The dataset has no star or snowflake CSV files: nothing to load into PostgreSQL (it loads text files only)",
        );
      }
      for (const rep of pgReps) {
        const r = await loadPostgres(pg, options.dir, rep);
        manifestRowWarnings(r, "PostgreSQL", manifest.files).forEach(warn);
        loadEntry("postgres", r);
        stopIfInterrupted();
      }
      await runQueries(
        "postgres",
        [{ encoding: "text", reps: pgReps }],
        (text, id, rep) =>
          pg.unsafe(text).raw().catch((e) => {
            if (received !== undefined) throw e;
            throw new UsageError(
              `PostgreSQL failed running ${id} on ${rep} (was the schema changed meanwhile, by another run?): ${
                (e instanceof Error ? e.message : String(e)).split("\n")[0]
              }`,
            );
          }),
        fromPostgres,
      );
    }
  } catch (e) {
    closeAll();
    const removed = options.db === undefined
      ? ""
      : removeUnfinished(options.db);
    if (received !== undefined) {
      throw new Interrupted(
        received,
        `Interrupted by ${received}: bench stopped before a verdict${removed}`,
      );
    }
    if (e instanceof Error && removed) e.message += removed;
    throw e;
  } finally {
    for (const [sig, listener] of listeners) {
      try {
        Deno.removeSignalListener(sig, listener);
      } catch { /* never added */ }
    }
    await pg?.end({ timeout: 5 }).catch(() => {});
  }
  const queries: BenchResult["queries"] = [];
  const agreement: BenchResult["agreement"] = [];
  for (const q of REFERENCE_QUERIES) {
    const list = answers.get(q.id) ?? [];
    const reference = majorityAnswer(list, orderInsensitive);
    for (const a of list) {
      const s = summarizeTimes(a.timesMs);
      queries.push({
        id: q.id,
        name: q.name,
        question: q.question,
        engine: a.engine,
        representation: a.representation,
        encoding: a.encoding,
        timesMs: a.timesMs,
        medianMs: s.medianMs,
        p95Ms: s.p95Ms,
        rows: a.result.rows.length,
      });
      if (a === reference) continue;
      const d = compareAnswers(reference, a, orderInsensitive, withEncoding);
      agreement.push({
        id: q.id,
        engine: a.engine,
        representation: a.representation,
        encoding: a.encoding,
        agrees: d === undefined,
        ...(d === undefined ? {} : { difference: d.message }),
      });
    }
  }
  return {
    dataset: {
      dir: options.dir,
      fingerprint: manifest.fingerprint,
      sessions: manifest.counts.sessions,
      turns: manifest.counts.turns,
      users: manifest.counts.users,
      generator: manifest.generator.version,
    },
    machine: machineInfo({
      duckdb: duckdbVersion,
      ...(postgresVersion === undefined ? {} : { postgres: postgresVersion }),
    }),
    runs: options.runs,
    warmups: options.warmup,
    loads,
    queries,
    agreement,
  };
}

/**
 * Write bench.json, bench.md and bench.svg into `dir`. A file the folder refuses is
 * a warning, not an error: the measurements were printed already.
 *
 * @param dir The dataset folder.
 * @param r What the run measured.
 * @param warn Receives one line per file not written, naming it and the cause.
 * @returns The paths written.
 */
export async function writeBenchReports(
  dir: string,
  r: BenchResult,
  warn: (line: string) => void,
): Promise<string[]> {
  const files: [string, string][] = [
    ["bench.json", benchJson(r)],
    ["bench.md", benchMarkdown(r)],
    ["bench.svg", await benchSvg(r)],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = inFolder(dir, name);
    try {
      Deno.writeTextFileSync(path, text);
      written.push(path);
    } catch (e) {
      const why = e instanceof Deno.errors.NotCapable
        ? `Deno has no write access to it; grant it with --allow-write=${dir}`
        : e instanceof Error
        ? e.message
        : String(e);
      warn(`cannot write "${path}": ${why}`);
    }
  }
  return written;
}

/**
 * One line per answer that disagrees: the query, its question, the engine and
 * representation, and the first differing row.
 *
 * @example
 * ```ts
 * import type { BenchResult, Engine } from "./bench_result.ts";
 * const r = {
 *   agreement: [
 *     { id: "q01", engine: "duckdb", representation: "star", encoding: "text", agrees: true },
 *     { id: "q01", engine: "duckdb", representation: "raw", encoding: "text", agrees: false, difference: "row 2 differs" },
 *   ],
 *   loads: [],
 * } as unknown as BenchResult; // only `agreement` and `loads` are read
 * const lines = disagreements(r);
 * if (lines.length !== 1 || !lines[0].startsWith("q01 (") || !lines[0].endsWith("row 2 differs")) {
 *   throw new Error(lines.join("\n"));
 * }
 * ```
 */
export function disagreements(r: BenchResult): string[] {
  const withEncoding = r.loads.some((l) => l.encoding !== "text");
  return r.agreement.filter((a) => !a.agrees).map((a) => {
    const q = REFERENCE_QUERIES.find((x) => x.id === a.id);
    return `${a.id} (${(q?.question ?? a.id).replace(/\.$/, "")}): ${
      label(a, withEncoding)
    } disagrees: ${a.difference}`;
  });
}

/**
 * The failure of a run whose answers disagree, naming the queries; undefined when all
 * agree.
 */
export function disagreementFailure(r: BenchResult): CheckFailure | undefined {
  const failed = r.agreement.filter((a) => !a.agrees);
  if (failed.length === 0) return undefined;
  return new CheckFailure(
    `${failed.length} answer${
      failed.length === 1 ? " disagrees" : "s disagree"
    } with the others (${[...new Set(failed.map((a) => a.id))].join(", ")})`,
  );
}
