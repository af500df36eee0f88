/**
 * Blocks and concatenation of Parquet files (`lib/encoding/parquet_concat.ts`,
 * `ParquetFileWriter.cut`): rows written by one writer with a cut at each block
 * boundary give the same bytes as one part file per block concatenated (byte
 * equality, and `sha256sum`, are the oracle); the result is read back, every cell
 * and every row group's row count, by hyparquet and by DuckDB (readers that are not
 * ours); parts that are not Parquet, are truncated or come from another schema or
 * writer are refused, naming the file; and `cut` through the worker thread equals
 * the in-thread writer.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { FileMetaData, ParquetParsers, SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { FACT_TURN, RAW_TURN } from "../lib/schema/tables.ts";
import type { Column, Table } from "../lib/schema/table.ts";
import { RowBatch } from "../lib/schema/row_batch.ts";
import {
  ParquetFileWriter,
  ROW_GROUP_SIZE,
} from "../lib/encoding/parquet_file.ts";
import { concatParquet } from "../lib/encoding/parquet_concat.ts";
import { parquetEncoding } from "../lib/encoding/parquet.ts";
import { SharedResourcePool } from "../lib/encoding/shared.ts";
import { runStepsAsync } from "../lib/steps.ts";
import { fileTarget } from "./parquet_fixture.ts";

/** The dictionary of `user_country` (a batch dictionary column). */
const COUNTRY_DICT = ["Brasil", "Deutschland", "España", "日本", "Brasil"];
const DICT_COLUMN = "user_country";

async function withTempDir(
  fn: (dir: string) => void | Promise<void>,
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-concat-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function sha256sum(...files: string[]): string[] {
  const r = new Deno.Command("sha256sum", { args: ["--", ...files] })
    .outputSync();
  assert.equal(r.code, 0);
  return new TextDecoder().decode(r.stdout).trim().split("\n").map((l) =>
    l.slice(0, 64)
  );
}

/** Largest unscaled value of a DECIMAL column. */
function decimalLimit(c: Column): number {
  return 10 ** (c.precision ?? (c.decimals ?? 4) + 1) - 1;
}

/**
 * Row `k`'s value of column `c` as the text both readers give it below (integers,
 * unscaled decimals, day numbers, milliseconds — local ones for wall-clock times —,
 * true/false, strings), and what goes into the batch.
 */
function cell(c: Column, k: number): { text: string; value: number | string } {
  switch (c.type) {
    case "integer": {
      const v = c.int64 ? k * 1_000_003 : (k * 7919) % 2_000_000 - 1_000_000;
      return { text: String(v), value: v };
    }
    case "number": {
      const limit = decimalLimit(c);
      const v = ((k * 48271) % (limit + 1)) * (k % 2 ? -1 : 1);
      return { text: String(v), value: v };
    }
    case "boolean":
      return { text: String(k % 3 === 0), value: k % 3 === 0 ? 1 : 0 };
    case "date":
      return { text: String(18_000 + (k % 1500)), value: 18_000 + (k % 1500) };
    case "datetime": {
      const v = 1_700_000_000_000 + k * 997;
      return {
        text: String(c.wallClock ? v + offset(k) * 60_000 : v),
        value: v,
      };
    }
    case "string": {
      if (c.name === DICT_COLUMN) {
        return {
          text: COUNTRY_DICT[k % COUNTRY_DICT.length],
          value: k % COUNTRY_DICT.length,
        };
      }
      // Runs of the same string (names repeat on consecutive turns), some non-ASCII.
      const s = `${c.name} ${Math.floor(k / 3) % 101} ü→${k % 7 ? "" : "😀"}`;
      return { text: s, value: s };
    }
  }
}

/** Minutes east of UTC of row `k`'s wall-clock time. */
function offset(k: number): number {
  return [-300, 0, 330, 840][k % 4];
}

/** Rows `from..from + n − 1` of `table`, in one batch (n ≥ 1). */
function batchOf(table: Table, from: number, n: number): RowBatch {
  const dicts: Record<string, readonly string[]> =
    table.columns.some((c) => c.name === DICT_COLUMN)
      ? { [DICT_COLUMN]: COUNTRY_DICT }
      : {};
  const b = new RowBatch(table, n, dicts);
  table.columns.forEach((c, i) => {
    for (let r = 0; r < n; r++) {
      const { value } = cell(c, from + r);
      if (c.type === "boolean") b.flags[i]![r] = value as number;
      else if (c.name === DICT_COLUMN) b.codes[i]![r] = value as number;
      else if (c.type === "string") b.texts[i]![r] = value as string;
      else {
        b.numbers[i]![r] = value as number;
        if (c.wallClock) b.offsets[i]![r] = offset(from + r);
      }
    }
  });
  b.length = n;
  return b;
}

/** Rows `from..to − 1` in batches of at most `size` rows. */
function batches(table: Table, from: number, to: number, size = 4096) {
  const out: RowBatch[] = [];
  for (let s = from; s < to; s += size) {
    out.push(batchOf(table, s, Math.min(size, to - s)));
  }
  return out;
}

interface Layout {
  table: Table;
  /** Rows of each block, in order (0 for an empty part). */
  blocks: number[];
  groupRows: number;
  textPageBytes?: number;
}

/**
 * Write the layout's rows with one writer (a cut at each block's start) and as one
 * part per block; returns the paths.
 */
function writeBoth(dir: string, l: Layout): { one: string; parts: string[] } {
  const one = `${dir}/one.parquet`;
  const w = new ParquetFileWriter(
    l.table,
    ["one"],
    [one],
    l.groupRows,
    l.textPageBytes,
  );
  const parts: string[] = [];
  let from = 0;
  l.blocks.forEach((n, k) => {
    w.cut();
    const part = `${dir}/part-${k}.parquet`;
    const p = new ParquetFileWriter(
      l.table,
      [`part-${k}`],
      [part],
      l.groupRows,
      l.textPageBytes,
    );
    for (const b of batches(l.table, from, from + n)) {
      w.write(b);
      p.write(b);
    }
    p.finish();
    parts.push(part);
    from += n;
  });
  w.finish();
  return { one, parts };
}

/** Row counts the groups must have: each block split by the cap. */
function expectedGroups(blocks: number[], cap: number): number[] {
  const out: number[] = [];
  for (let n of blocks) {
    for (; n > 0; n -= Math.min(n, cap)) out.push(Math.min(n, cap));
  }
  return out;
}

function readBuffer(path: string): ArrayBuffer {
  const b = Deno.readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

/** The metadata with DECIMAL annotations removed, so hyparquet gives unscaled integers. */
function unscaled(meta: FileMetaData): FileMetaData {
  return {
    ...meta,
    schema: meta.schema.map((e): SchemaElement =>
      e.converted_type === "DECIMAL"
        ? { ...e, converted_type: undefined, logical_type: undefined }
        : e
    ),
  };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const RAW_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => millis,
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array) => strictUtf8.decode(bytes),
} as unknown as Partial<ParquetParsers>;

/** Every cell and the row groups' row counts, by hyparquet. */
async function checkHyparquet(
  path: string,
  table: Table,
  rows: number,
  groups: number[],
): Promise<void> {
  const file = readBuffer(path);
  const meta = parquetMetadata(file);
  assert.deepEqual(meta.row_groups.map((g) => Number(g.num_rows)), groups);
  const got = await parquetReadObjects({
    file,
    metadata: unscaled(meta),
    compressors,
    parsers: RAW_PARSERS,
  });
  assert.equal(got.length, rows);
  for (let k = 0; k < rows; k++) {
    for (const c of table.columns) {
      const want = cell(c, k).text;
      if (String(got[k][c.name]) !== want) {
        assert.fail(
          `hyparquet row ${k} ${c.name}: ${got[k][c.name]} ≠ ${want}`,
        );
      }
    }
  }
}

/** Every cell (as text) and the row groups' row counts, by DuckDB. */
async function checkDuckDB(
  path: string,
  table: Table,
  rows: number,
  groups: number[],
): Promise<void> {
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await db.connect();
  try {
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRows();
    const counts = await q(
      `SELECT row_group_id, any_value(row_group_num_rows) FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(counts.map((r) => Number(r[1])), groups);
    const select = table.columns.map((c) => {
      switch (c.type) {
        case "number":
          return `CAST(CAST(${c.name} * ${
            10 ** (c.decimals ?? 4)
          } AS BIGINT) AS VARCHAR)`;
        case "date":
          return `CAST(${c.name} - DATE '1970-01-01' AS VARCHAR)`;
        case "datetime":
          return `CAST(epoch_ms(${c.name}::TIMESTAMP) AS VARCHAR)`;
        default:
          return `CAST(${c.name} AS VARCHAR)`;
      }
    }).join(", ");
    const got = await q(`SELECT ${select} FROM read_parquet('${path}')`);
    assert.equal(got.length, rows);
    for (let k = 0; k < rows; k++) {
      table.columns.forEach((c, i) => {
        const want = cell(c, k).text;
        if (got[k][i] !== want) {
          assert.fail(`DuckDB row ${k} ${c.name}: ${got[k][i]} ≠ ${want}`);
        }
      });
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

Deno.test("Parquet concat: parts of every shape equal one writer cut at their starts, byte for byte, and read back whole", async () => {
  await withTempDir(async (dir) => {
    // Row groups of 1,000 rows stand for 122,880: blocks below, at and above the
    // cap (2,500 → 1,000 + 1,000 + 500), empty parts first, between and last.
    const blocks = [0, 2500, 700, 0, 1000, 3100, 1, 0];
    const l: Layout = { table: RAW_TURN, blocks, groupRows: 1000 };
    const { one, parts } = writeBoth(dir, l);
    const out = [`${dir}/cat.parquet`, `${dir}/copy.parquet`];
    const r = concatParquet(parts, ["raw/turns.parquet"], out);
    const rows = blocks.reduce((a, b) => a + b, 0);
    assert.deepEqual(Deno.readFileSync(out[0]), Deno.readFileSync(one));
    assert.deepEqual(Deno.readFileSync(out[1]), Deno.readFileSync(one));
    assert.equal(r.rows, rows);
    assert.equal(r.bytes, Deno.statSync(one).size);
    assert.deepEqual(r.names, ["raw/turns.parquet"]);
    assert.equal(r.sha256, sha256sum(out[0])[0]);
    const groups = expectedGroups(blocks, 1000);
    await checkHyparquet(out[0], RAW_TURN, rows, groups);
    await checkDuckDB(out[0], RAW_TURN, rows, groups);
  });
});

Deno.test("Parquet concat: a block above ROW_GROUP_SIZE splits at the cap counted from its start", async () => {
  await withTempDir(async (dir) => {
    const blocks = [5_000, ROW_GROUP_SIZE + 7_000, 0, 3];
    const l: Layout = { table: FACT_TURN, blocks, groupRows: ROW_GROUP_SIZE };
    const { one, parts } = writeBoth(dir, l);
    const r = concatParquet(parts, ["fact_turn"], [`${dir}/cat.parquet`]);
    assert.deepEqual(sha256sum(`${dir}/cat.parquet`, one), [
      r.sha256,
      r.sha256,
    ]);
    const rows = blocks.reduce((a, b) => a + b, 0);
    const groups = [5_000, ROW_GROUP_SIZE, 7_000, 3];
    assert.deepEqual(groups, expectedGroups(blocks, ROW_GROUP_SIZE));
    await checkDuckDB(`${dir}/cat.parquet`, FACT_TURN, rows, groups);
    await checkHyparquet(`${dir}/cat.parquet`, FACT_TURN, rows, groups);
  });
});

Deno.test("Parquet concat: the string-page budget closes groups early counting from the cut, and concatenation still matches", async () => {
  await withTempDir((dir) => {
    // About 100 bytes of page budget per row of a string column at most: small
    // budget, so groups close early in every block.
    const l: Layout = {
      table: RAW_TURN,
      blocks: [300, 50, 0, 420],
      groupRows: 1000,
      textPageBytes: 12_000,
    };
    const { one, parts } = writeBoth(dir, l);
    concatParquet(parts, ["t"], [`${dir}/cat.parquet`]);
    assert.deepEqual(
      Deno.readFileSync(`${dir}/cat.parquet`),
      Deno.readFileSync(one),
    );
    const meta = parquetMetadata(readBuffer(one));
    assert.ok(meta.row_groups.length > 4, "the budget closed groups early");
  });
});

Deno.test("Parquet concat: parts all empty give the empty file; a single part is copied unchanged", async () => {
  await withTempDir(async (dir) => {
    const empty = writeBoth(dir, {
      table: FACT_TURN,
      blocks: [0, 0],
      groupRows: 10,
    });
    concatParquet(empty.parts, ["e"], [`${dir}/e.parquet`]);
    assert.deepEqual(
      Deno.readFileSync(`${dir}/e.parquet`),
      Deno.readFileSync(empty.one),
    );
    await checkDuckDB(`${dir}/e.parquet`, FACT_TURN, 0, []);
    const single = `${dir}/single.parquet`;
    const w = new ParquetFileWriter(FACT_TURN, ["s"], [single], 10);
    for (const b of batches(FACT_TURN, 0, 25)) w.write(b);
    w.finish();
    concatParquet([single], ["s"], [`${dir}/s.parquet`]);
    assert.deepEqual(
      sha256sum(single, `${dir}/s.parquet`)[1],
      sha256sum(single)[0],
    );
  });
});

Deno.test("Parquet concat: refuses a part that is not Parquet, is truncated, or has another schema or writer, naming it, and leaves no output", async () => {
  await withTempDir((dir) => {
    const { parts } = writeBoth(dir, {
      table: FACT_TURN,
      blocks: [30, 20],
      groupRows: 10,
    });
    const out = `${dir}/cat.parquet`;
    const refused = (bad: string[], pattern: RegExp) => {
      assert.throws(() => concatParquet(bad, ["cat"], [out]), (e: Error) => {
        assert.match(e.message, pattern);
        assert.ok(!e.message.includes("\n"), e.message);
        return true;
      });
      assert.throws(() => Deno.statSync(out), Deno.errors.NotFound);
    };
    const text = `${dir}/text.parquet`;
    Deno.writeTextFileSync(text, "session_key,turn_number\n1,1\n");
    refused([parts[0], text], new RegExp(`${text}: it is not a Parquet file`));
    const tiny = `${dir}/tiny.parquet`;
    Deno.writeTextFileSync(tiny, "PAR1");
    refused([tiny], new RegExp(`${tiny}: it is not a Parquet file`));
    // Truncated: the last 100 bytes cut off (then no PAR1 at the end).
    const bytes = Deno.readFileSync(parts[1]);
    const cut = `${dir}/cut.parquet`;
    Deno.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    refused([parts[0], cut], new RegExp(`${cut}: .*truncated`));
    // Truncated inside the row groups, the tail kept: the groups do not fill it.
    const hole = `${dir}/hole.parquet`;
    Deno.writeFileSync(
      hole,
      new Uint8Array([...bytes.subarray(0, 60), ...bytes.subarray(200)]),
    );
    refused([parts[0], hole], new RegExp(`${hole}: .*(truncated|damaged)`));
    // A footer length larger than the file.
    const long = `${dir}/long.parquet`;
    const l = bytes.slice();
    new DataView(l.buffer).setUint32(l.length - 8, 1 << 30, true);
    Deno.writeFileSync(long, l);
    refused([long], new RegExp(`${long}: its footer is damaged or truncated`));
    // Another schema: a dimension table's file.
    const other = `${dir}/other.parquet`;
    const w = new ParquetFileWriter(RAW_TURN, ["o"], [other], 10);
    w.write(batchOf(RAW_TURN, 0, 5));
    w.finish();
    refused(
      [parts[0], other],
      new RegExp(
        `${other}: it was written with another schema or writer than ${
          parts[0]
        }`,
      ),
    );
    // Another writer: created_by edited (same length, so the footer stays whole).
    const edited = Deno.readFileSync(parts[1]);
    const at = new TextDecoder("latin1").decode(edited).indexOf(
      "chatsynth version",
    );
    assert.ok(at > 0);
    edited[at] = "C".charCodeAt(0);
    const writer = `${dir}/writer.parquet`;
    Deno.writeFileSync(writer, edited);
    refused(
      [parts[0], writer],
      new RegExp(`${writer}: it was written with another schema or writer`),
    );
    refused([parts[0], `${dir}/missing.parquet`], /missing\.parquet/);
    assert.throws(() => concatParquet([], ["cat"], [out]), RangeError);
  });
});

Deno.test("Parquet concat: cut() through the worker thread gives the in-thread writer's bytes", async () => {
  await withTempDir(async (dir) => {
    const blocks = [0, 1500, 300, 0, 2200];
    const { one } = writeBoth(dir, {
      table: RAW_TURN,
      blocks,
      groupRows: 1000,
    });
    const shared = new SharedResourcePool();
    try {
      const enc = await runStepsAsync(
        parquetEncoding({ rowGroupSize: 1000 }).open(
          RAW_TURN,
          ["worker.parquet"],
          fileTarget(dir, shared),
        ),
      );
      assert.ok(enc.cut);
      let from = 0;
      for (const n of blocks) {
        enc.cut();
        for (const b of batches(RAW_TURN, from, from + n, 700)) {
          enc.write(b);
          await enc.drain?.();
        }
        from += n;
      }
      const r = await runStepsAsync(enc.close());
      assert.deepEqual(
        Deno.readFileSync(`${dir}/worker.parquet`),
        Deno.readFileSync(one),
      );
      assert.equal(r.sha256, sha256sum(one)[0]);
    } finally {
      shared.releaseAll();
    }
  });
});
