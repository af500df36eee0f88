/**
 * Rendering one unit of work (users or sessions `[from, to)`) into table writers: the
 * same code runs on the main thread (`--workers 1`) and on each worker, so the bytes
 * cannot depend on where a unit ran (docs/design.md §12).
 *
 * @module
 */
import type { Format } from "../config/schema.ts";
import type { Model } from "../model/model.ts";
import { StreamFactory } from "../random/mod.ts";
import { FakerPool } from "../model/faker_pool.ts";
import { generateUser } from "../model/user.ts";
import { Population } from "../model/population.ts";
import {
  generateSession,
  type SessionContext,
  SessionRecord,
} from "../model/session.ts";
import { textTables } from "../model/text.ts";
import { DAY_MS, parseIsoDate } from "../calendar/iso_date.ts";
import type { Table } from "../schema/table.ts";
import { RowBatch } from "../schema/row_batch.ts";
import {
  FACT_SESSION,
  FACT_TURN,
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../schema/tables.ts";
import { appendRecord } from "../project/record_batch.ts";
import {
  RawUserColumns,
  snowflakeUserRow,
  starUserRow,
} from "../project/users.ts";
import { SessionBatches } from "../project/session_rows.ts";
import { UNIT } from "../shard/blocks.ts";

/** Number of product names drawn from Faker for the `{product}` text slot. */
export const PRODUCT_POOL_SIZE = 120;

/** Where a unit's rows go: one writer per table file (each writes every encoding). */
export interface BatchWriter {
  /** Take rows `0..batch.length − 1` (the batch is reused afterwards). */
  write(batch: RowBatch): void;
}

/** A table some unit kind fills, and the representations whose file it is. */
export interface UnitTable {
  /** The table. */
  table: Table;
  /** Representations it is written under (a fact table under star and snowflake). */
  reps: Format[];
}

/** What a run renders. */
export interface RenderSpec {
  /** Compiled model. */
  model: Model;
  /** Dataset seed. */
  seed: number;
  /** Users of the whole dataset (sessions sample from all of them), count ≥ 1. */
  users: number;
  /** Representations written. */
  formats: Format[];
}

function tableByName(tables: Table[], name: string): Table {
  return tables.find((t) => t.name === name)!;
}

/** The tables a users unit fills, in order: `dim_user` of star, then snowflake. */
export function userTables(formats: readonly Format[]): UnitTable[] {
  const out: UnitTable[] = [];
  if (formats.includes("star")) {
    out.push({ table: tableByName(STAR_TABLES, "dim_user"), reps: ["star"] });
  }
  if (formats.includes("snowflake")) {
    out.push({
      table: tableByName(SNOWFLAKE_TABLES, "dim_user"),
      reps: ["snowflake"],
    });
  }
  return out;
}

/**
 * The tables a sessions unit fills, in order: `fact_session`, `fact_turn` (one file
 * under star and snowflake), raw `turns`.
 */
export function sessionTables(formats: readonly Format[]): UnitTable[] {
  const factReps = formats.filter((f) => f !== "raw");
  const out: UnitTable[] = [];
  if (factReps.length) {
    out.push({ table: FACT_SESSION, reps: factReps });
    out.push({ table: FACT_TURN, reps: factReps });
  }
  if (formats.includes("raw")) out.push({ table: RAW_TURN, reps: ["raw"] });
  return out;
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
 * Renders units of users and sessions of one run into writers (one per table of
 * {@linkcode userTables} and {@linkcode sessionTables}, in that order).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * import type { RowBatch } from "../schema/row_batch.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const formats = ["raw" as const];
 * const r = new UnitRenderer({ model, seed: 1, users: 10, formats });
 * let rows = 0;
 * const turns = r.sessions(0, 5, [{ write: (b: RowBatch) => { rows += b.length; } }]);
 * strictEqual(rows, turns); // one raw line per turn
 * ```
 */
export class UnitRenderer {
  readonly #spec: RenderSpec;
  readonly #streams: StreamFactory;
  readonly #fakers: FakerPool;
  #users: { star?: RowBatch; snow?: RowBatch } | undefined;
  #sessions:
    | { ctx: SessionContext; batches: SessionBatches; s: SessionRecord }
    | undefined;

  /** A renderer of `spec`'s units (the population is built on first session use). */
  constructor(spec: RenderSpec) {
    this.#spec = spec;
    this.#streams = new StreamFactory(spec.seed);
    this.#fakers = new FakerPool(
      new Date(parseIsoDate(spec.model.config.reference_date)! * DAY_MS),
    );
  }

  /**
   * Users `[from, to)` as `dim_user` rows, one batch to each writer of
   * {@linkcode userTables}.
   */
  users(from: number, to: number, writers: BatchWriter[]): void {
    const { model, formats } = this.#spec;
    const st = this.#users ??= {
      star: formats.includes("star")
        ? new RowBatch(tableByName(STAR_TABLES, "dim_user"), UNIT)
        : undefined,
      snow: formats.includes("snowflake")
        ? new RowBatch(tableByName(SNOWFLAKE_TABLES, "dim_user"), UNIT)
        : undefined,
    };
    for (let a = from; a < to; a += UNIT) {
      const b = Math.min(to, a + UNIT);
      for (let u = a; u < b; u++) {
        const user = generateUser(model, this.#streams, this.#fakers, u);
        if (st.star) appendRecord(st.star, starUserRow(model, user));
        if (st.snow) appendRecord(st.snow, snowflakeUserRow(model, user));
      }
      let w = 0;
      for (const batch of [st.star, st.snow]) {
        if (!batch) continue;
        writers[w++].write(batch);
        batch.clear();
      }
    }
  }

  /** The session context, built on first use (the population costs 8 bytes per user). */
  #sessionState() {
    if (this.#sessions) return this.#sessions;
    const { model, formats, users } = this.#spec;
    const c = model.config;
    const population = new Population(
      model,
      this.#streams,
      this.#fakers,
      users,
    );
    const ctx: SessionContext = {
      model,
      streams: this.#streams,
      population,
      text: textTables(
        c.dialogue.text,
        c.dialogue.exchanges.map((x) => x.id),
        productPool(this.#streams, this.#fakers),
        c.population.countries.map((x) => x.currency),
      ),
      withText: formats.includes("raw"),
    };
    const facts = formats.some((f) => f !== "raw");
    const raw = formats.includes("raw")
      ? new RawUserColumns(model, population)
      : undefined;
    const batches = new SessionBatches(model, UNIT, { facts, raw });
    const s = new SessionRecord(c.turns.count.max);
    this.#sessions = { ctx, batches, s };
    return this.#sessions;
  }

  /**
   * Build the population now (it is otherwise built by the first
   * {@linkcode sessions} call), e.g. while other work waits.
   */
  prepare(): void {
    this.#sessionState();
  }

  /**
   * Sessions `[from, to)`, one batch per {@linkcode UNIT} sessions to each writer of
   * {@linkcode sessionTables}.
   *
   * @returns The turns of these sessions.
   */
  sessions(from: number, to: number, writers: BatchWriter[]): number {
    const { ctx, batches, s } = this.#sessionState();
    let turns = 0;
    for (let a = from; a < to; a += UNIT) {
      const b = Math.min(to, a + UNIT);
      for (let i = a; i < b; i++) {
        generateSession(ctx, i, s);
        batches.add(s, s.zone);
        turns += s.turnCount;
      }
      let w = 0;
      if (batches.factSession) {
        writers[w++].write(batches.factSession);
        writers[w++].write(batches.factTurn!);
      }
      if (batches.raw) writers[w++].write(batches.raw);
      batches.clear();
    }
    return turns;
  }
}
