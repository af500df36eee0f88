/**
 * One dataset, end to end: config → model → projections → sinks (docs/design.md §3, §5).
 * Data flows one way; this module only wires the layers together.
 *
 * @module
 */
import type { EncodingChoice, Format } from "./config/schema.ts";
import type { Model } from "./model/model.ts";
import type { Table } from "./schema/table.ts";
import { RowBatch } from "./schema/row_batch.ts";
import { SNOWFLAKE_TABLES, STAR_TABLES } from "./schema/tables.ts";
import { appendRecord } from "./project/record_batch.ts";
import {
  type Rows,
  snowflakeDimensions,
  starDimensions,
} from "./project/dimensions.ts";
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
import {
  type Part,
  partRows,
  ROW_BLOCK,
  SESSION_BLOCK,
  UNIT,
  type Unit,
  units,
  WHOLE,
} from "./shard/blocks.ts";
import {
  type BatchWriter,
  sessionTables,
  UnitRenderer,
  type UnitTable,
  userTables,
} from "./parallel/render.ts";
import { GeneratorPool } from "./parallel/pool.ts";
import { adoptBatch } from "./parallel/transfer.ts";
import type { Piece } from "./parallel/workshop.ts";

export { PRODUCT_POOL_SIZE, productPool } from "./parallel/render.ts";

/** Progress callback: units done, units total, and the unit ("users", "sessions"). */
export type Progress = (done: number, total: number, unit?: string) => void;

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
  /**
   * The part of the dataset to generate (`--shard K/N`; default: all of it): its
   * blocks of every table (`shard/blocks.ts`).
   */
  part?: Part;
  /**
   * Generator workers (default 1: everything on the calling thread); never more than
   * the part's units. More workers give the same bytes; they need a caller that
   * awaits steps (`runStepsAsync`).
   */
  workers?: number;
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
    return new TableWriter(table, encoders);
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
class TableWriter implements BatchWriter {
  /** The receiver's batch for pieces of rows (Parquet), made on first use. */
  #batch: RowBatch | undefined;

  constructor(readonly table: Table, readonly encoders: TableEncoder[]) {}

  write(batch: RowBatch): void {
    if (batch.length === 0) return;
    for (const e of this.encoders) e.write(batch);
  }

  /** Start a block: row groups close here. */
  cut(): void {
    for (const e of this.encoders) e.cut?.();
  }

  /**
   * Take a worker's pieces of this table, one per encoder in order, from
   * `pieces[at]` on.
   *
   * @returns The index after the last piece taken.
   */
  writePieces(pieces: Piece[], at: number): number {
    for (const e of this.encoders) {
      const p = pieces[at++];
      if ("bytes" in p) {
        if (p.rows > 0) e.writeEncoded!(p.bytes, p.rows);
        continue;
      }
      if (p.batch.length === 0) continue;
      if (!this.#batch) {
        const dictionaries: Record<string, readonly string[]> = {};
        p.batch.dictionaries.forEach((d, c) => {
          if (d) dictionaries[this.table.columns[c].name] = d;
        });
        this.#batch = new RowBatch(this.table, 1, dictionaries);
      }
      e.write(adoptBatch(this.#batch, p.batch));
    }
    return at;
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

/**
 * Dimensions that come from the config and the calendar (all but dim_user): the
 * part's blocks of each.
 */
function* writeDimensions(
  model: Model,
  formats: Format[],
  part: Part,
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
      const [from, to] = partRows(rows.length, ROW_BLOCK, part);
      const batch = new RowBatch(
        t,
        Math.max(1, Math.min(ROW_BLOCK, to - from)),
      );
      for (let a = from; a < to; a += ROW_BLOCK) {
        w.cut();
        batch.clear();
        for (const r of rows.slice(a, Math.min(to, a + ROW_BLOCK))) {
          appendRecord(batch, r);
        }
        w.write(batch);
      }
    }
  }
}

/** Open the writers of a unit kind's tables. */
function* openAll(
  tables: UnitTable[],
  encoders: EncoderSet,
): Steps<TableWriter[]> {
  const out: TableWriter[] = [];
  for (const t of tables) out.push(yield* encoders.open(t.table, t.reps));
  return out;
}

/** How units are rendered: here, or by a pool of workers. */
interface Executor {
  /**
   * Render `all` units of `kind` into `writers`, calling `done` after each (in
   * order) with its turns.
   */
  run(
    kind: "users" | "sessions",
    all: Iterable<Unit>,
    writers: TableWriter[],
    done: (u: Unit, turns: number) => void,
  ): Steps<void>;
  close(): void;
}

/** Units rendered on the calling thread. */
function inlineExecutor(renderer: UnitRenderer): Executor {
  return {
    *run(kind, all, writers, done) {
      for (const u of all) {
        if (u.blockStart) { for (const w of writers) w.cut(); }
        const turns = kind === "users"
          ? (renderer.users(u.from, u.to, writers), 0)
          : renderer.sessions(u.from, u.to, writers);
        for (const w of writers) yield* w.drain();
        done(u, turns);
        yield;
      }
    },
    close() {},
  };
}

/** Units rendered by a pool of workers, written here in unit order. */
function poolExecutor(pool: GeneratorPool): Executor {
  return {
    *run(kind, all, writers, done) {
      yield* pool.run(kind, all, function* (u, r) {
        if (u.blockStart) { for (const w of writers) w.cut(); }
        let at = 0;
        for (const w of writers) at = w.writePieces(r.pieces, at);
        for (const w of writers) yield* w.drain();
        done(u, r.turns);
        yield;
      });
    },
    close: () => pool.terminate(),
  };
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
  const part = spec.part ?? WHOLE;
  const encodings = spec.encodings ?? ["text"];
  const [userFrom, userTo] = partRows(spec.users, ROW_BLOCK, part);
  const [sessionFrom, sessionTo] = partRows(
    spec.sessions,
    SESSION_BLOCK,
    part,
  );
  const shared = new SharedResourcePool();
  const encoders = new EncoderSet(
    {
      lines: (n, h) => target.lines(n, h),
      files: (n) => target.files(n),
      shared,
    },
    encodings,
  );
  // No more workers than units; any count gives the same bytes.
  const sessionUnits = Math.ceil((sessionTo - sessionFrom) / UNIT);
  const userUnits = userTables(formats).length
    ? Math.ceil((userTo - userFrom) / UNIT)
    : 0;
  const workers = Math.min(
    spec.workers ?? 1,
    Math.max(sessionUnits, userUnits),
  );
  const executor = workers > 1
    ? poolExecutor(
      new GeneratorPool(workers, {
        op: "init",
        config: model.config,
        seed: spec.seed,
        users: spec.users,
        formats,
        encodings,
      }, model),
    )
    : inlineExecutor(
      new UnitRenderer({
        model,
        seed: spec.seed,
        users: spec.users,
        formats,
      }),
    );
  let turns = 0;
  let results: SinkResult[];
  const writers: Record<string, string> = {};
  try {
    for (const f of formats) target.mkdir(f);
    yield* writeDimensions(model, formats, part, encoders);
    const userWriters = yield* openAll(userTables(formats), encoders);
    if (userWriters.length) {
      yield* executor.run(
        "users",
        units(userFrom, userTo, ROW_BLOCK),
        userWriters,
        (u) => onProgress?.(u.to - userFrom, userTo - userFrom, "users"),
      );
    }
    const sessionWriters = yield* openAll(sessionTables(formats), encoders);
    yield* executor.run(
      "sessions",
      units(sessionFrom, sessionTo, SESSION_BLOCK),
      sessionWriters,
      (u, t) => {
        turns += t;
        onProgress?.(u.to - sessionFrom, sessionTo - sessionFrom, "sessions");
      },
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
    executor.close();
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
    counts: {
      users: userTo - userFrom,
      sessions: sessionTo - sessionFrom,
      turns,
    },
    writers,
  };
}
