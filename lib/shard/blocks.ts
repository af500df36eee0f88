/**
 * Blocks and parts: how a dataset's rows are cut so that any split of the work gives
 * the same files (docs/design.md §12).
 *
 * Every table is a sequence of *blocks*: {@linkcode SESSION_BLOCK} sessions for the
 * session-grain tables (a session's facts and turns stay together), and
 * {@linkcode ROW_BLOCK} rows for the dimensions and users. A Parquet row group never
 * spans two blocks, so the files of parts holding whole blocks concatenate into the
 * single run's file. Part K of N (1-based) holds blocks ⌈B·(K−1)/N⌉ to ⌈B·K/N⌉ − 1 of
 * each table of B blocks: contiguous, disjoint, covering, and as even as whole blocks
 * allow (with N > B some parts hold none of a table). Within a block, work is done in
 * *units* of {@linkcode UNIT} rows (sessions or users), the grain of workers, steps
 * and progress.
 *
 * @module
 */

/** Sessions per block of the session-grain tables (fact_session, fact_turn, raw turns). */
export const SESSION_BLOCK = 8192;
/** Rows per block of the dimensions (users included). */
export const ROW_BLOCK = 122_880;
/** Users or sessions per unit of work; divides both block sizes. */
export const UNIT = 1024;

/** Part `index` of `count` (1-based), as `--shard K/N` gives it. */
export interface Part {
  /** Which part, 1..count. */
  index: number;
  /** How many parts, ≥ 1. */
  count: number;
}

/** Most parts a dataset may be split into (`--shard K/N`). */
export const MAX_PARTS = 100_000;

/** The whole dataset as one part. */
export const WHOLE: Part = { index: 1, count: 1 };

/**
 * Rows `[from, to)` of a table of `rows` rows in blocks of `block` that part `part`
 * holds.
 *
 * @param rows Rows (or sessions) of the table, count ≥ 0.
 * @param block Rows per block, ≥ 1.
 * @returns `[from, to]`, with from ≤ to; from = to when the part holds none.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * // 3 blocks over 4 parts: parts 1..3 hold one block each, part 4 none.
 * deepStrictEqual(partRows(25, 10, { index: 1, count: 4 }), [0, 10]);
 * deepStrictEqual(partRows(25, 10, { index: 3, count: 4 }), [20, 25]);
 * deepStrictEqual(partRows(25, 10, { index: 4, count: 4 }), [25, 25]);
 * ```
 */
export function partRows(
  rows: number,
  block: number,
  part: Part,
): [number, number] {
  const blocks = Math.ceil(rows / block);
  const first = Math.ceil(blocks * (part.index - 1) / part.count);
  const end = Math.ceil(blocks * part.index / part.count);
  return [Math.min(rows, first * block), Math.min(rows, end * block)];
}

/** One unit of work: rows `[from, to)`, and whether a block starts at `from`. */
export interface Unit {
  /** First row (session or user index), inclusive. */
  from: number;
  /** Last row, exclusive. */
  to: number;
  /** A block starts here: Parquet closes its row group before these rows. */
  blockStart: boolean;
}

/**
 * The units of rows `[from, to)` of a table in blocks of `block` (`from` on a block
 * boundary): {@linkcode UNIT} rows each, never spanning two blocks.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * const u = [...units(0, 2100, 2048)].map((x) => [x.from, x.to, x.blockStart]);
 * deepStrictEqual(u, [[0, 1024, true], [1024, 2048, false], [2048, 2100, true]]);
 * ```
 */
export function* units(
  from: number,
  to: number,
  block: number,
): Generator<Unit> {
  for (let a = from; a < to;) {
    const blockEnd = (Math.floor(a / block) + 1) * block;
    const b = Math.min(to, a + UNIT, blockEnd);
    yield { from: a, to: b, blockStart: a % block === 0 };
    a = b;
  }
}

/**
 * Parse `--shard K/N`.
 *
 * @returns The part, or an error message (one sentence, naming the value).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(parsePart("2/8"), { index: 2, count: 8 });
 * deepStrictEqual(typeof parsePart("0/8"), "string");
 * ```
 */
export function parsePart(text: string): Part | string {
  const m = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(text.trim());
  if (!m) {
    return `--shard must be K/N with whole numbers 1 <= K <= N (e.g. 3/8), received "${text}"`;
  }
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    return `--shard must be K/N with 1 <= K <= N, received "${text}"`;
  }
  if (count > MAX_PARTS) {
    return `--shard allows at most ${MAX_PARTS} parts, received "${text}"`;
  }
  return { index, count };
}
