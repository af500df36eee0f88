/**
 * One dataset, end to end: config → model → projections → sinks (docs/design.md §3, §5).
 * Data flows one way; this module only wires the layers together.
 *
 * @module
 */
import type { EncodingChoice, Format } from "./config/schema.ts";
import type { Model } from "./model/model.ts";
import { StreamFactory } from "./random/mod.ts";
import { Categorical } from "./random/mod.ts";
import { FakerPool } from "./model/faker_pool.ts";
import { generateUser, userActivityLogWeight } from "./model/user.ts";
import {
  generateSession,
  type SessionContext,
  SessionRecord,
  type UserColumns,
  userColumns,
} from "./model/session.ts";
import { textTables } from "./model/text.ts";
import { DAY_MS, parseIsoDate } from "./calendar/iso_date.ts";
import type { Table } from "./schema/table.ts";
import { RowBatch } from "./schema/row_batch.ts";
import {
  FACT_SESSION,
  FACT_TURN,
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "./schema/tables.ts";
import { appendRecord } from "./project/record_batch.ts";
import {
  type Rows,
  snowflakeDimensions,
  starDimensions,
} from "./project/dimensions.ts";
import {
  RawUserTable,
  snowflakeUserRow,
  starUserRow,
} from "./project/users.ts";
import { SessionBatches } from "./project/session_rows.ts";
import type { RowSink, SinkResult } from "./sink/file_sink.ts";
import {
  dataPath,
  type Encoding,
  encodingOf,
  type EncodingTarget,
  type TableEncoder,
} from "./encoding/mod.ts";
import { SharedResourcePool } from "./encoding/shared.ts";
import type { ManifestFile } from "./manifest/manifest.ts";
import { awaitStep, runSteps, type Steps } from "./steps.ts";

/** Progress callback: units done, units total, and the unit ("users", "sessions"). */
export type Progress = (done: number, total: number, unit?: string) => void;

/**
 * Users or sessions generated between two steps (and between two progress calls):
 * small enough that a step takes well under a second, large enough that yielding to
 * the event loop in between costs nothing measurable.
 */
const STEP_UNITS = 1000;

/** Number of product names drawn from Faker for the `{product}` text slot. */
export const PRODUCT_POOL_SIZE = 120;

/**
 * Where a dataset's files go: a staging folder, or nowhere (hash only), or a
 * comparison (`verify`).
 */
export interface DatasetTarget {
  /**
   * A line sink for one text file written under the given relative paths (`header`:
   * its first line, if any).
   */
  lines(relPaths: string[], header?: string): RowSink;
  /**
   * Absolute paths a binary encoding writes the given relative paths to, one each
   * (scratch files for a target that keeps none).
   */
  files(relPaths: string[]): string[];
  /** Create a relative subfolder. */
  mkdir(rel: string): void;
}

/** What to generate. */
export interface DatasetSpec {
  /** Compiled model of the effective config. */
  model: Model;
  /** Dataset seed, an integer in [0, 2^53 − 1]: keys every random stream. */
  seed: number;
  /** Sessions to generate, count. */
  sessions: number;
  /** Users to generate, count. */
  users: number;
  /** Representations to write (each its own folder). */
  formats: Format[];
  /** Encodings to write each representation in (default: text). */
  encodings?: EncodingChoice[];
}

/** Counts and files of a generated dataset. */
export interface DatasetResult {
  /**
   * Manifest entries of the data files, sorted by path (a shared fact file under each
   * of its paths).
   */
  files: ManifestFile[];
  /** Users, sessions and turns generated, counts. */
  counts: { users: number; sessions: number; turns: number };
  /**
   * Versions of the writers whose bytes depend on a library's version, by encoding
   * name (empty when none was used).
   */
  writers: Record<string, string>;
}

/** Product names for the text templates, from Faker (en) on stream ("vocabulary", 0). */
export function productPool(
  streams: StreamFactory,
  fakers: FakerPool,
): string[] {
  const rng = streams.stream("vocabulary", 0);
  const f = fakers.use("en", rng);
  const out: string[] = [];
  for (let i = 0; i < PRODUCT_POOL_SIZE; i++) {
    out.push(f.commerce.productName());
  }
  return out;
}

/**
 * The encoders of every file being written, one per table and encoding; remembers
 * them so a failure can release every file.
 */
class EncoderSet {
  readonly #all: TableEncoder[] = [];
  readonly #encodings: Encoding[] = [];
  readonly #target: EncodingTarget;
  readonly #choices: readonly EncodingChoice[];

  constructor(target: EncodingTarget, choices: readonly EncodingChoice[]) {
    this.#target = target;
    this.#choices = choices;
  }

  /**
   * Open `table`'s file in each encoding, under each representation of `reps` (a
   * fact table shared by star and snowflake is one file under two paths).
   */
  *open(table: Table, reps: Format[]): Steps<TableWriter> {
    const encoders: TableEncoder[] = [];
    for (const choice of this.#choices) {
      const names = reps.map((r) => dataPath(r, table.name, choice));
      const encoding = encodingOf(reps[0], choice);
      const e = yield* encoding.open(table, names, this.#target);
      this.#encodings.push(encoding);
      this.#all.push(e);
      encoders.push(e);
    }
    return new TableWriter(encoders);
  }

  /** The encodings of the files opened, each once, in order of first use. */
  used(): Encoding[] {
    return [...new Set(this.#encodings)];
  }

  /** Finish every file, in the order opened. */
  *closeAll(): Steps<SinkResult[]> {
    const results: SinkResult[] = [];
    for (const e of this.#all) results.push(yield* e.close());
    this.#all.length = 0;
    return results;
  }

  abortAll(): void {
    for (const e of this.#all) e.abort();
  }
}

/** One table's encoders: every batch goes to each. */
class TableWriter {
  constructor(readonly encoders: TableEncoder[]) {}

  write(batch: RowBatch): void {
    if (batch.length === 0) return;
    for (const e of this.encoders) e.write(batch);
  }

  /** Wait, when an encoder asks to, until it can take more. */
  *drain(): Steps<void> {
    for (const e of this.encoders) {
      const p = e.drain?.();
      if (p) yield* awaitStep(p);
    }
  }
}

function tableByName(tables: Table[], name: string): Table {
  return tables.find((t) => t.name === name)!;
}

/** Dimensions that come from the config and the calendar (all but dim_user). */
function* writeDimensions(
  model: Model,
  formats: Format[],
  encoders: EncoderSet,
): Steps<void> {
  const schemas: [Format, Table[], Map<string, Rows>][] = [];
  if (formats.includes("star")) {
    schemas.push(["star", STAR_TABLES, starDimensions(model)]);
  }
  if (formats.includes("snowflake")) {
    schemas.push(["snowflake", SNOWFLAKE_TABLES, snowflakeDimensions(model)]);
  }
  for (const [rep, tables, dims] of schemas) {
    for (const [name, rows] of dims) {
      const t = tableByName(tables, name);
      const w = yield* encoders.open(t, [rep]);
      const batch = new RowBatch(t, Math.max(1, rows.length));
      for (const r of rows) appendRecord(batch, r);
      w.write(batch);
    }
  }
}

/** What sessions need to know of the users, held compactly. */
interface UserTables {
  /** Session → user table over activity weights. */
  userCat: Categorical;
  /** Device, country and zone by user index. */
  columns: UserColumns;
  /** What raw turns repeat of each user (undefined without raw output). */
  userRaw?: RawUserTable;
}

/** What {@linkcode userChunk} reads and fills. */
interface UserState {
  model: Model;
  streams: StreamFactory;
  fakers: FakerPool;
  star: { batch: RowBatch; writer: TableWriter } | undefined;
  snow: { batch: RowBatch; writer: TableWriter } | undefined;
  logWeights: Float64Array;
  columns: UserColumns;
  /** Raw user columns, filled only with raw output. */
  userRaw: RawUserTable | undefined;
}

/** Users `from` (inclusive) to `to` (exclusive), in order. */
function userChunk(st: UserState, from: number, to: number): void {
  const { model, streams, fakers, star, snow } = st;
  const { logWeights, columns, userRaw } = st;
  for (let u = from; u < to; u++) {
    logWeights[u] = userActivityLogWeight(model, streams, u);
    const user = generateUser(model, streams, fakers, u);
    columns.device[u] = user.device;
    columns.country[u] = user.country;
    columns.zone[u] = user.zone;
    if (star) appendRecord(star.batch, starUserRow(model, user));
    if (snow) appendRecord(snow.batch, snowflakeUserRow(model, user));
    userRaw?.add(u, user);
  }
  for (const x of [star, snow]) {
    if (!x) continue;
    x.writer.write(x.batch);
    x.batch.clear();
  }
}

/**
 * Generate every user: `dim_user` rows now, and the tables sessions need later; one
 * step per {@linkcode STEP_UNITS} users.
 */
function* writeUsers(
  spec: DatasetSpec,
  streams: StreamFactory,
  fakers: FakerPool,
  encoders: EncoderSet,
  onProgress?: Progress,
): Steps<UserTables> {
  const { model, formats, users } = spec;
  const dimUser = function* (rep: Format, tables: Table[]) {
    if (!formats.includes(rep)) return undefined;
    const t = tableByName(tables, "dim_user");
    const writer = yield* encoders.open(t, [rep]);
    return { batch: new RowBatch(t, STEP_UNITS), writer };
  };
  const star = yield* dimUser("star", STAR_TABLES);
  const snow = yield* dimUser("snowflake", SNOWFLAKE_TABLES);
  const raw = formats.includes("raw");
  const logWeights = new Float64Array(users);
  const columns = userColumns(users);
  const userRaw = raw
    ? new RawUserTable(model, users, columns.device)
    : undefined;
  const st: UserState = {
    model,
    streams,
    fakers,
    star,
    snow,
    logWeights,
    columns,
    userRaw,
  };
  for (let from = 0; from < users; from += STEP_UNITS) {
    const to = Math.min(users, from + STEP_UNITS);
    userChunk(st, from, to);
    if (star) yield* star.writer.drain();
    if (snow) yield* snow.writer.drain();
    onProgress?.(to, users, "users");
    yield;
  }
  // Weights relative to the largest: at least one is 1, so the total is positive.
  let maxLog = -Infinity;
  for (let u = 0; u < users; u++) {
    if (logWeights[u] > maxLog) maxLog = logWeights[u];
  }
  for (let u = 0; u < users; u++) {
    logWeights[u] = Math.exp(logWeights[u] - maxLog);
  }
  return { userCat: new Categorical(logWeights), columns, userRaw };
}

/** What {@linkcode sessionChunk} reads and writes to. */
interface SessionState {
  ctx: SessionContext;
  batches: SessionBatches;
  /** The record every session is generated into, reused. */
  s: SessionRecord;
  factSession: TableWriter | undefined;
  factTurn: TableWriter | undefined;
  rawTurns: TableWriter | undefined;
}

/** Sessions `from` (inclusive) to `to` (exclusive), in order; returns their turns. */
function sessionChunk(st: SessionState, from: number, to: number): number {
  const { ctx, batches, s } = st;
  let turns = 0;
  for (let i = from; i < to; i++) {
    generateSession(ctx, i, s);
    batches.add(s, ctx.users.zone[s.user]);
    turns += s.turnCount;
  }
  if (batches.factSession) {
    st.factSession!.write(batches.factSession);
    st.factTurn!.write(batches.factTurn!);
  }
  if (batches.raw) st.rawTurns!.write(batches.raw);
  batches.clear();
  return turns;
}

/**
 * Generate every session, streaming its fact and raw rows; one step per
 * {@linkcode STEP_UNITS} sessions. Returns the turns.
 */
function* writeSessions(
  spec: DatasetSpec,
  ctx: SessionContext,
  userRaw: RawUserTable | undefined,
  encoders: EncoderSet,
  onProgress?: Progress,
): Steps<number> {
  const { model, formats } = spec;
  // Facts are identical in both schemas: one file under both paths, hashed once.
  const factReps = formats.filter((f) => f !== "raw");
  const facts = factReps.length > 0;
  const factSession = facts
    ? yield* encoders.open(FACT_SESSION, factReps)
    : undefined;
  const factTurn = facts
    ? yield* encoders.open(FACT_TURN, factReps)
    : undefined;
  const rawTurns = userRaw
    ? yield* encoders.open(RAW_TURN, ["raw"])
    : undefined;
  const batches = new SessionBatches(model, STEP_UNITS, {
    facts,
    raw: userRaw,
  });
  const s = new SessionRecord(model.config.turns.count.max);
  const st: SessionState = {
    ctx,
    batches,
    s,
    factSession,
    factTurn,
    rawTurns,
  };
  let turns = 0;
  for (let from = 0; from < spec.sessions; from += STEP_UNITS) {
    const to = Math.min(spec.sessions, from + STEP_UNITS);
    turns += sessionChunk(st, from, to);
    for (const w of [factSession, factTurn, rawTurns]) if (w) yield* w.drain();
    onProgress?.(to, spec.sessions, "sessions");
    yield;
  }
  return turns;
}

/**
 * Generate a dataset into `target`: dimensions, then users, then sessions (docs/design.md §3).
 *
 * @param spec Model, seed, counts and formats.
 * @param target Where bytes go.
 * @param onProgress Called with (done, total, "users" | "sessions") every 1,000 users
 *   or sessions and at the end of each phase.
 * @returns Every file written (a file shared by star and snowflake appears twice, with
 *   its two paths) and the row counts.
 * @throws Whatever the target or the model throws; every open file is released first.
 * @example
 * ```ts
 * import { parseConfig } from "./config/load.ts";
 * import { effectiveConfig } from "./config/effective.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const config = effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml");
 * import { compileModel } from "./model/model.ts";
 * import { FileSink } from "./sink/file_sink.ts";
 * // A target that only hashes (no file is written).
 * const target = {
 *   lines: (names: string[], header?: string) => new FileSink({ names, files: [], header }),
 *   files: () => [],
 *   mkdir() {},
 * };
 * const spec = { model: compileModel(config), seed: 7, sessions: 3, users: 2, formats: config.formats };
 * const a = generateDataset(spec, target);
 * const b = generateDataset(spec, target);
 * if (a.counts.sessions !== 3 || a.counts.users !== 2) throw new Error(JSON.stringify(a.counts));
 * // Same seed, same bytes.
 * if (JSON.stringify(a.files) !== JSON.stringify(b.files)) throw new Error("Not reproducible");
 * ```
 */
export function generateDataset(
  spec: DatasetSpec,
  target: DatasetTarget,
  onProgress?: Progress,
): DatasetResult {
  return runSteps(datasetSteps(spec, target, onProgress));
}

/**
 * {@linkcode generateDataset} as steps: it yields after every 1,000 users or sessions
 * (right after the progress call), so a caller can pause for the event loop or stop
 * it. An error thrown into it at a step (`Generator.throw`) releases every open file
 * and propagates, as any other failure does.
 *
 * @param spec Model, seed, counts and formats.
 * @param target Where bytes go.
 * @param onProgress As for {@linkcode generateDataset}.
 * @returns Steps that end with the files and counts.
 */
export function* datasetSteps(
  spec: DatasetSpec,
  target: DatasetTarget,
  onProgress?: Progress,
): Steps<DatasetResult> {
  const { model, formats } = spec;
  const c = model.config;
  const streams = new StreamFactory(spec.seed);
  const fakers = new FakerPool(
    new Date(parseIsoDate(c.reference_date)! * DAY_MS),
  );
  const shared = new SharedResourcePool();
  const encoders = new EncoderSet(
    {
      lines: (n, h) => target.lines(n, h),
      files: (n) => target.files(n),
      shared,
    },
    spec.encodings ?? ["text"],
  );
  let turns: number;
  let results: SinkResult[];
  const writers: Record<string, string> = {};
  try {
    for (const f of formats) target.mkdir(f);
    yield* writeDimensions(model, formats, encoders);
    const users = yield* writeUsers(
      spec,
      streams,
      fakers,
      encoders,
      onProgress,
    );
    const ctx: SessionContext = {
      model,
      streams,
      userCat: users.userCat,
      users: users.columns,
      text: textTables(
        c.dialogue.text,
        c.dialogue.exchanges.map((x) => x.id),
        productPool(streams, fakers),
        c.population.countries.map((x) => x.currency),
      ),
      withText: formats.includes("raw"),
    };
    turns = yield* writeSessions(
      spec,
      ctx,
      users.userRaw,
      encoders,
      onProgress,
    );
    results = yield* encoders.closeAll();
    for (const e of encoders.used()) {
      const v = yield* e.writerVersion();
      if (v !== undefined) writers[e.name] = v;
    }
  } catch (e) {
    encoders.abortAll();
    throw e;
  } finally {
    shared.releaseAll();
  }
  const files: ManifestFile[] = [];
  for (const r of results) {
    for (const p of r.names) {
      files.push({ path: p, bytes: r.bytes, rows: r.rows, sha256: r.sha256 });
    }
  }
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    files,
    counts: { users: spec.users, sessions: spec.sessions, turns },
    writers,
  };
}
