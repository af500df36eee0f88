/**
 * Write raw 32-bit outputs of chatsynth's random streams to stdout, little-endian,
 * for statistical test suites that read a raw binary stream (dieharder `-g 200`).
 *
 * Two orders:
 *
 * - `unit`: every output of one unit's stream (`--unit I`), in draw order;
 * - `interleaved`: draw j of units 0, 1, 2, …: units are taken in blocks of
 *   `--units U`; within a block, draw 0 of every unit, then draw 1 of every unit,
 *   up to draw `--draws D` − 1, then the next block. This is the stream an
 *   analysis across sessions sees.
 *
 * Values are `RandomStream.nextUint32()`, the integers behind every uniform the
 * generator uses. Output stops at `--count` values, or when the reader closes the
 * pipe (exit 0).
 *
 * ```sh
 * deno run tools/raw_stream.ts --mode unit | dieharder -g 200 -d 0
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseInteger } from "./integer_flag.ts";
import { type RandomStream, StreamFactory } from "../lib/random/stream.ts";
import { assertSeed } from "../lib/random/unit_key.ts";

/** The parsed command line. */
export interface Options {
  /** `unit` (one stream) or `interleaved` (draw j across units). */
  mode: "unit" | "interleaved";
  /** Dataset seed. */
  seed: number;
  /** Stream name. */
  stream: string;
  /** Unit index in `unit` mode. */
  unit: number;
  /** Units per block in `interleaved` mode. */
  units: number;
  /** Draws per unit in `interleaved` mode. */
  draws: number;
  /** Values to write; Infinity for no limit. */
  count: number;
  /** `--help` was given. */
  help: boolean;
}

/** The `--help` text. */
export const HELP =
  `raw_stream: write raw 32-bit little-endian outputs of chatsynth's streams to stdout.

Usage:
  deno run tools/raw_stream.ts [options] | dieharder -g 200 -a

Options:
  --mode M       unit | interleaved (default unit)
  --seed S       dataset seed, integer 0..9007199254740991 (default 20251130)
  --stream NAME  stream name (default session)
  --unit I       unit index in unit mode (default 0)
  --units U      units per block in interleaved mode (default 10000)
  --draws D      draws per unit in interleaved mode (default 100)
  --count N      values to write (default: until the reader closes the pipe)
  -h, --help     show this help

Exit codes: 0 success (also when the reader closes the pipe), 2 usage error.
`;

/**
 * Parse the command line (strict: unknown flags and missing values are errors).
 *
 * @param args Arguments after the script name.
 * @returns The options, see {@linkcode Options}.
 * @throws {TypeError} On an unknown flag or a missing value (from `parseArgs`).
 * @throws {RangeError} On a value out of range.
 */
export function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      mode: { type: "string", default: "unit" },
      seed: { type: "string", default: "20251130" },
      stream: { type: "string", default: "session" },
      unit: { type: "string", default: "0" },
      units: { type: "string", default: "10000" },
      draws: { type: "string", default: "100" },
      count: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.mode !== "unit" && values.mode !== "interleaved") {
    throw new RangeError(
      `Invalid value for --mode: expected unit or interleaved, received "${values.mode}"`,
    );
  }
  const seed = parseInteger("seed", values.seed, 0);
  assertSeed(seed);
  return {
    mode: values.mode,
    seed,
    stream: values.stream,
    unit: parseInteger("unit", values.unit, 0),
    units: parseInteger("units", values.units, 1),
    draws: parseInteger("draws", values.draws, 1),
    count: values.count === undefined
      ? Infinity
      : parseInteger("count", values.count, 0),
    help: values.help,
  };
}

/**
 * The values of one order, generated lazily in chunks.
 *
 * @param o Parsed options (mode, seed, stream, unit, units, draws).
 * @returns An endless iterator of filled chunks (the same buffer each time), each
 *   holding the next 16,384 values in order.
 */
export function* chunks(
  o: Pick<Options, "mode" | "seed" | "stream" | "unit" | "units" | "draws">,
): Generator<Uint32Array> {
  const buf = new Uint32Array(16384);
  const streams = new StreamFactory(o.seed);
  let n = 0;
  if (o.mode === "unit") {
    const rng = streams.stream(o.stream, o.unit);
    for (;;) {
      for (let i = 0; i < buf.length; i++) buf[i] = rng.nextUint32();
      yield buf;
    }
  }
  for (let first = 0;; first += o.units) {
    const block: RandomStream[] = [];
    for (let u = 0; u < o.units; u++) {
      block.push(streams.stream(o.stream, first + u));
    }
    for (let j = 0; j < o.draws; j++) {
      for (const rng of block) {
        buf[n++] = rng.nextUint32();
        if (n === buf.length) {
          yield buf;
          n = 0;
        }
      }
    }
  }
}

function main(args: string[]): number {
  let o: Options;
  try {
    o = parseOptions(args);
  } catch (e) {
    console.error(
      `raw_stream: ${(e as Error).message}\nRun with --help for usage.`,
    );
    return 2;
  }
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  let left = o.count;
  try {
    for (const c of chunks(o)) {
      if (left <= 0) break;
      const take = Math.min(c.length, left);
      // Typed arrays are little-endian on every platform Deno ships for.
      const bytes = new Uint8Array(c.buffer, 0, 4 * take);
      for (let at = 0; at < bytes.length;) {
        at += Deno.stdout.writeSync(bytes.subarray(at));
      }
      left -= take;
    }
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    throw e;
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
