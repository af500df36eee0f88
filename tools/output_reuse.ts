/**
 * Count repeated windows of consecutive outputs across units: what users of the
 * data would see when two sessions draw the same values.
 *
 * What it measures. Every unit (session `i` by default) draws `draws` raw 32-bit
 * outputs from its stream. A *window* is `window` consecutive outputs of one unit
 * (draws k .. k + window − 1); with 4 outputs a window is 128 bits, so among
 * 10^9 windows of a good generator a repeat has probability about 10^18 / 2^129,
 * i.e. never. A repeated window means two draw sequences coincide, which in the
 * data is two sessions sharing a run of values (and, at draw 0, a duplicate
 * session). Designs:
 *
 * - `stream`: the real design, `RandomStream.nextUint32()` of
 *   `StreamFactory(seed).stream(name, i)`;
 * - `xor`: the former design, the XOR of two prando states seeded from the key
 *   halves. Kept here only to show the tool detects it: prando's step is linear
 *   over GF(2), so that XOR is one prando stream seeded with the XOR of the halves,
 *   with a single 31-bit generator's reuse.
 *
 * Reported (see {@linkcode WindowCounts}): distinct windows; reused windows
 * (equal to an earlier window, of an earlier unit or earlier in the same unit);
 * those of an earlier unit; units reusing (with a window an earlier unit drew);
 * units sharing (with a window any other unit drew); units whose first window
 * (draws 0..window − 1) an earlier unit also opened with.
 *
 * How. Each window is hashed to 64 bits (two MurmurHash3-style 32-bit hashes with
 * different seeds). With `passes` P, pass p keeps only the hashes whose top bits
 * equal p, so memory is about 8 / P bytes per window; each pass regenerates every
 * unit. The hashes of a pass are sorted in place and hashes that occur more than
 * once become candidates. A last pass regenerates the units, keeps the windows
 * whose hash is a candidate, and compares their values exactly, so a 64-bit hash
 * collision between different windows is never counted.
 *
 * Run (no permissions needed):
 *
 * ```sh
 * deno run tools/output_reuse.ts --units 1000000 --draws 100 --design both
 * deno run --v8-flags=--max-old-space-size=4096 tools/output_reuse.ts --units 10000000 --passes 4 --design stream
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseInteger } from "./integer_flag.ts";
import { createPrando, prandoState32 } from "../lib/random/prando_source.ts";
import { halfToSeed, StreamFactory } from "../lib/random/stream.ts";
import { assertSeed, streamId, unitKey } from "../lib/random/unit_key.ts";
import { RepeatTable } from "./state_reuse.ts";

/** The stream designs the tool measures. */
export const DESIGNS = ["stream", "xor"] as const;
/** One design: `stream` (the real `RandomStream`) or `xor` (the former XOR pair). */
export type Design = typeof DESIGNS[number];

/**
 * Writes the raw outputs of one unit.
 *
 * @param unit Unit index, an integer in [0, units − 1].
 * @param out Buffer of length `draws` to overwrite with unsigned 32-bit outputs.
 *   Must write the same values every time it is called for the same unit.
 */
export type UnitFill = (unit: number, out: Uint32Array) => void;

/** Counts of one measurement; all are numbers of windows or units. */
export interface WindowCounts {
  /** Units measured. */
  units: number;
  /** Draws per unit. */
  drawsPerUnit: number;
  /** Outputs per window. */
  window: number;
  /** All windows: units × (drawsPerUnit − window + 1). */
  windows: number;
  /** Distinct windows (compared exactly, value by value). */
  distinctWindows: number;
  /** Windows equal to an earlier window (any unit): windows − distinctWindows. */
  reusedWindows: number;
  /** Windows equal to a window of an earlier unit (a subset of reusedWindows). */
  crossUnitReusedWindows: number;
  /** Units with at least one window an earlier unit also drew. */
  unitsReusing: number;
  /** Units with at least one window some other unit, earlier or later, also drew. */
  unitsSharing: number;
  /** Units whose first window equals the first window of an earlier unit. */
  unitsRepeatingStart: number;
  /** Distinct 64-bit window hashes seen more than once (candidates checked exactly). */
  hashCandidates: number;
}

/** True when typed arrays store the low-order byte first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;
const LO_WORD = 1 - HI_WORD;
/** Largest unit count: unit indices are kept in Int32Array. */
const MAX_UNITS = 2147483647;
/** Seeds of the two window hashes (any two fixed constants do). */
const HASH_SEED_1 = 0x243f6a88;
const HASH_SEED_2 = 0x85a308d3;

/** MurmurHash3 x86_32 of `len` words of `v` from `at`, with `seed`. */
function hashWords(v: Uint32Array, at: number, len: number, seed: number) {
  let h = seed;
  for (let i = at; i < at + len; i++) {
    let k = Math.imul(v[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= 4 * len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Count repeated windows of `window` consecutive outputs over `units` units of
 * `draws` draws each.
 *
 * Calls `fill` once per unit per pass (`passes` hash passes, then one exact pass
 * when some hash occurs twice), always in index order.
 *
 * @param units Number of units, an integer in [1, 2^31 − 1].
 * @param draws Draws per unit, an integer in [window, 2^31 − 1].
 * @param window Outputs per window, an integer ≥ 1.
 * @param fill Writes one unit's outputs (see {@linkcode UnitFill}).
 * @param passes Hash passes, a power of two from 1 to 256: memory is about
 *   8 × windows / passes bytes.
 * @returns The counts, see {@linkcode WindowCounts}.
 * @throws {RangeError} On a count out of range, or when a pass's hashes do not fit
 *   in one `BigUint64Array`.
 */
export function countWindowReuse(
  units: number,
  draws: number,
  window: number,
  fill: UnitFill,
  passes = 1,
): WindowCounts {
  if (!Number.isInteger(units) || units < 1 || units > MAX_UNITS) {
    throw new RangeError(
      `Cannot count windows: units must be an integer from 1 to ${MAX_UNITS}, received ${units}`,
    );
  }
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `Cannot count windows: window must be an integer >= 1, received ${window}`,
    );
  }
  if (!Number.isInteger(draws) || draws < window || draws > MAX_UNITS) {
    throw new RangeError(
      `Cannot count windows: draws must be an integer from the window (${window}) to ${MAX_UNITS}, received ${draws}`,
    );
  }
  if (![1, 2, 4, 8, 16, 32, 64, 128, 256].includes(passes)) {
    throw new RangeError(
      `Cannot count windows: passes must be a power of two from 1 to 256, received ${passes}`,
    );
  }
  const perUnit = draws - window + 1;
  const total = units * perUnit;
  const shift = 32 - Math.log2(passes);
  const out = new Uint32Array(draws);

  // Hash passes: collect the hashes occurring more than once.
  let candidates = new Uint32Array(1024);
  let nCandidates = 0;
  for (let pass = 0; pass < passes; pass++) {
    let capacity = Math.ceil(total / passes * 1.02) + 4096;
    let keys = new BigUint64Array(Math.min(capacity, total));
    let words = new Uint32Array(keys.buffer);
    let n = 0;
    for (let u = 0; u < units; u++) {
      fill(u, out);
      for (let k = 0; k < perUnit; k++) {
        const h1 = hashWords(out, k, window, HASH_SEED_1);
        if (passes > 1 && h1 >>> shift !== pass) continue;
        if (n === keys.length) {
          capacity = Math.min(total, Math.ceil(keys.length * 1.5));
          const grown = new BigUint64Array(capacity);
          grown.set(keys);
          keys = grown;
          words = new Uint32Array(keys.buffer);
        }
        words[2 * n + HI_WORD] = h1;
        words[2 * n + LO_WORD] = hashWords(out, k, window, HASH_SEED_2);
        n++;
      }
    }
    const sorted = keys.subarray(0, n).sort();
    const sw = new Uint32Array(sorted.buffer, 0, 2 * n);
    for (let i = 1; i < n; i++) {
      const same = sw[2 * i] === sw[2 * i - 2] &&
        sw[2 * i + 1] === sw[2 * i - 1];
      const startsRun = i === 1 || sw[2 * i - 2] !== sw[2 * i - 4] ||
        sw[2 * i - 1] !== sw[2 * i - 3];
      if (same && startsRun) {
        if (2 * nCandidates + 2 > candidates.length) {
          const grown = new Uint32Array(2 * candidates.length);
          grown.set(candidates);
          candidates = grown;
        }
        candidates[2 * nCandidates] = sw[2 * i + HI_WORD];
        candidates[2 * nCandidates + 1] = sw[2 * i + LO_WORD];
        nCandidates++;
      }
    }
  }
  const counts: WindowCounts = {
    units,
    drawsPerUnit: draws,
    window,
    windows: total,
    distinctWindows: total,
    reusedWindows: 0,
    crossUnitReusedWindows: 0,
    unitsReusing: 0,
    unitsSharing: 0,
    unitsRepeatingStart: 0,
    hashCandidates: nCandidates,
  };
  if (nCandidates === 0) return counts;

  // Exact pass: every window whose hash is a candidate, with its unit and offset.
  const table = new RepeatTable(nCandidates);
  for (let c = 0; c < nCandidates; c++) {
    table.add(candidates[2 * c], candidates[2 * c + 1], 0);
  }
  const row = window + 2; // unit, offset, values
  let rows = new Uint32Array(row * 1024);
  let nRows = 0;
  for (let u = 0; u < units; u++) {
    fill(u, out);
    for (let k = 0; k < perUnit; k++) {
      const h1 = hashWords(out, k, window, HASH_SEED_1);
      const h2 = hashWords(out, k, window, HASH_SEED_2);
      if (table.find(h1, h2) < 0) continue;
      if ((nRows + 1) * row > rows.length) {
        const grown = new Uint32Array(2 * rows.length);
        grown.set(rows);
        rows = grown;
      }
      const at = nRows * row;
      rows[at] = u;
      rows[at + 1] = k;
      rows.set(out.subarray(k, k + window), at + 2);
      nRows++;
    }
  }
  const order = new Uint32Array(nRows).map((_, i) => i);
  const compareValues = (a: number, b: number): number => {
    for (let j = 2; j < row; j++) {
      const d = rows[a * row + j] - rows[b * row + j];
      if (d !== 0) return d;
    }
    return 0;
  };
  order.sort((a, b) =>
    compareValues(a, b) || rows[a * row] - rows[b * row] ||
    rows[a * row + 1] - rows[b * row + 1]
  );
  const REUSING = 1, SHARING = 2, START = 4;
  const flags = new Map<number, number>();
  const flag = (u: number, f: number) => flags.set(u, (flags.get(u) ?? 0) | f);
  let reused = 0, cross = 0;
  for (let i = 0; i < nRows;) {
    let j = i + 1;
    while (j < nRows && compareValues(order[i], order[j]) === 0) j++;
    // order[i..j) hold one window value, sorted by unit then offset.
    reused += j - i - 1;
    const firstUnit = rows[order[i] * row];
    const lastUnit = rows[order[j - 1] * row];
    let firstStartUnit = -1;
    for (let m = i; m < j; m++) {
      const u = rows[order[m] * row];
      if (u !== firstUnit) {
        cross++;
        flag(u, REUSING);
      }
      if (firstUnit !== lastUnit) flag(u, SHARING);
      if (rows[order[m] * row + 1] === 0) {
        if (firstStartUnit >= 0 && u !== firstStartUnit) flag(u, START);
        else if (firstStartUnit < 0) firstStartUnit = u;
      }
    }
    i = j;
  }
  counts.distinctWindows = total - reused;
  counts.reusedWindows = reused;
  counts.crossUnitReusedWindows = cross;
  for (const f of flags.values()) {
    if (f & REUSING) counts.unitsReusing++;
    if (f & SHARING) counts.unitsSharing++;
    if (f & START) counts.unitsRepeatingStart++;
  }
  return counts;
}

/**
 * Write the outputs of the former XOR design for key halves `hi`, `lo`: draw k is
 * the XOR of the 32-bit states of two prando generators seeded from the halves.
 * Only for showing that {@linkcode countWindowReuse} detects that design's reuse.
 *
 * @param hi High key half, unsigned 32-bit.
 * @param lo Low key half, unsigned 32-bit.
 * @param out Buffer to fill, one unsigned 32-bit output per element.
 */
export function xorOutputs(hi: number, lo: number, out: Uint32Array): void {
  const a = createPrando(halfToSeed(hi));
  const b = createPrando(halfToSeed(lo));
  for (let k = 0; k < out.length; k++) {
    out[k] = (prandoState32(a) ^ prandoState32(b)) >>> 0;
  }
}

/**
 * The {@linkcode UnitFill} of the units of one stream name of a dataset seed.
 *
 * @param design `stream` (the real `RandomStream`) or `xor` (the former design).
 * @param seed Dataset seed, an integer in [0, 2^53 − 1].
 * @param name Stream name, e.g. "session".
 * @returns A fill writing unit i's outputs from `unitKey(seed, streamId(name), i)`.
 * @throws {RangeError} When `seed` is not a valid dataset seed.
 */
export function unitFill(design: Design, seed: number, name: string): UnitFill {
  assertSeed(seed);
  if (design === "stream") {
    const streams = new StreamFactory(seed);
    return (unit, out) => {
      const rng = streams.stream(name, unit);
      for (let k = 0; k < out.length; k++) out[k] = rng.nextUint32();
    };
  }
  const id = streamId(name);
  return (unit, out) => {
    const [hi, lo] = unitKey(seed, id, unit);
    xorOutputs(hi, lo, out);
  };
}

/** The parsed command line. */
export interface Options {
  /** Number of units, ≥ 1. */
  units: number;
  /** Draws per unit, ≥ window. */
  draws: number;
  /** Outputs per window, ≥ 1. */
  window: number;
  /** Dataset seed. */
  seed: number;
  /** Stream name. */
  stream: string;
  /** Designs to run, in order. */
  designs: Design[];
  /** Hash passes, a power of two. */
  passes: number;
  /** `--help` was given. */
  help: boolean;
}

/** The `--help` text. */
export const HELP =
  `output_reuse: count repeated windows of consecutive outputs across units.

Usage:
  deno run tools/output_reuse.ts [options]

Options:
  --units N      units (sessions), integer 1..2147483647 (default 1000000)
  --draws D      draws per unit, integer >= window (default 100)
  --window W     outputs per window, integer 1..64 (default 4)
  --seed S       dataset seed, integer 0..9007199254740991 (default 20251130)
  --stream NAME  stream name (default session)
  --design D     stream | xor | both (default both)
                   stream: the real RandomStream (two prando + Weyl counter, summed)
                   xor:    the former design, XOR of two prando states (flagged)
  --passes P     hash passes, power of two 1..256 (default 1); memory about
                 8 bytes per window / P, time about P + 1 generations
  -h, --help     show this help

Exit codes: 0 success, 2 usage error.
`;

/**
 * Parse the command line (strict: unknown flags and missing values are errors).
 *
 * @param args Arguments after the script name.
 * @returns The options, see {@linkcode Options}.
 * @throws {TypeError} On an unknown flag or a missing value (from `parseArgs`).
 * @throws {RangeError} On a value out of range or not an integer.
 */
export function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      units: { type: "string", default: "1000000" },
      draws: { type: "string", default: "100" },
      window: { type: "string", default: "4" },
      seed: { type: "string", default: "20251130" },
      stream: { type: "string", default: "session" },
      design: { type: "string", default: "both" },
      passes: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const design = values.design;
  if (design !== "both" && !(DESIGNS as readonly string[]).includes(design)) {
    throw new RangeError(
      `Invalid value for --design: expected stream, xor or both, received "${design}"`,
    );
  }
  const window = parseInteger("window", values.window, 1, 64);
  const passes = parseInteger("passes", values.passes, 1, 256);
  if ((passes & (passes - 1)) !== 0) {
    throw new RangeError(
      `Invalid value for --passes: expected a power of two, received "${values.passes}"`,
    );
  }
  if (values.stream === "") {
    throw new RangeError(`Invalid value for --stream: received ""`);
  }
  return {
    units: parseInteger("units", values.units, 1, MAX_UNITS),
    draws: parseInteger("draws", values.draws, window, MAX_UNITS),
    window,
    seed: parseInteger("seed", values.seed, 0, Number.MAX_SAFE_INTEGER),
    stream: values.stream,
    designs: design === "both" ? [...DESIGNS] : [design as Design],
    passes,
    help: values.help,
  };
}

/** One design's counts and the wall time they took, in milliseconds. */
export interface Measurement {
  /** The design measured. */
  design: Design;
  /** Its counts. */
  counts: WindowCounts;
  /** Wall time, milliseconds. */
  wallMs: number;
}

/**
 * Render measurements as a plain-text table, one column per design.
 *
 * @param results Measurements to show.
 * @returns The table, lines separated by "\n", with a trailing newline.
 */
export function formatTable(results: Measurement[]): string {
  const int = (n: number) => n.toLocaleString("en-US");
  const pct = (n: number, d: number) =>
    `${int(n)} (${(100 * n / d).toFixed(3)}%)`;
  const rows: [string, (m: Measurement) => string][] = [
    ["units", (m) => int(m.counts.units)],
    ["draws per unit", (m) => int(m.counts.drawsPerUnit)],
    ["outputs per window", (m) => int(m.counts.window)],
    ["windows", (m) => int(m.counts.windows)],
    ["distinct windows", (m) => int(m.counts.distinctWindows)],
    ["reused windows", (m) => pct(m.counts.reusedWindows, m.counts.windows)],
    [
      "  of an earlier unit",
      (m) => pct(m.counts.crossUnitReusedWindows, m.counts.windows),
    ],
    ["units reusing", (m) => pct(m.counts.unitsReusing, m.counts.units)],
    ["units sharing", (m) => pct(m.counts.unitsSharing, m.counts.units)],
    [
      "units repeating a start",
      (m) => pct(m.counts.unitsRepeatingStart, m.counts.units),
    ],
    ["hash candidates", (m) => int(m.counts.hashCandidates)],
    ["wall time (s)", (m) => (m.wallMs / 1000).toFixed(1)],
  ];
  const cells = [
    ["", ...results.map((m) => m.design)],
    ...rows.map(([label, f]) => [label, ...results.map(f)]),
  ];
  const widths = cells[0].map((_, c) =>
    Math.max(...cells.map((r) => r[c].length))
  );
  return cells.map((r) =>
    r.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])
    ).join("  ").trimEnd()
  ).join("\n") + "\n";
}

function main(args: string[]): number {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (e) {
    console.error(
      `output_reuse: ${(e as Error).message}\nRun with --help for usage.`,
    );
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const { units, draws, window, seed, stream, passes } = options;
  console.log(
    `seed ${seed}, stream "${stream}", ${
      units.toLocaleString("en-US")
    } units × ${draws} draws, windows of ${window}, ${passes} pass(es)`,
  );
  const results: Measurement[] = [];
  for (const design of options.designs) {
    const start = performance.now();
    const counts = countWindowReuse(
      units,
      draws,
      window,
      unitFill(design, seed, stream),
      passes,
    );
    results.push({ design, counts, wallMs: performance.now() - start });
  }
  console.log(formatTable(results));
  return 0;
}

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
