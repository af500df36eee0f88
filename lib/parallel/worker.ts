/**
 * A generator worker: renders the units the main thread sends, in order, and answers
 * each with its files' pieces (see `workshop.ts`). Started by `GeneratorPool`
 * (docs/design.md §12.2).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import {
  type UnitReply,
  type UnitRequest,
  type WorkerInit,
  Workshop,
} from "./workshop.ts";

let workshop: Workshop | undefined;

self.onmessage = (e: MessageEvent<WorkerInit | UnitRequest>) => {
  const m = e.data;
  if (m.op === "init") {
    let ready: UnitReply = { ok: true, turns: 0, pieces: [] };
    try {
      workshop = new Workshop(m);
    } catch (err) {
      ready = {
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      };
    }
    self.postMessage(ready);
    return;
  }
  const { reply, transfer } = workshop!.handle(m);
  self.postMessage(reply, { transfer });
};
