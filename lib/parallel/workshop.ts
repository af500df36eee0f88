/**
 * A workshop: renders the units of one run into their files' pieces (text as UTF-8
 * bytes, Parquet rows as typed columns), on a generator worker or on the main thread
 * (docs/design.md §12.2). Also the messages between them.
 *
 * @module
 */
import type { Config, EncodingChoice, Format } from "../config/schema.ts";
import type { Model } from "../model/model.ts";
import { compileModel } from "../model/model.ts";
import type { RowBatch } from "../schema/row_batch.ts";
import { encodingOf, type TableEncoder } from "../encoding/mod.ts";
import { runSteps } from "../steps.ts";
import {
  type BatchWriter,
  sessionTables,
  UnitRenderer,
  type UnitTable,
  userTables,
} from "./render.ts";
import { CollectSink, packBatch } from "./transfer.ts";
import type { SentBatch } from "../encoding/parquet_worker.ts";

/** The run a worker renders units of. */
export interface WorkerInit {
  /** The message kind. */
  op: "init";
  /** Effective config (the model is compiled from it). */
  config: Config;
  /** Dataset seed. */
  seed: number;
  /** Users of the whole dataset, count (sessions sample from all). */
  users: number;
  /** Representations written. */
  formats: Format[];
  /** Encodings written. */
  encodings: EncodingChoice[];
}

/** A unit to render. */
export interface UnitRequest {
  /** The message kind. */
  op: "unit";
  /** Users (dim_user rows) or sessions (facts and raw lines). */
  kind: "users" | "sessions";
  /** First user or session index, inclusive. */
  from: number;
  /** Last index, exclusive. */
  to: number;
  /**
   * Byte buffers of earlier answers, written and given back for reuse: each with the
   * unit kind and the index of the piece it carried.
   */
  spare: SpareBuffer[];
}

/** A buffer given back: which unit kind's piece, at which index, it carried. */
export interface SpareBuffer {
  /** The unit kind of the answer it came with. */
  kind: UnitRequest["kind"];
  /** Its piece's index in that answer. */
  index: number;
  /** The buffer. */
  buffer: ArrayBuffer;
}

/** One file's piece of a unit: text bytes, or rows for Parquet. */
export type Piece = { bytes: Uint8Array; rows: number } | { batch: SentBatch };

/** A worker's answer to a unit (or its failure). */
export type UnitReply =
  | { ok: true; turns: number; pieces: Piece[] }
  | { ok: false; error: string };

/**
 * One table's writer in a workshop: a text encoder over a collecting sink per text
 * choice, a packed copy per Parquet choice; {@linkcode TableCollector.pieces} empties
 * it, in choice order.
 */
class TableCollector implements BatchWriter {
  #text: { encoder: TableEncoder; sink: CollectSink }[] = [];
  #choices: EncodingChoice[];
  #parquet: { packed: SentBatch; transfer: ArrayBuffer[] } | undefined;
  #dictionariesSent = false;

  constructor(t: UnitTable, choices: EncodingChoice[]) {
    this.#choices = choices;
    for (const choice of choices) {
      if (choice !== "text") continue;
      const sink = new CollectSink();
      const encoder = runSteps(
        encodingOf(t.reps[0], choice).open(t.table, [], {
          lines: () => sink,
          files: () => [],
          shared: {
            use: () => {
              throw new Error("A text encoding needs no shared resource");
            },
          },
        }),
      );
      this.#text.push({ encoder, sink });
    }
  }

  write(batch: RowBatch): void {
    for (const t of this.#text) t.encoder.write(batch);
    if (this.#choices.includes("parquet")) {
      this.#parquet = packBatch(batch, !this.#dictionariesSent);
      this.#dictionariesSent = true;
    }
  }

  /** The collecting sinks, one per text choice, in piece order (undefined: Parquet). */
  sinks(): (CollectSink | undefined)[] {
    let t = 0;
    return this.#choices.map((c) =>
      c === "text" ? this.#text[t++].sink : undefined
    );
  }

  pieces(transfer: ArrayBuffer[]): Piece[] {
    const out: Piece[] = [];
    let t = 0;
    for (const choice of this.#choices) {
      if (choice === "text") {
        const p = this.#text[t++].sink.take();
        transfer.push(p.bytes.buffer as ArrayBuffer);
        out.push(p);
      } else {
        const p = this.#parquet ?? packBatch(emptyLike(), false);
        this.#parquet = undefined;
        transfer.push(...p.transfer);
        out.push({ batch: p.packed });
      }
    }
    return out;
  }
}

function emptyLike(): RowBatch {
  return {
    length: 0,
    numbers: [],
    flags: [],
    texts: [],
    codes: [],
    offsets: [],
    dictionaries: [],
  } as unknown as RowBatch;
}

/**
 * The units of one run, rendered into pieces: what a generator worker does with each
 * request, and what the main thread does with its own share.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const config = effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml");
 * const w = new Workshop({
 *   op: "init", config, seed: 1, users: 10, formats: ["star"], encodings: ["text"],
 * });
 * const { reply } = w.handle({ op: "unit", kind: "sessions", from: 0, to: 3, spare: [] });
 * // fact_session and fact_turn: three session rows, then the turns.
 * if (!reply.ok || !("bytes" in reply.pieces[0])) throw new Error("No text piece");
 * strictEqual(reply.pieces[0].rows, 3);
 * ```
 */
export class Workshop {
  readonly #renderer: UnitRenderer;
  readonly #collectors: Record<UnitRequest["kind"], TableCollector[]>;
  /** By unit kind, the sink of each piece of an answer (undefined: a Parquet piece). */
  readonly #pieceSinks: Record<
    UnitRequest["kind"],
    (CollectSink | undefined)[]
  >;

  /**
   * A workshop for the run `init`.
   *
   * @param model The run's compiled model (compiled from `init.config` if absent).
   */
  constructor(init: WorkerInit, model?: Model) {
    this.#renderer = new UnitRenderer({
      model: model ?? compileModel(init.config),
      seed: init.seed,
      users: init.users,
      formats: init.formats,
    });
    this.#collectors = {
      users: userTables(init.formats).map((t) =>
        new TableCollector(t, init.encodings)
      ),
      sessions: sessionTables(init.formats).map((t) =>
        new TableCollector(t, init.encodings)
      ),
    };
    this.#pieceSinks = {
      users: this.#collectors.users.flatMap((c) => c.sinks()),
      sessions: this.#collectors.sessions.flatMap((c) => c.sinks()),
    };
  }

  /**
   * Render one unit.
   *
   * @returns The answer (a failure as `ok: false` with its message) and the buffers
   *   to transfer with it.
   */
  handle(m: UnitRequest): { reply: UnitReply; transfer: ArrayBuffer[] } {
    try {
      for (const b of m.spare) {
        this.#pieceSinks[b.kind][b.index]?.giveBack(b.buffer);
      }
      const cs = this.#collectors[m.kind];
      const turns = m.kind === "users"
        ? (this.#renderer.users(m.from, m.to, cs), 0)
        : this.#renderer.sessions(m.from, m.to, cs);
      const transfer: ArrayBuffer[] = [];
      const pieces = cs.flatMap((c) => c.pieces(transfer));
      return { reply: { ok: true, turns, pieces }, transfer };
    } catch (err) {
      return {
        reply: {
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        },
        transfer: [],
      };
    }
  }
}
