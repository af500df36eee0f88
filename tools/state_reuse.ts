/**
 * Count reused random states across sessions (docs/design.md §4.5). What users see,
 * repeated output values, is counted by `tools/output_reuse.ts`; this tool counts the
 * internal states behind them.
 *
 * What it measures. Every session draws from its own stream, keyed by
 * `unitKey(seed, streamId("session"), index)`. A draw's *state* is what determines
 * it and everything after it:
 *
 * - `combined` (the real design, `lib/random/stream.ts`): two prando generators
 *   seeded with `halfToSeed(hi)` and `halfToSeed(lo)` step together; the state of a
 *   draw is the pair `(prandoState32(a), prandoState32(b))`, 64 bits (the stream
 *   also adds a Weyl counter, but it is the same in every unit at a given draw, so
 *   the pair is what tells units apart);
 * - `single` (the naive baseline of docs/design.md §4.5): one prando seeded with
 *   `halfToSeed(hi)`; the state of a draw is its 32-bit state.
 *
 * Sessions are taken in index order and draws in order within a session. For each
 * mode the tool reports (the categories overlap, see {@linkcode ReuseCounts}):
 *
 * - reused draws: draws whose state was already drawn by an earlier draw, of an
 *   earlier session or earlier in the same session; equal to draws − distinct
 *   states. Split into draws whose state an earlier session drew, and draws
 *   repeating a state earlier in the same session;
 * - shared draws: draws whose state also occurs in at least one other session,
 *   earlier or later (both sides of every coincidence count, so about twice the
 *   cross-session reused draws);
 * - sessions reusing: sessions with at least one draw whose state an earlier
 *   session already drew (the later side of each coincidence). This is the
 *   "sessions touched" of docs/design.md §4.5 (4.5% at 1,000,000 × 100, 0.5% at 100,000);
 * - sessions sharing: sessions with at least one shared draw, i.e. sessions drawing
 *   a state that any other session also draws (both sides; about twice the above).
 *
 * How. All states go into one `BigUint64Array` (8 bytes per draw, high half in the
 * upper 32 bits), which is sorted in place; runs of equal values give the distinct
 * and reused counts. The states that occur more than once go into an
 * open-addressing hash table on typed arrays, and a second pass regenerates the
 * sessions to attribute each occurrence to its session. When no state occurs twice
 * the second pass is skipped. Peak memory is about 8 bytes per draw, plus 1 byte
 * per session and at most 80 bytes per repeated state.
 *
 * Run (`deno task state-reuse` is `deno run tools/state_reuse.ts`; no permissions needed):
 *
 * ```sh
 * deno task state-reuse --sessions 1000000 --draws 100 --mode both
 * ```
 *
 * Measured before the low key half hashed the high half (seed 20251130, Deno 2.9.6,
 * 2 cores, one process per mode; wall and peak
 * RSS from `/usr/bin/time -v`):
 *
 * | sessions × draws  | mode     | reused draws       | sessions reusing | shared draws       | sessions sharing | wall  | peak RSS |
 * | ----------------- | -------- | ------------------ | ---------------- | ------------------ | ---------------- | ----- | -------- |
 * | 1,000,000 × 100   | combined | 0                  | 0                | 0                  | 0                | 7.5 s | 0.86 GB  |
 * | 1,000,000 × 100   | single   | 2,276,234 (2.276%) | 44,841 (4.484%)  | 4,517,192 (4.517%) | 88,289 (8.829%)  | 15 s  | 1.02 GB  |
 * | 10,000,000 × 100  | combined | 0                  | 0                | 0                  | 0                | 101 s | 8.06 GB  |
 *
 * The single mode reproduces docs/design.md §4.5 (2.3% of draws, 4.5% of sessions). It is
 * twice what 2^32 states would give because prando's step is 2-to-1 (its
 * sign-extending `>> 17` always clears bit 31 of the intermediate value), so only
 * 2^31 states follow the first step.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseInteger } from "./integer_flag.ts";
import { createPrando, prandoState32 } from "../lib/random/prando_source.ts";
import { halfToSeed } from "../lib/random/stream.ts";
import { assertSeed, streamId, unitKey } from "../lib/random/unit_key.ts";

/** The two stream designs the tool compares. */
export const MODES = ["combined", "single"] as const;
/** One stream design: `combined` (two prando per session) or `single` (one). */
export type Mode = typeof MODES[number];

/**
 * Writes the states of one session's draws.
 *
 * @param session Session index, an integer in [0, sessions − 1].
 * @param out Buffer of length 2 × draws to overwrite: `out[2k]` is the high 32 bits
 *   and `out[2k + 1]` the low 32 bits of draw `k`'s state (unsigned). Two states are
 *   the same state exactly when both words are equal.
 */
export type SessionFill = (session: number, out: Uint32Array) => void;

/** Counts of one measurement; all are numbers of draws or sessions. */
export interface ReuseCounts {
  /** Sessions measured. */
  sessions: number;
  /** Draws per session. */
  drawsPerSession: number;
  /** All draws: sessions × drawsPerSession. */
  draws: number;
  /** Distinct states among all draws. */
  distinctStates: number;
  /** Draws whose state was drawn before (earlier session or earlier in the same session): draws − distinctStates. */
  reusedDraws: number;
  /** Draws whose state was drawn by an earlier session (a subset of reusedDraws). */
  crossSessionReusedDraws: number;
  /**
   * Draws whose state was drawn earlier in the same session (a subset of
   * reusedDraws; a draw can also be a cross-session reuse).
   */
  withinSessionRepeats: number;
  /** Draws whose state also occurs in at least one other session (every occurrence counts). */
  sharedDraws: number;
  /**
   * Sessions with at least one draw whose state an earlier session already drew
   * (the later side of each coincidence; the "sessions touched" of docs/design.md §4.5).
   */
  sessionsReusing: number;
  /**
   * Sessions with at least one shared draw: sessions drawing a state that some
   * other session, earlier or later, also draws (both sides of each coincidence).
   */
  sessionsSharing: number;
}

/** True when typed arrays store the low-order byte first (every platform Deno ships for). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Offsets of the high and low 32-bit words inside one 64-bit element. */
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;
const LO_WORD = 1 - HI_WORD;
/** Flags of a session in the second pass. */
const SHARING = 1;
const REUSING = 2;
/** Largest session count: session indices are kept in Int32Array. */
const MAX_SESSIONS = 2147483647;

/**
 * Count reused states over `sessions` sessions of `draws` draws each.
 *
 * Calls `fill` once per session, in index order, for the first pass, and once more
 * per session for the second pass when some state occurs more than once; `fill`
 * must write the same states for the same session both times.
 *
 * @param sessions Number of sessions, an integer in [1, 2^31 − 1].
 * @param draws Draws per session, an integer ≥ 1.
 * @param fill Writes one session's states (see {@linkcode SessionFill}).
 * @returns The counts, see {@linkcode ReuseCounts}.
 * @throws {RangeError} On counts out of range, or when sessions × draws states do
 *   not fit in one `BigUint64Array`.
 */
export function countReuse(
  sessions: number,
  draws: number,
  fill: SessionFill,
): ReuseCounts {
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > MAX_SESSIONS) {
    throw new RangeError(
      `Cannot count reuse: sessions must be an integer from 1 to ${MAX_SESSIONS}, received ${sessions}`,
    );
  }
  if (!Number.isSafeInteger(draws) || draws < 1) {
    throw new RangeError(
      `Cannot count reuse: draws must be an integer >= 1, received ${draws}`,
    );
  }
  const total = sessions * draws;
  const scratch = new Uint32Array(2 * draws);

  // Pass 1: every state into one 64-bit array, sorted in place.
  let keys: BigUint64Array | null = new BigUint64Array(total);
  const words = new Uint32Array(keys.buffer);
  for (let s = 0, base = 0; s < sessions; s++, base += 2 * draws) {
    fill(s, scratch);
    for (let k = 0; k < 2 * draws; k += 2) {
      words[base + k + HI_WORD] = scratch[k];
      words[base + k + LO_WORD] = scratch[k + 1];
    }
  }
  keys.sort();

  // Runs of equal values: distinct states, and the states occurring more than once.
  let distinct = 1;
  let repeated = 0;
  for (let i = 1; i < total; i++) {
    if (!sameAsPrevious(words, i)) distinct++;
    else if (i === 1 || !sameAsPrevious(words, i - 1)) repeated++;
  }
  const counts: ReuseCounts = {
    sessions,
    drawsPerSession: draws,
    draws: total,
    distinctStates: distinct,
    reusedDraws: total - distinct,
    crossSessionReusedDraws: 0,
    withinSessionRepeats: 0,
    sharedDraws: 0,
    sessionsReusing: 0,
    sessionsSharing: 0,
  };
  if (repeated === 0) return counts;

  const table = new RepeatTable(repeated);
  for (let i = 0; i < total;) {
    let j = i + 1;
    while (j < total && sameAsPrevious(words, j)) j++;
    if (j - i > 1) {
      table.add(words[2 * i + HI_WORD], words[2 * i + LO_WORD], j - i);
    }
    i = j;
  }
  keys = null; // the sorted array is no longer needed: let it be collected

  // Pass 2: attribute every occurrence of a repeated state to its session.
  const first = new Int32Array(repeated).fill(-1);
  const last = new Int32Array(repeated).fill(-1);
  const shared = new Uint8Array(repeated);
  /** Per session: bit 1 = shares a state with another session, bit 2 = reuses an earlier session's state. */
  const touched = new Uint8Array(sessions);
  let cross = 0;
  let within = 0;
  for (let s = 0; s < sessions; s++) {
    fill(s, scratch);
    for (let k = 0; k < 2 * draws; k += 2) {
      const e = table.find(scratch[k], scratch[k + 1]);
      if (e < 0) continue;
      const f = first[e];
      if (f === -1) first[e] = s;
      else if (f !== s) {
        // Sessions come in order, so f < s: this draw reuses session f's state.
        // Every session of the state gets bit 1: the first one here, later ones as they come.
        cross++;
        shared[e] = 1;
        touched[f] |= SHARING;
        touched[s] |= SHARING | REUSING;
      }
      if (last[e] === s) within++;
      last[e] = s;
    }
  }
  let sharedDraws = 0;
  for (let e = 0; e < repeated; e++) {
    if (shared[e] === 1) sharedDraws += table.count[e];
  }
  let sessionsSharing = 0;
  let sessionsReusing = 0;
  for (let s = 0; s < sessions; s++) {
    sessionsSharing += touched[s] & SHARING;
    sessionsReusing += (touched[s] & REUSING) >>> 1;
  }
  counts.crossSessionReusedDraws = cross;
  counts.withinSessionRepeats = within;
  counts.sharedDraws = sharedDraws;
  counts.sessionsReusing = sessionsReusing;
  counts.sessionsSharing = sessionsSharing;
  return counts;
}

/** Whether 64-bit element `i` of the word view equals element `i − 1` (i ≥ 1). */
function sameAsPrevious(words: Uint32Array, i: number): boolean {
  return words[2 * i] === words[2 * i - 2] &&
    words[2 * i + 1] === words[2 * i - 1];
}

/**
 * Open-addressing hash set of repeated 64-bit states (linear probing, load ≤ 1/2),
 * mapping each to a dense entry index 0..n−1 and its number of occurrences.
 */
export class RepeatTable {
  /** Slots of 4 words: high half, low half, entry index + 1 (0 = empty), unused. */
  readonly #slots: Uint32Array;
  readonly #mask: number;
  /** Occurrences of each entry. */
  readonly count: Uint32Array;
  #size = 0;

  /** @param capacity Number of entries the table will hold. */
  constructor(capacity: number) {
    let n = 16;
    while (n < 2 * capacity) n *= 2;
    this.#slots = new Uint32Array(4 * n);
    this.#mask = n - 1;
    this.count = new Uint32Array(capacity);
  }

  static #hash(hi: number, lo: number): number {
    let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Insert a state known to be absent, with its number of occurrences. */
  add(hi: number, lo: number, occurrences: number): void {
    let i = RepeatTable.#hash(hi, lo) & this.#mask;
    while (this.#slots[4 * i + 2] !== 0) i = (i + 1) & this.#mask;
    this.#slots[4 * i] = hi;
    this.#slots[4 * i + 1] = lo;
    this.#slots[4 * i + 2] = this.#size + 1;
    this.count[this.#size++] = occurrences;
  }

  /** Entry index of a state, or −1 when it is not a repeated state. */
  find(hi: number, lo: number): number {
    let i = RepeatTable.#hash(hi, lo) & this.#mask;
    for (;;) {
      const e = this.#slots[4 * i + 2];
      if (e === 0) return -1;
      if (this.#slots[4 * i] === hi && this.#slots[4 * i + 1] === lo) {
        return e - 1;
      }
      i = (i + 1) & this.#mask;
    }
  }
}

/**
 * Write the states of a combined stream (the design of `RandomStream`) with key
 * halves `hi`, `lo`: draw k's state is the pair of both generators' 32-bit states.
 *
 * @param hi High key half, unsigned 32-bit.
 * @param lo Low key half, unsigned 32-bit.
 * @param out Buffer of length 2 × draws, written as in {@linkcode SessionFill}:
 *   `out[2k]` = state of the generator seeded from `hi`, `out[2k + 1]` = from `lo`,
 *   each in [0, 2^32 − 1].
 */
export function combinedStates(hi: number, lo: number, out: Uint32Array): void {
  const a = createPrando(halfToSeed(hi));
  const b = createPrando(halfToSeed(lo));
  for (let k = 0; k < out.length; k += 2) {
    out[k] = prandoState32(a);
    out[k + 1] = prandoState32(b);
  }
}

/**
 * Write the states of a single prando seeded from one 32-bit key half (the
 * baseline of docs/design.md §4.5).
 *
 * @param half Key half, unsigned 32-bit.
 * @param out Buffer of length 2 × draws, written as in {@linkcode SessionFill}:
 *   `out[2k]` = 0, `out[2k + 1]` = the generator's 32-bit state, in [0, 2^32 − 1].
 */
export function singleStates(half: number, out: Uint32Array): void {
  const p = createPrando(halfToSeed(half));
  for (let k = 0; k < out.length; k += 2) {
    out[k] = 0;
    out[k + 1] = prandoState32(p);
  }
}

/**
 * The {@linkcode SessionFill} of the real session streams of a dataset seed.
 *
 * @param mode `combined` (pair state) or `single` (one prando seeded from the high half).
 * @param seed Dataset seed, an integer in [0, 2^53 − 1].
 * @returns A fill writing session i's states from `unitKey(seed, streamId("session"), i)`.
 * @throws {RangeError} When `seed` is not a valid dataset seed.
 */
export function sessionFill(mode: Mode, seed: number): SessionFill {
  assertSeed(seed);
  const stream = streamId("session");
  return mode === "combined"
    ? (session, out) => {
      const [hi, lo] = unitKey(seed, stream, session);
      combinedStates(hi, lo, out);
    }
    : (session, out) => {
      const [hi] = unitKey(seed, stream, session);
      singleStates(hi, out);
    };
}

/** The parsed command line. */
export interface Options {
  /** Number of sessions, ≥ 1. */
  sessions: number;
  /** Draws per session, ≥ 1. */
  draws: number;
  /** Dataset seed. */
  seed: number;
  /** Modes to run, in order. */
  modes: Mode[];
  /** `--help` was given. */
  help: boolean;
}

/** The `--help` text. */
export const HELP =
  `state_reuse: count reused random states across sessions (docs/design.md §4.5).

Usage:
  deno run -A tools/state_reuse.ts [options]

Options:
  --sessions N   sessions, integer 1..2147483647 (default 1000000)
  --draws D      draws per session, integer >= 1 (default 100)
  --seed S       dataset seed, integer 0..9007199254740991 (default 20251130)
  --mode M       combined | single | both (default both)
                   combined: two prando per session, state = the 64-bit pair (the real design)
                   single:   one prando per session seeded from the high key half, 32-bit state
  -h, --help     show this help

Reports per mode: draws; distinct states; reused draws (state already drawn by an
earlier draw, any session); within-session repeats; shared draws (state also drawn
by another session, every occurrence counted); sessions touched (sessions with a
shared draw); wall time. Memory: about 8 bytes per draw.
Exit codes: 0 success, 2 usage error.
`;

/**
 * Parse the command line (strict: unknown flags and missing values are errors).
 *
 * @param args Arguments after the script name.
 * @throws {TypeError} On an unknown flag or a missing value (from `parseArgs`).
 * @throws {RangeError} On a value out of range or not an integer.
 */
export function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      sessions: { type: "string", default: "1000000" },
      draws: { type: "string", default: "100" },
      seed: { type: "string", default: "20251130" },
      mode: { type: "string", default: "both" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const mode = values.mode;
  if (mode !== "both" && !(MODES as readonly string[]).includes(mode)) {
    throw new RangeError(
      `Invalid value for --mode: expected combined, single or both, received "${mode}"`,
    );
  }
  return {
    sessions: parseInteger("sessions", values.sessions, 1, MAX_SESSIONS),
    draws: parseInteger("draws", values.draws, 1, Number.MAX_SAFE_INTEGER),
    seed: parseInteger("seed", values.seed, 0, Number.MAX_SAFE_INTEGER),
    modes: mode === "both" ? [...MODES] : [mode as Mode],
    help: values.help,
  };
}

/** One mode's counts and the wall time they took, in milliseconds. */
export interface Measurement {
  mode: Mode;
  counts: ReuseCounts;
  wallMs: number;
}

/**
 * Render measurements as a plain-text table, one column per mode.
 *
 * @param results Measurements to show.
 * @returns The table, lines separated by "\n", with a trailing newline.
 */
export function formatTable(results: Measurement[]): string {
  const int = (n: number) => n.toLocaleString("en-US");
  const pct = (n: number, d: number) =>
    `${int(n)} (${(100 * n / d).toFixed(3)}%)`;
  const rows: [string, (m: Measurement) => string][] = [
    ["sessions", (m) => int(m.counts.sessions)],
    ["draws per session", (m) => int(m.counts.drawsPerSession)],
    ["draws", (m) => int(m.counts.draws)],
    ["distinct states", (m) => int(m.counts.distinctStates)],
    ["reused draws", (m) => pct(m.counts.reusedDraws, m.counts.draws)],
    [
      "  of an earlier session",
      (m) => pct(m.counts.crossSessionReusedDraws, m.counts.draws),
    ],
    [
      "  earlier in same session",
      (m) => pct(m.counts.withinSessionRepeats, m.counts.draws),
    ],
    ["shared draws", (m) => pct(m.counts.sharedDraws, m.counts.draws)],
    [
      "sessions reusing",
      (m) => pct(m.counts.sessionsReusing, m.counts.sessions),
    ],
    [
      "sessions sharing",
      (m) => pct(m.counts.sessionsSharing, m.counts.sessions),
    ],
    ["wall time (s)", (m) => (m.wallMs / 1000).toFixed(1)],
  ];
  const cells = [
    ["", ...results.map((m) => m.mode)],
    ...rows.map(([label, f]) => [label, ...results.map(f)]),
  ];
  const widths = cells[0].map((_, c) =>
    Math.max(...cells.map((r) => r[c].length))
  );
  return cells.map((r) =>
    r.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])
    )
      .join("  ").trimEnd()
  ).join("\n") + "\n";
}

function main(args: string[]): number {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (e) {
    console.error(
      `state_reuse: ${(e as Error).message}\nRun with --help for usage.`,
    );
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const { sessions, draws, seed } = options;
  console.log(
    `seed ${seed}, ${
      sessions.toLocaleString("en-US")
    } sessions × ${draws} draws`,
  );
  const results: Measurement[] = [];
  for (const mode of options.modes) {
    const start = performance.now();
    const counts = countReuse(sessions, draws, sessionFill(mode, seed));
    results.push({ mode, counts, wallMs: performance.now() - start });
  }
  console.log(formatTable(results));
  return 0;
}

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
