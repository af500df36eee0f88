/**
 * One dataset, end to end: config → model → projections → sinks (SPEC.md §4–§5).
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
  rawUserFragment,
  snowflakeUserRow,
  starUserRow,
} from "./project/users.ts";
import { SessionRowWriter } from "./project/session_rows.ts";
import type { RowSink, SinkResult } from "./sink/file_sink.ts";
import { timestamp } from "./sink/number_format.ts";
import type { ManifestFile } from "./manifest/manifest.ts";

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
  model: Model;
  seed: number;
  sessions: number;
  users: number;
  formats: Format[];
}

/** Counts and files of a generated dataset. */
export interface DatasetResult {
  files: ManifestFile[];
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

/**
 * Generate a dataset into `target`.
 *
 * @param spec Model, seed, counts and formats.
 * @param target Where bytes go.
 * @param onProgress Called with (sessions done, sessions total) every 1,000 sessions
 *   and at the end.
 * @returns Every file written (a file shared by star and snowflake appears twice, with
 *   its two paths) and the row counts.
 */
export function generateDataset(
  spec: DatasetSpec,
  target: DatasetTarget,
  onProgress?: (done: number, total: number) => void,
): DatasetResult {
  const { model, formats } = spec;
  const c = model.config;
  const raw = formats.includes("raw");
  const star = formats.includes("star");
  const snow = formats.includes("snowflake");
  const streams = new StreamFactory(spec.seed);
  const fakers = new FakerPool(
    new Date(parseIsoDate(c.reference_date)! * DAY_MS),
  );
  const results: SinkResult[] = [];
  const open: RowSink[] = [];
  const sink = (paths: string[], header?: string) => {
    const s = target.open(paths, header);
    open.push(s);
    return s;
  };
  const closeAll = () => {
    for (const s of open) results.push(s.close());
    open.length = 0;
  };
  try {
    return writeAll();
  } catch (e) {
    for (const s of open) s.abort();
    throw e;
  }

  function writeAll(): DatasetResult {
    for (const f of formats) target.mkdir(f);

    const writeTable = (folder: string, t: Table, rows: Rows) => {
      const s = sink([`${folder}/${t.name}.csv`], csvHeader(t));
      for (const r of rows) s.row(csvRow(t, r));
    };
    const tableByName = (tables: Table[], name: string) =>
      tables.find((t) => t.name === name)!;
    if (star) {
      for (const [name, rows] of starDimensions(model)) {
        writeTable("star", tableByName(STAR_TABLES, name), rows);
      }
    }
    if (snow) {
      for (const [name, rows] of snowflakeDimensions(model)) {
        writeTable("snowflake", tableByName(SNOWFLAKE_TABLES, name), rows);
      }
    }

    // Users: dimension rows now, and what sessions need later, compactly.
    const starUser = star
      ? sink(
        ["star/dim_user.csv"],
        csvHeader(tableByName(STAR_TABLES, "dim_user")),
      )
      : undefined;
    const snowUser = snow
      ? sink(
        ["snowflake/dim_user.csv"],
        csvHeader(tableByName(SNOWFLAKE_TABLES, "dim_user")),
      )
      : undefined;
    const weights = new Float64Array(spec.users);
    const userDevice = new Int32Array(spec.users);
    const userRaw: string[] = raw ? new Array(spec.users) : [];
    const starUserTable = tableByName(STAR_TABLES, "dim_user");
    const snowUserTable = tableByName(SNOWFLAKE_TABLES, "dim_user");
    for (let u = 0; u < spec.users; u++) {
      weights[u] = userActivityLogWeight(model, streams, u);
      const user = generateUser(model, streams, fakers, u);
      userDevice[u] = user.device;
      starUser?.row(csvRow(starUserTable, starUserRow(model, user)));
      snowUser?.row(csvRow(snowUserTable, snowflakeUserRow(user)));
      if (raw) userRaw[u] = rawUserFragment(model, user);
    }

    // Weights relative to the largest: at least one is 1, so the total is positive.
    let maxLog = -Infinity;
    for (let u = 0; u < spec.users; u++) {
      if (weights[u] > maxLog) maxLog = weights[u];
    }
    for (let u = 0; u < spec.users; u++) {
      weights[u] = Math.exp(weights[u] - maxLog);
    }
    const ctx: SessionContext = {
      model,
      streams,
      userCat: new Categorical(weights),
      userDevice,
      text: textTables(
        c.intents.map((i) => i.name),
        productPool(streams, fakers),
      ),
      withText: raw,
    };
    const factPaths = (name: string) => [
      ...(star ? [`star/${name}.csv`] : []),
      ...(snow ? [`snowflake/${name}.csv`] : []),
    ];
    const facts = star || snow;
    const factSession = facts
      ? sink(factPaths("fact_session"), csvHeader(FACT_SESSION))
      : undefined;
    const factTurn = facts
      ? sink(factPaths("fact_turn"), csvHeader(FACT_TURN))
      : undefined;
    const rawTurns = raw ? sink([`raw/${RAW_TURN.name}.jsonl`]) : undefined;
    const rows = new SessionRowWriter(model);
    const s = new SessionRecord(c.turns.count.max);
    let turns = 0;
    for (let i = 0; i < spec.sessions; i++) {
      generateSession(ctx, i, s);
      const startTs = timestamp(s.startMs);
      const endTs = timestamp(s.endMs);
      factSession?.row(rows.factSession(s, startTs, endTs));
      const sessionPart = raw ? rows.rawSession(s, startTs, endTs) : "";
      for (let t = 0; t < s.turnCount; t++) {
        const userTs = t === 0 ? startTs : timestamp(s.userMs[t]);
        const botTs = t === s.turnCount - 1 ? endTs : timestamp(s.botMs[t]);
        factTurn?.row(rows.factTurn(s, t, userTs, botTs));
        rawTurns?.row(
          rows.rawTurn(s, t, userRaw[s.user], sessionPart, userTs, botTs),
        );
      }
      turns += s.turnCount;
      if (onProgress && ((i + 1) % 1000 === 0 || i + 1 === spec.sessions)) {
        onProgress(i + 1, spec.sessions);
      }
    }
    closeAll();

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
    };
  }
}
