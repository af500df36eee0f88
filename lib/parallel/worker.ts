/**
 * A generator worker: renders the units the main thread sends, in order, and answers
 * each with its files' pieces (text as UTF-8 bytes, Parquet rows as typed columns).
 * Started by `GeneratorPool` (docs/design.md §12).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { Config, EncodingChoice, Format } from "../config/schema.ts";
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
  /** Byte buffers of earlier answers, written and given back for reuse. */
  spare: ArrayBuffer[];
}

/** One file's piece of a unit: text bytes, or rows for Parquet. */
export type Piece = { bytes: Uint8Array; rows: number } | { batch: SentBatch };

/** A worker's answer to a unit (or its failure). */
export type UnitReply =
  | { ok: true; turns: number; pieces: Piece[] }
  | { ok: false; error: string };

/**
 * One table's writer in the worker: a text encoder over a collecting sink per text
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
      const sink = new CollectSink(spare);
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

let renderer: UnitRenderer | undefined;
/** Buffers the main thread gave back, shared by every collecting sink. */
const spare: ArrayBuffer[] = [];
/** Spare buffers kept at most (more are dropped to the garbage collector). */
const MAX_SPARE = 16;
let collectors: { users: TableCollector[]; sessions: TableCollector[] };

self.onmessage = (e: MessageEvent<WorkerInit | UnitRequest>) => {
  const m = e.data;
  try {
    if (m.op === "init") {
      const model = compileModel(m.config);
      renderer = new UnitRenderer({
        model,
        seed: m.seed,
        users: m.users,
        formats: m.formats,
      });
      collectors = {
        users: userTables(m.formats).map((t) =>
          new TableCollector(t, m.encodings)
        ),
        sessions: sessionTables(m.formats).map((t) =>
          new TableCollector(t, m.encodings)
        ),
      };
      const ready: UnitReply = { ok: true, turns: 0, pieces: [] };
      self.postMessage(ready);
      return;
    }
    const r = renderer!;
    for (const b of m.spare) if (spare.length < MAX_SPARE) spare.push(b);
    const cs = collectors[m.kind];
    const turns = m.kind === "users"
      ? (r.users(m.from, m.to, cs), 0)
      : r.sessions(m.from, m.to, cs);
    const transfer: ArrayBuffer[] = [];
    const pieces = cs.flatMap((c) => c.pieces(transfer));
    const reply: UnitReply = { ok: true, turns, pieces };
    self.postMessage(reply, { transfer });
  } catch (err) {
    const reply: UnitReply = {
      ok: false,
      error: err instanceof Error ? err.message : String(err),
    };
    self.postMessage(reply);
  }
};
