/**
 * One dataset, end to end: config → model → projections → sinks (docs/design.md §3, §5).
 * Data flows one way; this module only wires the layers together.
 *
 * @module
 */
import type { Format } from "./config/schema.ts";
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
import { csvHeader, type Table } from "./schema/table.ts";
import {
  FACT_SESSION,
  FACT_TURN,
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "./schema/tables.ts";
import { csvRow } from "./project/csv_row.ts";
import {
  type Rows,
  snowflakeDimensions,
  starDimensions,
} from "./project/dimensions.ts";
import {
  RawUserFragments,
  snowflakeUserRow,
  starUserRow,
} from "./project/users.ts";
import { SessionRowWriter } from "./project/session_rows.ts";
import type { RowSink, SinkResult } from "./sink/file_sink.ts";
import { timestamp } from "./number_format.ts";
import type { ManifestFile } from "./manifest/manifest.ts";
import { runSteps, type Steps } from "./steps.ts";

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

/** Where a dataset's files go: a staging folder, or nowhere (hash only). */
export interface DatasetTarget {
  /** Open one logical file written to the given relative paths. */
  open(relPaths: string[], header?: string): RowSink;
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

/** Opens sinks and remembers them, so a failure can release every file. */
class SinkSet {
  readonly open: RowSink[] = [];
  readonly results: SinkResult[] = [];
  constructor(readonly target: DatasetTarget) {}

  sink(names: string[], header?: string): RowSink {
    const s = this.target.open(names, header);
    this.open.push(s);
    return s;
  }

  closeAll(): void {
    for (const s of this.open) this.results.push(s.close());
    this.open.length = 0;
  }

  abortAll(): void {
    for (const s of this.open) s.abort();
  }
}

function tableByName(tables: Table[], name: string): Table {
  return tables.find((t) => t.name === name)!;
}

/** Dimensions that come from the config and the calendar (all but dim_user). */
function writeDimensions(
  model: Model,
  formats: Format[],
  sinks: SinkSet,
): void {
  const write = (folder: string, tables: Table[], dims: Map<string, Rows>) => {
    for (const [name, rows] of dims) {
      const t = tableByName(tables, name);
      const s = sinks.sink([`${folder}/${t.name}.csv`], csvHeader(t));
      for (const r of rows) s.row(csvRow(t, r));
    }
  };
  if (formats.includes("star")) {
    write("star", STAR_TABLES, starDimensions(model));
  }
  if (formats.includes("snowflake")) {
    write("snowflake", SNOWFLAKE_TABLES, snowflakeDimensions(model));
  }
}

/** What sessions need to know of the users, held compactly. */
interface UserTables {
  /** Session → user table over activity weights. */
  userCat: Categorical;
  /** Device, country and zone by user index. */
  columns: UserColumns;
  /** Raw JSON fragments by user index (undefined without raw output). */
  userRaw?: RawUserFragments;
}

/** What {@linkcode userChunk} reads and fills. */
interface UserState {
  model: Model;
  streams: StreamFactory;
  fakers: FakerPool;
  starTable: Table;
  snowTable: Table;
  starUser: RowSink | undefined;
  snowUser: RowSink | undefined;
  logWeights: Float64Array;
  columns: UserColumns;
  /** Raw JSON fragments, filled only with raw output. */
  userRaw: RawUserFragments | undefined;
}

/** Users `from` (inclusive) to `to` (exclusive), in order. */
function userChunk(st: UserState, from: number, to: number): void {
  const { model, streams, fakers, starTable, snowTable, starUser, snowUser } =
    st;
  const { logWeights, columns, userRaw } = st;
  for (let u = from; u < to; u++) {
    logWeights[u] = userActivityLogWeight(model, streams, u);
    const user = generateUser(model, streams, fakers, u);
    columns.device[u] = user.device;
    columns.country[u] = user.country;
    columns.zone[u] = user.zone;
    starUser?.row(csvRow(starTable, starUserRow(model, user)));
    snowUser?.row(csvRow(snowTable, snowflakeUserRow(model, user)));
    userRaw?.add(u, user);
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
  sinks: SinkSet,
  onProgress?: Progress,
): Steps<UserTables> {
  const { model, formats, users } = spec;
  const starTable = tableByName(STAR_TABLES, "dim_user");
  const snowTable = tableByName(SNOWFLAKE_TABLES, "dim_user");
  const starUser = formats.includes("star")
    ? sinks.sink(["star/dim_user.csv"], csvHeader(starTable))
    : undefined;
  const snowUser = formats.includes("snowflake")
    ? sinks.sink(["snowflake/dim_user.csv"], csvHeader(snowTable))
    : undefined;
  const raw = formats.includes("raw");
  const logWeights = new Float64Array(users);
  const columns = userColumns(users);
  const userRaw = raw
    ? new RawUserFragments(model, users, columns.device)
    : undefined;
  const st: UserState = {
    model,
    streams,
    fakers,
    starTable,
    snowTable,
    starUser,
    snowUser,
    logWeights,
    columns,
    userRaw,
  };
  for (let from = 0; from < users; from += STEP_UNITS) {
    const to = Math.min(users, from + STEP_UNITS);
    userChunk(st, from, to);
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
  userRaw: RawUserFragments | undefined;
  raw: boolean;
  rows: SessionRowWriter;
  /** The record every session is generated into, reused. */
  s: SessionRecord;
  factSession: RowSink | undefined;
  factTurn: RowSink | undefined;
  rawTurns: RowSink | undefined;
}

/** Sessions `from` (inclusive) to `to` (exclusive), in order; returns their turns. */
function sessionChunk(st: SessionState, from: number, to: number): number {
  const { ctx, userRaw, raw, rows, s, factSession, factTurn, rawTurns } = st;
  let turns = 0;
  for (let i = from; i < to; i++) {
    generateSession(ctx, i, s);
    const startTs = timestamp(s.startMs);
    const endTs = timestamp(s.endMs);
    const zone = ctx.users.zone[s.user];
    const offset = rows.offsetMinutes(zone, s.startMs);
    factSession?.row(rows.factSession(s, startTs, endTs, offset));
    const sessionPart = raw ? rows.rawSession(s, startTs, endTs) : "";
    const localPart = raw ? rows.rawLocal(s, zone, offset) : "";
    const userPart = userRaw ? userRaw.fragment(s.user) : "";
    for (let t = 0; t < s.turnCount; t++) {
      const userTs = t === 0 ? startTs : timestamp(s.userMs[t]);
      const botTs = t === s.turnCount - 1 ? endTs : timestamp(s.botMs[t]);
      factTurn?.row(rows.factTurn(s, t, userTs, botTs));
      rawTurns?.row(
        rows.rawTurn(s, t, userPart, sessionPart, userTs, botTs, localPart),
      );
    }
    turns += s.turnCount;
  }
  return turns;
}

/**
 * Generate every session, streaming its fact rows and raw lines; one step per
 * {@linkcode STEP_UNITS} sessions. Returns the turns.
 */
function* writeSessions(
  spec: DatasetSpec,
  ctx: SessionContext,
  userRaw: RawUserFragments | undefined,
  sinks: SinkSet,
  onProgress?: Progress,
): Steps<number> {
  const { model, formats } = spec;
  const star = formats.includes("star");
  const snow = formats.includes("snowflake");
  const raw = formats.includes("raw");
  // Facts are identical in both schemas: one sink writes both copies, hashes once.
  const factPaths = (name: string) => [
    ...(star ? [`star/${name}.csv`] : []),
    ...(snow ? [`snowflake/${name}.csv`] : []),
  ];
  const facts = star || snow;
  const factSession = facts
    ? sinks.sink(factPaths("fact_session"), csvHeader(FACT_SESSION))
    : undefined;
  const factTurn = facts
    ? sinks.sink(factPaths("fact_turn"), csvHeader(FACT_TURN))
    : undefined;
  const rawTurns = raw ? sinks.sink([`raw/${RAW_TURN.name}.jsonl`]) : undefined;
  const rows = new SessionRowWriter(model);
  const s = new SessionRecord(model.config.turns.count.max);
  const st: SessionState = {
    ctx,
    userRaw,
    raw,
    rows,
    s,
    factSession,
    factTurn,
    rawTurns,
  };
  let turns = 0;
  for (let from = 0; from < spec.sessions; from += STEP_UNITS) {
    const to = Math.min(spec.sessions, from + STEP_UNITS);
    turns += sessionChunk(st, from, to);
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
 *   open: (names: string[], header?: string) => new FileSink({ names, files: [], header }),
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
  const sinks = new SinkSet(target);
  let turns: number;
  try {
    for (const f of formats) target.mkdir(f);
    writeDimensions(model, formats, sinks);
    const users = yield* writeUsers(spec, streams, fakers, sinks, onProgress);
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
    turns = yield* writeSessions(spec, ctx, users.userRaw, sinks, onProgress);
    sinks.closeAll();
  } catch (e) {
    sinks.abortAll();
    throw e;
  }
  const files: ManifestFile[] = [];
  for (const r of sinks.results) {
    for (const p of r.names) {
      files.push({ path: p, bytes: r.bytes, rows: r.rows, sha256: r.sha256 });
    }
  }
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    files,
    counts: { users: spec.users, sessions: spec.sessions, turns },
  };
}
