/**
 * Progress display on a terminal: one line on stderr, redrawn at most 10 times a
 * second. Silent when stderr is not a terminal or `--quiet` is given. It reads the
 * clock only for the display; nothing it reads reaches any output file.
 *
 * @module
 */

import { thousands } from "../number_format.ts";
import { type Channel, stderr } from "./terminal.ts";

/** A progress callback for `generateDataset`, and `done()` to end the line. */
export interface Progress {
  /**
   * Show `done` of `total` units (`unit` default "sessions"), with the elapsed time
   * and, once it means something, an estimate of the time left in this phase.
   */
  update(done: number, total: number, unit?: string): void;
  /** Clear the progress line, if one was shown. */
  done(): void;
}

/** An estimate of the time left is shown only after this long in a phase, ms. */
export const ESTIMATE_MIN_MS = 2000;
/** ... and only once this fraction of the phase's units is done in it. */
export const ESTIMATE_MIN_FRACTION = 0.02;

/** Where the progress line goes and what clock it reads (tests replace both). */
export interface ProgressIo {
  /** Receives the line (default: stderr, a closed pipe ignored). */
  out: Pick<Channel, "write">;
  /** Milliseconds, monotonic (default: `performance.now`). */
  now: () => number;
}

/**
 * Create the progress display.
 *
 * The estimate of the time left extrapolates the current phase's rate (users, then
 * sessions), measured from the phase's first update. It is left out until the phase
 * has run {@linkcode ESTIMATE_MIN_MS} and done {@linkcode ESTIMATE_MIN_FRACTION} of
 * its units since then: earlier, a few fast or slow chunks would make it say nothing
 * useful (such as "~0 s left" at 1%).
 *
 * @param enabled False for `--quiet` or when stderr is not a terminal.
 * @param label E.g. "Generating".
 * @param io Output and clock; the defaults are stderr and `performance.now`.
 * @example
 * ```ts
 * // A fake clock and a string instead of stderr.
 * let text = "";
 * const p = createProgress(true, "Generating", { out: { write: (s) => (text += s) }, now: () => 0 });
 * p.update(1000, 100000);
 * p.done();
 * if (!text.includes("Generating")) throw new Error(`Unexpected ${JSON.stringify(text)}`);
 * // Disabled (--quiet, or stderr not a terminal): nothing is written.
 * text = "";
 * createProgress(false, "Generating", { out: { write: (s) => (text += s) }, now: () => 0 }).update(1, 2);
 * if (text !== "") throw new Error("Expected no output");
 * ```
 */
export function createProgress(
  enabled: boolean,
  label: string,
  io: ProgressIo = { out: stderr, now: () => performance.now() },
): Progress {
  if (!enabled) return { update() {}, done() {} };
  const start = io.now();
  let last = -Infinity;
  let shown = false;
  let phase: string | undefined;
  let phaseStart = start;
  let phaseDone = 0;
  return {
    update(done, total, unit = "sessions") {
      const now = io.now();
      if (unit !== phase) {
        // A new phase: its rate is measured from here, and a first line is drawn.
        phase = unit;
        phaseStart = now;
        phaseDone = done;
        last = -Infinity;
      }
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      const secs = (now - start) / 1000;
      const pct = Math.floor((done * 100) / total);
      const ms = now - phaseStart;
      const gained = done - phaseDone;
      let eta = "";
      if (
        done < total && ms >= ESTIMATE_MIN_MS &&
        gained >= ESTIMATE_MIN_FRACTION * total
      ) {
        // The phase's rate: units per second, and the time the rest takes at it.
        const rate = gained * 1000 / ms;
        eta = `, ${thousands(Math.round(rate))} ${unit}/s, ~${
          ((total - done) / rate).toFixed(0)
        } s left`;
      }
      io.out.write(
        `\r\x1b[K${label} ${thousands(done)}/${
          thousands(total)
        } ${unit} (${pct}%)  ${secs.toFixed(1)} s${eta}`,
      );
    },
    done() {
      if (shown) io.out.write("\r\x1b[K");
      shown = false;
    },
  };
}
