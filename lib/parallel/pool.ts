/**
 * A pool of generator threads (`--workers N`): the main thread and N − 1 workers.
 * Units go out round-robin, answers are taken back in unit order, so the files are
 * written exactly as one thread would write them (docs/design.md §12.2). The main
 * thread renders its share between writing the others' pieces: a worker isolate
 * costs about 100 MB (its own copy of the modules, Faker's locales and the model), so
 * N threads cost N − 1 of them.
 *
 * @module
 */
import { awaitStep, type Steps } from "../steps.ts";
import type { Unit } from "../shard/blocks.ts";
import {
  type SpareBuffer,
  type UnitReply,
  type UnitRequest,
  type WorkerInit,
  Workshop,
} from "./workshop.ts";
import type { Model } from "../model/model.ts";

/** Units in flight per worker: one being rendered, one waiting behind it. */
export const IN_FLIGHT_PER_WORKER = 2;

/** What the pool needs of a generator thread. */
interface RenderThread {
  /** The answer to the run's set-up. */
  readonly ready: Promise<UnitReply>;
  /** Buffers of this thread's answers, written: sent back with the next request. */
  readonly spare: SpareBuffer[];
  /** Render a unit; the promise resolves with the answer, in request order. */
  render(kind: UnitRequest["kind"], u: Unit): Promise<UnitReply>;
  terminate(): void;
}

/** The main thread's share: rendered at once, when the unit is handed out. */
class LocalThread implements RenderThread {
  readonly ready: Promise<UnitReply> = Promise.resolve({
    ok: true,
    turns: 0,
    pieces: [],
  });
  readonly spare: SpareBuffer[] = [];
  readonly #workshop: Workshop;

  constructor(init: WorkerInit, model: Model) {
    this.#workshop = new Workshop(init, model);
  }

  render(kind: UnitRequest["kind"], u: Unit): Promise<UnitReply> {
    const spare = this.spare.splice(0);
    const { reply } = this.#workshop.handle({
      op: "unit",
      kind,
      from: u.from,
      to: u.to,
      spare,
    });
    return Promise.resolve(reply);
  }

  terminate(): void {}
}

/** One worker thread and its unanswered requests, in order. */
class GeneratorThread implements RenderThread {
  readonly #worker: Worker;
  readonly #waiting: ((r: UnitReply) => void)[] = [];
  /** Buffers of this thread's answers, written: sent back with the next request. */
  readonly spare: SpareBuffer[] = [];
  #dead: string | undefined;
  /** The answer to the run's set-up (an error when the worker could not start). */
  readonly ready: Promise<UnitReply>;

  constructor(init: WorkerInit) {
    this.#worker = new Worker(new URL("./worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<UnitReply>) => {
      this.#waiting.shift()?.(e.data);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(`a generator worker failed: ${e.message}`);
    };
    this.ready = this.#send(init);
  }

  #fail(why: string): void {
    this.#dead ??= why;
    for (const cb of this.#waiting.splice(0)) cb({ ok: false, error: why });
  }

  #send(
    m: WorkerInit | UnitRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<UnitReply> {
    return new Promise((resolve) => {
      if (this.#dead !== undefined) {
        resolve({ ok: false, error: this.#dead });
        return;
      }
      this.#waiting.push(resolve);
      this.#worker.postMessage(m, { transfer });
    });
  }

  /** Render a unit; the promise resolves with the answer, in request order. */
  render(kind: UnitRequest["kind"], u: Unit): Promise<UnitReply> {
    const spare = this.spare.splice(0);
    return this.#send(
      { op: "unit", kind, from: u.from, to: u.to, spare },
      spare.map((s) => s.buffer),
    );
  }

  terminate(): void {
    this.#worker.terminate();
    this.#fail("the generator workers were stopped");
  }
}

/**
 * `n` generator workers of one run.
 *
 * @example
 * ```ts
 * // Used by `datasetSteps` when `workers` > 1; see tests/workers_test.ts.
 * import { IN_FLIGHT_PER_WORKER } from "./pool.ts";
 * if (IN_FLIGHT_PER_WORKER < 2) throw new Error("A worker would wait for its next unit");
 * ```
 */
export class GeneratorPool {
  readonly #threads: RenderThread[];
  #started = false;

  /**
   * Start `n − 1` workers on the run `init`; the main thread is the n-th.
   *
   * @param n Generator threads, ≥ 2.
   * @param model The run's compiled model (for the main thread's share).
   */
  constructor(n: number, init: WorkerInit, model: Model) {
    this.#threads = [];
    try {
      for (let i = 1; i < n; i++) this.#threads.push(new GeneratorThread(init));
      // Last in each round: the workers have their units before the main thread
      // starts on its own.
      this.#threads.push(new LocalThread(init, model));
    } catch (e) {
      this.terminate();
      throw e;
    }
  }

  /** Generator threads (the main thread included), count. */
  get size(): number {
    return this.#threads.length;
  }

  /**
   * Render `all` units of `kind`, handing each answer to `apply` in unit order; at
   * most {@linkcode IN_FLIGHT_PER_WORKER} units per worker are in flight, so memory
   * does not grow with the run. Yields (a step) after each unit applied.
   *
   * @throws {Error} When a worker fails (its message).
   */
  *run(
    kind: UnitRequest["kind"],
    all: Iterable<Unit>,
    apply: (u: Unit, r: Extract<UnitReply, { ok: true }>) => Steps<void>,
  ): Steps<void> {
    if (!this.#started) {
      for (const t of this.#threads) {
        const r = yield* awaitStep(t.ready);
        if (!r.ok) throw new Error(r.error);
      }
      this.#started = true;
    }
    const queue: {
      unit: Unit;
      thread: RenderThread;
      reply: Promise<UnitReply>;
    }[] = [];
    const limit = IN_FLIGHT_PER_WORKER * this.#threads.length;
    let next = 0;
    const take = function* (): Steps<void> {
      const { unit, thread, reply } = queue.shift()!;
      const r = yield* awaitStep(reply);
      if (!r.ok) throw new Error(r.error);
      yield* apply(unit, r);
      // Written: the byte buffers go back to the thread that filled them.
      r.pieces.forEach((p, index) => {
        if ("bytes" in p && p.bytes.buffer.byteLength > 0) {
          thread.spare.push({
            kind,
            index,
            buffer: p.bytes.buffer as ArrayBuffer,
          });
        }
      });
    };
    for (const u of all) {
      if (queue.length >= limit) yield* take();
      const thread = this.#threads[next++ % this.#threads.length];
      queue.push({ unit: u, thread, reply: thread.render(kind, u) });
    }
    while (queue.length) yield* take();
  }

  /** Stop every worker (idempotent). */
  terminate(): void {
    for (const t of this.#threads) t.terminate();
  }
}
