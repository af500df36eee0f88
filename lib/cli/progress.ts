/**
 * Progress display on a terminal: one line on stderr, redrawn at most 10 times a
 * second. Silent when stderr is not a terminal or `--quiet` is given. It reads the
 * clock only for the display; nothing it reads reaches any output file.
 *
 * @module
 */

import { thousands } from "../sink/number_format.ts";

/** A progress callback for `generateDataset`, and `done()` to end the line. */
export interface Progress {
  /** Show `done` of `total` units (`unit` default "sessions"), with rate and time left. */
  update(done: number, total: number, unit?: string): void;
  /** Clear the progress line, if one was shown. */
  done(): void;
}

/**
 * Create the progress display.
 *
 * @param enabled False for `--quiet` or when stderr is not a terminal.
 * @param label E.g. "Generating".
 */
export function createProgress(enabled: boolean, label: string): Progress {
  if (!enabled) return { update() {}, done() {} };
  const enc = new TextEncoder();
  const start = performance.now();
  let last = -Infinity;
  let shown = false;
  let phase = "";
  let phaseStart = start;
  return {
    update(done, total, unit = "sessions") {
      const now = performance.now();
      if (unit !== phase) {
        // A new phase: its rate and time left start afresh.
        phase = unit;
        phaseStart = now;
      }
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      const secs = (now - start) / 1000;
      const rate = done / Math.max((now - phaseStart) / 1000, 1e-3);
      const eta = rate > 0 ? (total - done) / rate : 0;
      const pct = Math.floor((done * 100) / total);
      Deno.stderr.writeSync(
        enc.encode(
          `\r\x1b[K${label} ${thousands(done)}/${
            thousands(total)
          } ${unit} (${pct}%)  ${secs.toFixed(1)} s, ~${eta.toFixed(0)} s left`,
        ),
      );
    },
    done() {
      if (shown) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
    },
  };
}
