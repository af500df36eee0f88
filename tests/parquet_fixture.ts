/**
 * Hand-built tables and row batches for the Parquet encoding tests, and a runner
 * that writes them. Run as a program it writes the probe table to the file named by
 * its first argument (row groups of the size given as the second, if any), so a
 * test can write the same rows in a child process with another time zone and locale:
 *
 * ```sh
 * deno run -A tests/parquet_fixture.ts /tmp/probe.parquet 1000
 * ```
 */
import { RowBatch } from "../lib/schema/row_batch.ts";
import { col, type Table } from "../lib/schema/table.ts";
import {
  parquetEncoding,
  type ParquetOptions,
} from "../lib/encoding/parquet.ts";
import { SharedResourcePool } from "../lib/encoding/shared.ts";
import type { EncodingTarget } from "../lib/encoding/encoding.ts";
import { runStepsAsync } from "../lib/steps.ts";
import type { SinkResult } from "../lib/sink/file_sink.ts";

/** A table with every column type and variant the schema has. */
export const PROBE: Table = {
  name: "probe",
  grain: "One probe row.",
  columns: [
    col.int("id", "Row number"),
    { ...col.int("big", "Large integer"), int64: true },
    col.num("score", 4, "Four decimals, DECIMAL(5,4)"),
    col.num("delta", 1, "One decimal, DECIMAL(2,1)"),
    { ...col.num("amount", 2, "Wide decimal"), precision: 12 },
    col.bool("flag", "A flag"),
    col.date("day", "A date"),
    col.ts("at", "A UTC instant"),
    { ...col.ts("local_at", "A wall-clock time"), wallClock: true },
    col.str("note", "Free text"),
    col.str("country", "Dictionary text"),
  ],
  primaryKey: ["id"],
  foreignKeys: [],
};

/**
 * Hand-written datetime cases: a UTC instant, the offset in minutes east, and the
 * local wall-clock time there (worked out by hand, not by code).
 */
export const CLOCKS: { utc: string; offset: number; local: string }[] = [
  {
    utc: "2025-03-11T16:17:24.936Z",
    offset: -300,
    local: "2025-03-11T11:17:24.936",
  },
  {
    utc: "2025-01-01T00:00:00.000Z",
    offset: 330,
    local: "2025-01-01T05:30:00.000",
  },
  {
    utc: "2024-12-31T23:59:59.999Z",
    offset: 840,
    local: "2025-01-01T13:59:59.999",
  },
  {
    utc: "1969-12-31T23:59:59.001Z",
    offset: -720,
    local: "1969-12-31T11:59:59.001",
  },
  {
    utc: "2000-02-29T12:00:00.000Z",
    offset: 0,
    local: "2000-02-29T12:00:00.000",
  },
];

/** Free texts: separators, quotes, line breaks, multi-byte UTF-8, empty. */
export const NOTES = [
  "plain",
  "a, b",
  'say "hi"',
  "line\nbreak\r\nand\ttab",
  "é 한국어 😀",
  "三輪 café 🚲🇫🇷 naïve",
  "trailing newline\n",
  '"""',
  "",
  "'single' and \\ backslash",
  "x".repeat(300),
];

/** The dictionary of `country`, with duplicates (a region per country, say). */
export const COUNTRIES = [
  "Europe",
  "Asia",
  "Europe",
  "Americas",
  "Asia",
  "Oceania",
];

/** Dates as day numbers, with the date each is (by hand). */
export const DAYS: [number, string][] = [
  [0, "1970-01-01"],
  [-1, "1969-12-31"],
  [20_089, "2025-01-01"],
  [11_016, "2000-02-29"],
];

/** Unscaled `score` values (1e-4 units): 0.1234, −0.0001, ±9.9999, 0, 1. */
export const SCORES = [1234, -1, 99_999, -99_999, 0, 10_000];
/** Unscaled `delta` values (0.1 units): −9.9..9.9. */
export const DELTAS = [-99, -1, 0, 5, 99];
/** Unscaled `amount` values (0.01 units), up to 12 digits. */
export const AMOUNTS = [-999_999_999_999, 123_456_789_012, -5, 0, 1];
/** `big` values, up to 2^53 − 1 in magnitude. */
export const BIGS = [
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  -1,
  -(2 ** 32),
  -1_234_567_890_123,
];

/** Fill rows `from..from + n − 1` of the probe table into a new batch. */
export function probeBatch(
  from: number,
  n: number,
  dictionary = true,
  dict: readonly string[] = COUNTRIES,
): RowBatch {
  const b = new RowBatch(PROBE, n, dictionary ? { country: dict } : {});
  for (let r = 0; r < n; r++) {
    const k = from + r;
    const clock = CLOCKS[k % CLOCKS.length];
    b.numbers[0]![r] = k;
    b.numbers[1]![r] = BIGS[k % BIGS.length];
    b.numbers[2]![r] = SCORES[k % SCORES.length];
    b.numbers[3]![r] = DELTAS[k % DELTAS.length];
    b.numbers[4]![r] = AMOUNTS[k % AMOUNTS.length];
    b.flags[5]![r] = k % 3 === 0 ? 1 : 0;
    b.numbers[6]![r] = DAYS[k % DAYS.length][0];
    b.numbers[7]![r] = Date.parse(clock.utc);
    b.numbers[8]![r] = Date.parse(clock.utc);
    b.offsets[8]![r] = clock.offset;
    b.texts[9]![r] = NOTES[k % NOTES.length];
    if (dictionary) b.codes[10]![r] = k % dict.length;
    else b.texts[10]![r] = dict[k % dict.length];
  }
  b.length = n;
  return b;
}

/**
 * The probe rows of the tests: 5,000 rows in batches of 3,000 and 2,000 (the same
 * dictionary array in both, as a file's dictionary column requires).
 */
export function probeBatches(dictionary = true): RowBatch[] {
  return [probeBatch(0, 3000, dictionary), probeBatch(3000, 2000, dictionary)];
}

/** A target writing `names` into `dir`; no line sinks. */
export function fileTarget(
  dir: string,
  shared: SharedResourcePool,
): EncodingTarget {
  return {
    lines: () => {
      throw new Error("Line sinks are not used by Parquet");
    },
    files: (names) => names.map((n) => `${dir}/${n}`),
    shared,
  };
}

/**
 * Write `batches` of `table` to `dir/names[0]` (and copies) with a fresh shared
 * resource pool (the ZSTD worker), released afterwards.
 */
export async function writeParquet(
  table: Table,
  batches: RowBatch[],
  dir: string,
  names: string[],
  options: ParquetOptions = {},
): Promise<SinkResult> {
  const shared = new SharedResourcePool();
  try {
    const enc = await runStepsAsync(
      parquetEncoding(options).open(table, names, fileTarget(dir, shared)),
    );
    for (const b of batches) enc.write(b);
    return await runStepsAsync(enc.close());
  } finally {
    shared.releaseAll();
  }
}

if (import.meta.main) {
  const [path, groupRows] = Deno.args;
  const slash = path.lastIndexOf("/");
  const r = await writeParquet(
    PROBE,
    probeBatches(),
    path.slice(0, slash),
    [path.slice(slash + 1)],
    groupRows ? { rowGroupSize: Number(groupRows) } : {},
  );
  console.log(r.sha256);
}
