/**
 * Clean interrupts: run long steps (generation, verification) with a pause for the
 * event loop between them, so that SIGINT (Ctrl-C) and SIGTERM handlers get to run.
 * On either signal the next step boundary throws {@linkcode Interrupted} into the
 * steps, whose own cleanup (e.g. removing a staging folder) runs before it reaches
 * the caller. The listeners exist only while the steps run; outside them a signal has
 * its default effect.
 *
 * @module
 */
import { Interrupted, type InterruptSignal } from "../errors.ts";
import type { Steps } from "../steps.ts";

const SIGNALS: InterruptSignal[] = ["SIGINT", "SIGTERM"];

/**
 * Let the event loop run once (timers, I/O, signal handlers), at a cost of tens of
 * microseconds: a message to ourselves, not a timer (`setTimeout` clamps repeated
 * zero delays to milliseconds).
 */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Run steps to the end, letting the event loop run between them; stop them cleanly on
 * SIGINT or SIGTERM.
 *
 * @param steps The computation (e.g. `generateSteps(...)`).
 * @returns Its result.
 * @throws {Interrupted} After SIGINT or SIGTERM (exit code 130 or 143), once the
 *   steps have run their own cleanup; whatever else the steps throw.
 * @example
 * ```ts ignore
 * const report = await runInterruptible(verifySteps("output"));
 * ```
 */
export async function runInterruptible<T>(steps: Steps<T>): Promise<T> {
  let received: InterruptSignal | undefined;
  const listeners = new Map<InterruptSignal, () => void>();
  for (const sig of SIGNALS) {
    const listener = () => {
      received ??= sig;
    };
    try {
      Deno.addSignalListener(sig, listener);
      listeners.set(sig, listener);
    } catch {
      // A platform without this signal (SIGTERM on Windows): nothing to listen to.
    }
  }
  try {
    let r = steps.next();
    while (!r.done) {
      await eventLoopTurn();
      r = received ? steps.throw(new Interrupted(received)) : steps.next();
    }
    return r.value;
  } finally {
    for (const [sig, listener] of listeners) {
      Deno.removeSignalListener(sig, listener);
    }
  }
}
