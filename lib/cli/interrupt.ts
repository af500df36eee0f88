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
import { LAST_CHANCE, settle, type Steps } from "../steps.ts";

const SIGNALS: InterruptSignal[] = ["SIGINT", "SIGTERM"];

/**
 * Let the event loop run once, timers and I/O included. A timer, not a message to
 * ourselves: Deno runs a posted message without polling its signal streams, so a
 * signal sent during a long run was never seen (measured: SIGTERM 1.5 s into a
 * 20,000-session run was ignored with message turns after every step, honoured at
 * once with timer turns). A timer turn costs about 2 ms here, so it is taken at most
 * every {@linkcode TURN_EVERY_MS}.
 */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Longest time between two event-loop turns, in milliseconds: the delay before an
 * interrupt is acted on is at most this plus one step; the cost is about 1% (2 ms a
 * turn).
 */
export const TURN_EVERY_MS = 200;

/**
 * Run steps to the end, letting the event loop run between them; stop them cleanly on
 * SIGINT or SIGTERM.
 *
 * @param steps The computation (e.g. `generateSteps(...)`).
 * @returns Its result.
 * @throws {Interrupted} After SIGINT or SIGTERM (exit code 130 or 143), once the
 *   steps have run their own cleanup; whatever else the steps throw.
 * @example
 * ```ts
 * function* count(): Generator<void, number, void> {
 *   let n = 0;
 *   for (let i = 0; i < 3; i++) {
 *     n += i;
 *     yield; // the event loop may run (and a signal be seen) here
 *   }
 *   return n;
 * }
 * const n = await runInterruptible(count());
 * if (n !== 3) throw new Error(`Expected 3, received ${n}`);
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
    let lastTurn = performance.now();
    while (!r.done) {
      // performance.now() only paces the turns; it never reaches the output.
      if (
        r.value === LAST_CHANCE || performance.now() - lastTurn >= TURN_EVERY_MS
      ) {
        await eventLoopTurn();
        lastTurn = performance.now();
      }
      if (received) {
        // A database call under way finishes first: its files are then released.
        if (r.value instanceof Promise) await r.value.catch(() => {});
        r = steps.throw(new Interrupted(received));
      } else {
        r = await settle(steps, r.value);
      }
    }
    return r.value;
  } finally {
    for (const [sig, listener] of listeners) {
      Deno.removeSignalListener(sig, listener);
    }
  }
}
