/**
 * The Parquet writer (`lib/encoding/parquet.ts`) against readers and tools that are
 * not the writer: every cell read back by hyparquet (a pure-JavaScript Parquet
 * reader) and by DuckDB (`read_parquet`, a C++ reader) equals the batch's value; the
 * Parquet types, repetition and codec are those documented; row groups have the
 * fixed size; digests are `sha256sum`'s; the bytes do not depend on the time zone or
 * locale (a child process as oracle); the worker thread's ZSTD equals the calling
 * thread's; and the Thrift compact writer gives the bytes the protocol specification
 * prescribes (worked out by hand).
 */
import assert from "node:assert/strict";
import { constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { FileMetaData, ParquetParsers, SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { parquetHeader } from "hyparquet/src/column.js";
import {
  AMOUNTS,
  BIGS,
  CLOCKS,
  COUNTRIES,
  DAYS,
  DELTAS,
  fileTarget,
  NOTES,
  PROBE,
  probeBatch,
  probeBatches,
  SCORES,
  writeParquet,
} from "./parquet_fixture.ts";
import {
  PARQUET,
  parquetEncoding,
  ParquetWorker,
  type Reply,
  ROW_GROUP_SIZE,
  ZSTD_LEVEL,
} from "../lib/encoding/parquet.ts";
import { CompactWriter, T } from "../lib/encoding/thrift_compact.ts";
import { SharedResourcePool } from "../lib/encoding/shared.ts";
import { ParquetFileWriter } from "../lib/encoding/parquet_file.ts";
import { RowBatch } from "../lib/schema/row_batch.ts";
import { col, type Table } from "../lib/schema/table.ts";
import { runStepsAsync, type Steps } from "../lib/steps.ts";
import { ROOT } from "./helpers.ts";

/** Small row groups keep the tests fast; one test uses the real size. */
const SMALL = 1024;
const small = parquetEncoding({ rowGroupSize: SMALL });

async function withTempDir(
  fn: (dir: string) => void | Promise<void>,
): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-parquet-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Digests of `files` by `sha256sum` itself. */
function sha256sum(...files: string[]): string[] {
  const r = new Deno.Command("sha256sum", { args: ["--", ...files] })
    .outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return new TextDecoder().decode(r.stdout).trim().split("\n").map((l) =>
    l.slice(0, 64)
  );
}

function readBuffer(path: string): ArrayBuffer {
  const b = Deno.readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

/** Strict UTF-8: invalid bytes are an error, not U+FFFD. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parsers that keep timestamps as bigint milliseconds and dates as day numbers, and
 * decode strings strictly.
 */
const RAW_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => millis,
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array) => strictUtf8.decode(bytes),
} as unknown as Partial<ParquetParsers>;

/** The metadata with DECIMAL annotations removed, so readers return unscaled integers. */
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

/** The schema element of column `name`. */
function element(meta: FileMetaData, name: string): SchemaElement {
  const e = meta.schema.find((s) => s.name === name);
  assert.ok(e, `No column ${name}`);
  return e;
}

/** `units` × 10^−scale as a decimal string, by string arithmetic on the digits. */
function decimalText(units: number, scale: number): string {
  const digits = Math.abs(units).toString().padStart(scale + 1, "0");
  const text = `${digits.slice(0, digits.length - scale)}.${
    digits.slice(digits.length - scale)
  }`;
  return units < 0 ? `-${text}` : text;
}

/** Rows of `sql` from an in-memory DuckDB, closed afterwards. */
async function duck(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRows() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

Deno.test("Parquet: every cell read back by hyparquet equals the batch's value", async () => {
  await withTempDir(async (dir) => {
    const r = await writeParquet(PROBE, probeBatches(), dir, [
      "probe.parquet",
    ], { rowGroupSize: SMALL });
    const path = `${dir}/probe.parquet`;
    const file = readBuffer(path);
    const meta = parquetMetadata(file);
    assert.equal(Number(meta.num_rows), 5000);
    assert.equal(r.rows, 5000);
    // Exact values: unscaled decimals, milliseconds, day numbers.
    const raw = await parquetReadObjects({
      file,
      metadata: unscaled(meta),
      compressors,
      parsers: RAW_PARSERS,
    });
    // Readable values: hyparquet's own Dates for the dates and timestamps.
    const rich = await parquetReadObjects({ file, compressors });
    assert.equal(raw.length, 5000);
    for (let k = 0; k < 5000; k++) {
      const row = raw[k], clock = CLOCKS[k % CLOCKS.length];
      assert.deepEqual(Object.keys(row), PROBE.columns.map((c) => c.name));
      assert.equal(row.id, k);
      assert.equal(row.big, BigInt(BIGS[k % BIGS.length]));
      assert.equal(row.score, SCORES[k % SCORES.length]);
      assert.equal(row.delta, DELTAS[k % DELTAS.length]);
      assert.equal(row.amount, BigInt(AMOUNTS[k % AMOUNTS.length]));
      assert.equal(row.flag, k % 3 === 0);
      assert.equal(row.day, DAYS[k % DAYS.length][0]);
      assert.equal(row.at, BigInt(Date.parse(clock.utc)));
      assert.equal(row.local_at, BigInt(Date.parse(`${clock.local}Z`)));
      assert.equal(row.note, NOTES[k % NOTES.length]);
      assert.equal(row.country, COUNTRIES[k % COUNTRIES.length]);
      // Dates, instants and wall-clock times as worked out by hand.
      assert.equal(
        rich[k].day.toISOString().slice(0, 10),
        DAYS[k % DAYS.length][1],
      );
      assert.equal(rich[k].at.toISOString(), clock.utc);
      assert.equal(rich[k].local_at.toISOString(), `${clock.local}Z`);
    }
  });
});

Deno.test("Parquet: every cell read back by DuckDB equals the batch's value, and DuckDB sees the documented types and row groups", async () => {
  await withTempDir(async (dir) => {
    await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"], {
      rowGroupSize: SMALL,
    });
    const path = `${dir}/probe.parquet`;
    const rows = await duck(
      `SELECT id, big, score::VARCHAR, delta::VARCHAR, amount::VARCHAR, flag,
         day - DATE '1970-01-01', strftime(day, '%Y-%m-%d'), epoch_ms("at"),
         epoch_ms(local_at), note, country
       FROM read_parquet('${path}')`,
    );
    assert.equal(rows.length, 5000);
    rows.forEach((row, k) => {
      const clock = CLOCKS[k % CLOCKS.length];
      assert.deepEqual(row, [
        k,
        BigInt(BIGS[k % BIGS.length]),
        decimalText(SCORES[k % SCORES.length], 4),
        decimalText(DELTAS[k % DELTAS.length], 1),
        decimalText(AMOUNTS[k % AMOUNTS.length], 2),
        k % 3 === 0,
        BigInt(DAYS[k % DAYS.length][0]),
        DAYS[k % DAYS.length][1],
        BigInt(Date.parse(clock.utc)),
        BigInt(Date.parse(`${clock.local}Z`)),
        NOTES[k % NOTES.length],
        COUNTRIES[k % COUNTRIES.length],
      ], `row ${k}`);
    });
    // DuckDB's own types for the columns.
    const types = await duck(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`,
    );
    assert.deepEqual(Object.fromEntries(types), {
      id: "INTEGER",
      big: "BIGINT",
      score: "DECIMAL(5,4)",
      delta: "DECIMAL(2,1)",
      amount: "DECIMAL(12,2)",
      flag: "BOOLEAN",
      day: "DATE",
      at: "TIMESTAMP WITH TIME ZONE",
      local_at: "TIMESTAMP",
      note: "VARCHAR",
      country: "VARCHAR",
    });
    // parquet_schema: physical types, REQUIRED, decimal scale and precision.
    const schema = await duck(
      `SELECT name, type, repetition_type, converted_type, scale, precision
       FROM parquet_schema('${path}') WHERE name <> 'schema'`,
    );
    assert.deepEqual(schema.map((s) => s[0]), PROBE.columns.map((c) => c.name));
    for (const s of schema) assert.equal(s[2], "REQUIRED", String(s[0]));
    const byName = Object.fromEntries(schema.map((s) => [s[0], s]));
    assert.deepEqual(byName.score.slice(1), [
      "INT32",
      "REQUIRED",
      "DECIMAL",
      4n,
      5n,
    ]);
    assert.deepEqual(byName.amount.slice(1), [
      "INT64",
      "REQUIRED",
      "DECIMAL",
      2n,
      12n,
    ]);
    assert.equal(byName.note[1], "BYTE_ARRAY");
    assert.equal(byName.flag[1], "BOOLEAN");
    // parquet_metadata: row groups of SMALL rows but the last, ZSTD everywhere.
    const groups = await duck(
      `SELECT row_group_id, any_value(row_group_num_rows), count(*),
         bool_and(compression = 'ZSTD')
       FROM parquet_metadata('${path}') GROUP BY row_group_id ORDER BY 1`,
    );
    assert.deepEqual(
      groups.map((g) => [Number(g[1]), Number(g[2]), g[3]]),
      [
        [SMALL, 11, true],
        [SMALL, 11, true],
        [SMALL, 11, true],
        [SMALL, 11, true],
        [5000 - 4 * SMALL, 11, true],
      ],
    );
  });
});

Deno.test("Parquet: column names and order, physical and logical types, REQUIRED, codec ZSTD and created_by", async () => {
  await withTempDir(async (dir) => {
    await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"], {
      rowGroupSize: SMALL,
    });
    const meta = parquetMetadata(readBuffer(`${dir}/probe.parquet`));
    assert.deepEqual(
      meta.schema.slice(1).map((e) => e.name),
      PROBE.columns.map((c) => c.name),
    );
    for (const e of meta.schema.slice(1)) {
      assert.equal(e.repetition_type, "REQUIRED", e.name);
    }
    const physical = Object.fromEntries(
      meta.schema.slice(1).map((e) => [e.name, e.type]),
    );
    assert.deepEqual(physical, {
      id: "INT32",
      big: "INT64",
      score: "INT32",
      delta: "INT32",
      amount: "INT64",
      flag: "BOOLEAN",
      day: "INT32",
      at: "INT64",
      local_at: "INT64",
      note: "BYTE_ARRAY",
      country: "BYTE_ARRAY",
    });
    for (
      const [name, precision, scale] of [
        ["score", 5, 4],
        ["delta", 2, 1],
        ["amount", 12, 2],
      ] as const
    ) {
      const e = element(meta, name);
      assert.equal(e.converted_type, "DECIMAL", name);
      assert.equal(e.precision, precision, name);
      assert.equal(e.scale, scale, name);
      assert.deepEqual(
        e.logical_type,
        { type: "DECIMAL", precision, scale },
        name,
      );
    }
    assert.equal(element(meta, "day").converted_type, "DATE");
    assert.deepEqual(element(meta, "at").logical_type, {
      type: "TIMESTAMP",
      isAdjustedToUTC: true,
      unit: "MILLIS",
    });
    assert.deepEqual(element(meta, "local_at").logical_type, {
      type: "TIMESTAMP",
      isAdjustedToUTC: false,
      unit: "MILLIS",
    });
    for (const name of ["note", "country"]) {
      assert.equal(element(meta, name).converted_type, "UTF8", name);
    }
    assert.equal(element(meta, "id").converted_type, "INT_32");
    assert.equal(element(meta, "big").converted_type, "INT_64");
    for (const g of meta.row_groups) {
      for (const c of g.columns) {
        const name = c.meta_data?.path_in_schema[0];
        assert.equal(c.meta_data?.codec, "ZSTD", name);
        // The dictionary column is dictionary-encoded, the others plain.
        assert.equal(
          c.meta_data?.encodings.includes("RLE_DICTIONARY"),
          name === "country",
          name,
        );
      }
    }
    // created_by names chatsynth and its version, and is the writer version the
    // encoding reports for the manifest.
    const { version } = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
    assert.ok(
      meta.created_by?.startsWith(`chatsynth version ${version} `),
      meta.created_by,
    );
    assert.equal(await runStepsAsync(PARQUET.writerVersion()), meta.created_by);
  });
});

/** Three columns, enough rows for two full row groups and a partial one. */
const NARROW: Table = {
  name: "narrow",
  grain: "One row.",
  columns: [
    col.int("id", "Row number"),
    col.ts("at", "Instant"),
    col.str("label", "Text"),
  ],
  primaryKey: ["id"],
  foreignKeys: [],
};
const NARROW_ROWS = 2 * ROW_GROUP_SIZE + 54_240;

function narrowBatches(): RowBatch[] {
  const out: RowBatch[] = [];
  for (let from = 0; from < NARROW_ROWS; from += 10_000) {
    const n = Math.min(10_000, NARROW_ROWS - from);
    const b = new RowBatch(NARROW, n);
    for (let r = 0; r < n; r++) {
      b.numbers[0]![r] = from + r;
      b.numbers[1]![r] = 1_700_000_000_000 + (from + r) * 997;
      b.texts[2]![r] = `label ${(from + r) % 1000}`;
    }
    b.length = n;
    out.push(b);
  }
  return out;
}

Deno.test("Parquet: row groups hold ROW_GROUP_SIZE rows but the last, in insertion order", async () => {
  await withTempDir(async (dir) => {
    const r = await writeParquet(NARROW, narrowBatches(), dir, [
      "narrow.parquet",
    ]);
    assert.equal(r.rows, NARROW_ROWS);
    const file = readBuffer(`${dir}/narrow.parquet`);
    const meta = parquetMetadata(file);
    assert.deepEqual(
      meta.row_groups.map((g) => Number(g.num_rows)),
      [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 54_240],
    );
    const rows = await parquetReadObjects({
      file,
      compressors,
      columns: ["id"],
    });
    assert.equal(rows.length, NARROW_ROWS);
    assert.ok(rows.every((row, i) => row.id === i));
  });
});

Deno.test("Parquet: a batch spanning several small row groups splits at the group size", async () => {
  await withTempDir(async (dir) => {
    // One batch of 3,000 rows then one of 2,000: groups of 1,024 straddle both.
    await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"], {
      rowGroupSize: SMALL,
    });
    const meta = parquetMetadata(readBuffer(`${dir}/probe.parquet`));
    assert.deepEqual(
      meta.row_groups.map((g) => Number(g.num_rows)),
      [SMALL, SMALL, SMALL, SMALL, 5000 - 4 * SMALL],
    );
    assert.throws(() => parquetEncoding({ rowGroupSize: 0 }), /received 0/);
  });
});

Deno.test("Parquet: a table without rows is a valid file with its columns and no rows", async () => {
  await withTempDir(async (dir) => {
    const r = await writeParquet(PROBE, [], dir, ["empty.parquet"]);
    assert.equal(r.rows, 0);
    const file = readBuffer(`${dir}/empty.parquet`);
    const meta = parquetMetadata(file);
    assert.equal(Number(meta.num_rows), 0);
    assert.deepEqual(
      meta.schema.slice(1).map((e) => e.name),
      PROBE.columns.map((c) => c.name),
    );
    assert.deepEqual(await parquetReadObjects({ file, compressors }), []);
    const [[count]] = await duck(
      `SELECT count(*) FROM read_parquet('${dir}/empty.parquet')`,
    );
    assert.equal(count, 0n);
  });
});

Deno.test("Parquet: the reported size and SHA-256 are the file's, and a second name gets an identical copy", async () => {
  await withTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/star`);
    Deno.mkdirSync(`${dir}/snowflake`);
    const names = ["star/probe.parquet", "snowflake/probe.parquet"];
    const r = await writeParquet(PROBE, probeBatches(), dir, names, {
      rowGroupSize: SMALL,
    });
    assert.deepEqual(r.names, names);
    const [a, b] = sha256sum(`${dir}/${names[0]}`, `${dir}/${names[1]}`);
    assert.equal(r.sha256, a);
    assert.equal(b, a);
    assert.equal(r.bytes, Deno.statSync(`${dir}/${names[0]}`).size);
    assert.equal(r.bytes, Deno.statSync(`${dir}/${names[1]}`).size);
  });
});

Deno.test("Parquet: the same rows give the same bytes, again and in another process, time zone and locale", async () => {
  await withTempDir(async (dir) => {
    const first = await writeParquet(PROBE, probeBatches(), dir, ["a.parquet"]);
    await writeParquet(PROBE, probeBatches(), dir, ["b.parquet"]);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}/tests/parquet_fixture.ts`,
        `${dir}/c.parquet`,
      ],
      env: {
        TZ: "America/New_York",
        LC_ALL: "de_DE.UTF-8",
        LANG: "de_DE.UTF-8",
      },
    }).outputSync();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    const sums = sha256sum(
      ...["a", "b", "c"].map((n) => `${dir}/${n}.parquet`),
    );
    assert.deepEqual(sums, Array(3).fill(first.sha256));
    assert.equal(new TextDecoder().decode(child.stdout).trim(), sums[2]);
  });
});

Deno.test("Parquet: tables written at once through one shared pool equal tables written alone", async () => {
  await withTempDir(async (dir) => {
    const alone = await writeParquet(PROBE, probeBatches(), dir, [
      "alone.parquet",
    ], { rowGroupSize: SMALL });
    const shared = new SharedResourcePool();
    let opened = 0;
    const counting = {
      use<T>(
        key: string,
        open: () => Steps<T>,
        release: (r: T) => void,
      ): Steps<T> {
        return shared.use(key, () => {
          opened++;
          return open();
        }, release);
      },
    };
    try {
      const target = { ...fileTarget(dir, shared), shared: counting };
      const a = await runStepsAsync(small.open(PROBE, ["a.parquet"], target));
      const b = await runStepsAsync(small.open(PROBE, ["b.parquet"], target));
      // Interleaved batches (several row groups each, compressed by one worker).
      for (const batch of probeBatches()) {
        a.write(batch);
        b.write(batch);
      }
      const ra = await runStepsAsync(a.close());
      const rb = await runStepsAsync(b.close());
      assert.equal(opened, 1);
      const sums = sha256sum(
        `${dir}/alone.parquet`,
        `${dir}/a.parquet`,
        `${dir}/b.parquet`,
      );
      assert.deepEqual(sums, [alone.sha256, alone.sha256, alone.sha256]);
      assert.equal(ra.sha256, alone.sha256);
      assert.equal(rb.sha256, alone.sha256);
    } finally {
      shared.releaseAll();
    }
  });
});

Deno.test("Parquet: the file written on the worker thread equals the file written on the calling thread", async () => {
  await withTempDir(async (dir) => {
    await writeParquet(PROBE, probeBatches(), dir, ["worker.parquet"], {
      rowGroupSize: SMALL,
    });
    // The same writer, run here, without the worker.
    const here = new ParquetFileWriter(
      PROBE,
      ["here.parquet"],
      [`${dir}/here.parquet`],
      SMALL,
    );
    for (const b of probeBatches()) here.write(b);
    const r = here.finish();
    const [a, b] = sha256sum(
      `${dir}/worker.parquet`,
      `${dir}/here.parquet`,
    );
    assert.equal(a, b);
    assert.equal(r.sha256, b);
  });
});

Deno.test("Parquet: every page in a file is the calling thread's zstdCompressSync of its bytes, with headers hyparquet parses", async () => {
  await withTempDir(async (dir) => {
    await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"], {
      rowGroupSize: SMALL,
    });
    const bytes = Deno.readFileSync(`${dir}/probe.parquet`);
    const file = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    );
    const meta = parquetMetadata(file);
    const params = { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL };
    let pages = 0;
    for (const g of meta.row_groups) {
      for (const c of g.columns) {
        const m = c.meta_data!;
        const name = m.path_in_schema[0];
        const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
        const end = start + Number(m.total_compressed_size);
        // hyparquet's page header parser walks the chunk, page by page.
        const reader = { view: new DataView(file), offset: start };
        const types: string[] = [];
        while (reader.offset < end) {
          const header = parquetHeader(reader);
          types.push(header.type);
          const body = bytes.subarray(
            reader.offset,
            reader.offset + header.compressed_page_size,
          );
          reader.offset += header.compressed_page_size;
          const plain = new Uint8Array(zstdDecompressSync(body));
          assert.equal(plain.length, header.uncompressed_page_size, name);
          assert.deepEqual(
            body,
            new Uint8Array(zstdCompressSync(plain, { params })),
            `${name}: page ${pages}`,
          );
          if (header.type === "DATA_PAGE") {
            assert.equal(
              header.data_page_header?.num_values,
              Number(g.num_rows),
              name,
            );
          }
          pages++;
        }
        assert.equal(reader.offset, end, name);
        assert.deepEqual(
          types,
          name === "country" ? ["DICTIONARY_PAGE", "DATA_PAGE"] : ["DATA_PAGE"],
          name,
        );
      }
    }
    assert.equal(pages, meta.row_groups.length * (PROBE.columns.length + 1));
  });
});

/** A table with one dictionary column. */
const DICT_TABLE: Table = {
  name: "dict",
  grain: "One row.",
  columns: [col.int("id", "Row number"), col.str("label", "Dictionary text")],
  primaryKey: ["id"],
  foreignKeys: [],
};

function dictBatch(
  dictionary: readonly string[],
  codes: number[],
  from = 0,
): RowBatch {
  const b = new RowBatch(DICT_TABLE, Math.max(1, codes.length), {
    label: dictionary,
  });
  codes.forEach((code, r) => {
    b.numbers[0]![r] = from + r;
    b.codes[1]![r] = code;
  });
  b.length = codes.length;
  return b;
}

Deno.test("Parquet: a dictionary with duplicate and unused entries round-trips through hyparquet and DuckDB", async () => {
  await withTempDir(async (dir) => {
    // "b" and "a" appear twice; "unused" and "never" are never coded.
    const dictionary = ["a", "b", "unused", "b", "a", "c", "never", "三輪"];
    const codes: number[] = [];
    for (let k = 0; k < 2500; k++) codes.push([0, 1, 3, 4, 5, 7][k % 6]);
    const expected = codes.map((c) => dictionary[c]);
    const batches = [
      dictBatch(dictionary, codes.slice(0, 1700)),
      dictBatch(dictionary, codes.slice(1700), 1700),
    ];
    await writeParquet(DICT_TABLE, batches, dir, ["dict.parquet"], {
      rowGroupSize: SMALL,
    });
    const path = `${dir}/dict.parquet`;
    const file = readBuffer(path);
    const rows = await parquetReadObjects({
      file,
      compressors,
      parsers: RAW_PARSERS,
    });
    assert.deepEqual(rows.map((r) => r.label), expected);
    assert.deepEqual(rows.map((r) => r.id), codes.map((_, i) => i));
    const viaDuck = await duck(
      `SELECT id, label FROM read_parquet('${path}') ORDER BY id`,
    );
    assert.deepEqual(viaDuck.map((r) => r[1]), expected);
    // Every row group has a dictionary page.
    const meta = parquetMetadata(file);
    assert.equal(meta.row_groups.length, 3);
    for (const g of meta.row_groups) {
      assert.notEqual(
        g.columns[1].meta_data?.dictionary_page_offset,
        undefined,
      );
    }
  });
});

Deno.test("Parquet: a dictionary of one entry, and of 2^k entries, round-trips", async () => {
  await withTempDir(async (dir) => {
    for (const size of [1, 2, 4, 16, 17]) {
      const dictionary = Array.from({ length: size }, (_, i) => `v${i}`);
      const codes = Array.from({ length: 100 }, (_, i) => (i * 7) % size);
      const name = `dict${size}.parquet`;
      await writeParquet(DICT_TABLE, [dictBatch(dictionary, codes)], dir, [
        name,
      ]);
      const rows = await parquetReadObjects({
        file: readBuffer(`${dir}/${name}`),
        compressors,
      });
      assert.deepEqual(
        rows.map((r) => r.label),
        codes.map((c) => dictionary[c]),
        `${size} entries`,
      );
    }
  });
});

Deno.test("Parquet: odd shapes round-trip: 70,000-entry dictionary, booleans not a multiple of 8, a 1 MB string, repeated strings across row groups", async () => {
  await withTempDir(async (dir) => {
    const table: Table = {
      name: "shapes",
      grain: "One row.",
      columns: [
        col.bool("flag", "A flag"),
        col.str("code", "Dictionary text"),
        col.str("text", "Free text"),
      ],
      primaryKey: [],
      foreignKeys: [],
    };
    // 70,000 entries need 17-bit codes; "" is an entry too.
    const dictionary = Array.from(
      { length: 70_000 },
      (_, i) => i === 0 ? "" : `k${i}`,
    );
    const rows = 2_053;
    const flag = (r: number) => (r * r) % 7 < 3;
    const code = (r: number) => (r * 7919) % 70_000;
    // Runs of the same string, some straddling the row group boundary at 1,024.
    const text = (r: number) =>
      r === 1000 ? "é".repeat(500_000) : `run ${Math.floor(r / 50)}`;
    const batches: RowBatch[] = [];
    for (let from = 0; from < rows; from += 700) {
      const n = Math.min(700, rows - from);
      const b = new RowBatch(table, n, { code: dictionary });
      for (let i = 0; i < n; i++) {
        b.flags[0]![i] = flag(from + i) ? 1 : 0;
        b.codes[1]![i] = code(from + i);
        b.texts[2]![i] = text(from + i);
      }
      b.length = n;
      batches.push(b);
    }
    await writeParquet(table, batches, dir, ["shapes.parquet"], {
      rowGroupSize: SMALL,
    });
    const path = `${dir}/shapes.parquet`;
    const read = await parquetReadObjects({
      file: readBuffer(path),
      compressors,
      parsers: RAW_PARSERS,
    });
    assert.equal(read.length, rows);
    for (let r = 0; r < rows; r++) {
      assert.equal(read[r].flag, flag(r), `flag ${r}`);
      assert.equal(read[r].code, dictionary[code(r)], `code ${r}`);
      assert.equal(read[r].text, text(r), `text ${r}`);
    }
    const viaDuck = await duck(
      `SELECT count(*) FILTER (WHERE flag), sum(length(text)),
         count(*) FILTER (WHERE code = '')
       FROM read_parquet('${path}')`,
    );
    let flags = 0, chars = 0, empty = 0;
    for (let r = 0; r < rows; r++) {
      flags += flag(r) ? 1 : 0;
      chars += text(r).length;
      empty += code(r) === 0 ? 1 : 0;
    }
    assert.ok(empty > 0 && flags > 0 && flags < rows);
    assert.deepEqual(viaDuck, [[BigInt(flags), BigInt(chars), BigInt(empty)]]);
  });
});

Deno.test("Parquet: a batch whose dictionary changes within the file is refused, naming the file and column", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      const enc = await runStepsAsync(
        small.open(DICT_TABLE, ["dict.parquet"], fileTarget(dir, shared)),
      );
      enc.write(dictBatch(["a", "b"], [0, 1, 1]));
      // Found on the writer's thread: the error comes with the next call that
      // waits for it (here close).
      enc.write(dictBatch(["b", "a"], [0, 1], 3));
      await assert.rejects(
        runStepsAsync(enc.close()),
        /^Error: Cannot write dict\.parquet: column label changed dictionary within the file$/,
      );
      enc.abort();
      // Free strings after dictionary codes are refused too.
      const mixed = await runStepsAsync(
        small.open(DICT_TABLE, ["mixed.parquet"], fileTarget(dir, shared)),
      );
      mixed.write(dictBatch(["a"], [0]));
      const free = new RowBatch(DICT_TABLE, 1);
      free.texts[1]![0] = "a";
      free.length = 1;
      mixed.write(free);
      await assert.rejects(
        runStepsAsync(mixed.close()),
        /^Error: Cannot write mixed\.parquet: column label mixes dictionary and free strings$/,
      );
      mixed.abort();
    } finally {
      shared.releaseAll();
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("Parquet: non-ASCII, quotes and line breaks in strings, and 64-bit integers, round-trip exactly", async () => {
  await withTempDir(async (dir) => {
    const table: Table = {
      name: "edge",
      grain: "One row.",
      columns: [
        { ...col.int("big", "Large integer"), int64: true },
        col.str("text", "Free text"),
      ],
      primaryKey: ["big"],
      foreignKeys: [],
    };
    const bigs = [
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      -1,
      -2,
      -(2 ** 31),
      -(2 ** 31) - 1,
      -(2 ** 32),
      -(2 ** 32) - 1,
      2 ** 32,
      -(2 ** 52) - 3,
    ];
    const texts = [
      "é",
      "三輪",
      "😀👍🏽",
      'a "quoted" word',
      "line one\nline two\r\n",
      "tab\tand, comma",
      "'single'\\",
      "",
      "ẞ Ω ع ह",
      "\u0000nul",
    ];
    const b = new RowBatch(table, bigs.length);
    bigs.forEach((v, i) => {
      b.numbers[0]![i] = v;
      b.texts[1]![i] = texts[i];
    });
    b.length = bigs.length;
    await writeParquet(table, [b], dir, ["edge.parquet"]);
    const path = `${dir}/edge.parquet`;
    const rows = await parquetReadObjects({
      file: readBuffer(path),
      compressors,
      parsers: RAW_PARSERS,
    });
    assert.deepEqual(rows.map((r) => r.big), bigs.map(BigInt));
    assert.deepEqual(rows.map((r) => r.text), texts);
    const viaDuck = await duck(
      `SELECT big::VARCHAR, text, octet_length(encode(text))
       FROM read_parquet('${path}')`,
    );
    assert.deepEqual(
      viaDuck,
      bigs.map((v, i) => [
        String(v),
        texts[i],
        BigInt(new TextEncoder().encode(texts[i]).length),
      ]),
    );
  });
});

Deno.test("Parquet: a file that cannot be created is an error naming it, and the pool still serves the next table", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      // The folder "missing" does not exist.
      await assert.rejects(
        runStepsAsync(
          small.open(PROBE, ["missing/probe.parquet"], fileTarget(dir, shared)),
        ),
        (e: Error) => {
          assert.match(e.message, /^Cannot write missing\/probe\.parquet: /);
          assert.ok(!e.message.includes("\n"), e.message);
          return true;
        },
      );
      const ok = await runStepsAsync(
        small.open(PROBE, ["probe.parquet"], fileTarget(dir, shared)),
      );
      ok.write(probeBatch(0, 10));
      const r = await runStepsAsync(ok.close());
      assert.equal(r.rows, 10);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
        "probe.parquet",
      ]);
    } finally {
      shared.releaseAll();
    }
  });
});

Deno.test("Parquet: when a second name cannot be created, the first is not left behind", async () => {
  await withTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/star`);
    const shared = new SharedResourcePool();
    try {
      // star/ exists, missing/ does not: the first file is created, then the
      // second fails.
      await assert.rejects(
        runStepsAsync(
          small.open(
            PROBE,
            ["star/probe.parquet", "missing/probe.parquet"],
            fileTarget(dir, shared),
          ),
        ),
        /^Error: Cannot write star\/probe\.parquet: /,
      );
    } finally {
      shared.releaseAll();
    }
    assert.deepEqual([...Deno.readDirSync(`${dir}/star`)], []);
  });
});

Deno.test("Parquet: a value the column's type cannot hold is an error naming the file and column", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      // [column index, value, column name]: DECIMAL(5,4) holds at most 9.9999
      // (99,999 units), DECIMAL(2,1) at least −9.9, DECIMAL(12,2) 12 digits,
      // INTEGER at most 2^31 − 1, BIGINT only integers up to 2^53 − 1, a timestamp
      // whole milliseconds.
      const cases: [number, number, string][] = [
        [2, 100_000, "score"],
        [2, 0.5, "score"],
        [3, -100, "delta"],
        [4, 10 ** 12, "amount"],
        [0, 2 ** 31, "id"],
        [0, -(2 ** 31) - 1, "id"],
        [1, 1.5, "big"],
        [1, 2 ** 53, "big"],
        [1, NaN, "big"],
        [7, 0.25, "at"],
        // Codes past either end of the dictionary.
        [10, COUNTRIES.length, "country"],
        [10, -1, "country"],
      ];
      for (const [c, value, name] of cases) {
        const enc = await runStepsAsync(
          small.open(PROBE, ["probe.parquet"], fileTarget(dir, shared)),
        );
        const b = probeBatch(0, 3);
        if (name === "country") b.codes[c]![1] = value;
        else b.numbers[c]![1] = value;
        enc.write(b);
        await assert.rejects(
          runStepsAsync(enc.close()),
          (e: Error) => {
            assert.match(
              e.message,
              new RegExp(`^Cannot write probe\\.parquet: column ${name}: `),
              `${name} ${value}`,
            );
            assert.ok(!e.message.includes("\n"), e.message);
            return true;
          },
        );
        // The failed file is removed; abort afterwards is harmless.
        assert.deepEqual([...Deno.readDirSync(dir)], [], `${name} ${value}`);
        enc.abort();
      }
    } finally {
      shared.releaseAll();
    }
  });
});

Deno.test("Parquet: abort never throws and removes every name, even with row groups being compressed", async () => {
  await withTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/star`);
    Deno.mkdirSync(`${dir}/snowflake`);
    const shared = new SharedResourcePool();
    try {
      const names = ["star/probe.parquet", "snowflake/probe.parquet"];
      const enc = await runStepsAsync(
        small.open(PROBE, names, fileTarget(dir, shared)),
      );
      // 3,000 rows: two row groups handed to the worker, not yet written.
      enc.write(probeBatch(0, 3000));
      assert.ok(Deno.statSync(`${dir}/${names[0]}`).isFile);
      enc.abort();
      enc.abort();
      // Aborting before any row.
      const empty = await runStepsAsync(
        small.open(PROBE, ["empty.parquet"], fileTarget(dir, shared)),
      );
      empty.abort();
      // Let the compression requests settle.
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      shared.releaseAll();
    }
    assert.deepEqual([...Deno.readDirSync(`${dir}/star`)], []);
    assert.deepEqual([...Deno.readDirSync(`${dir}/snowflake`)], []);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["snowflake", "star"],
    );
  });
});

// CI failure (steps_test): an aborted Parquet run left snowflake_dim_date.parquet
// behind. The main thread removed the file, then the Parquet thread read its "open"
// request and created it again. The thread now only opens files that exist.
Deno.test("Parquet: the writer's thread never creates a file: an open that arrives after the file was removed leaves nothing", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/removed.parquet`;
    const worker = new ParquetWorker();
    try {
      const id = worker.newId([path]);
      const reply = await new Promise<Reply>((resolve) =>
        worker.send(
          {
            op: "open",
            id,
            table: PROBE,
            names: ["removed.parquet"],
            paths: [path],
            groupRows: 10,
          },
          resolve,
        )
      );
      assert.match(String(reply.error), /removed\.parquet/);
      assert.deepEqual([...Deno.readDirSync(dir)], []);
      // A file the main thread created is written as before.
      Deno.writeFileSync(path, new Uint8Array(0));
      const id2 = worker.newId([path]);
      const ok = await new Promise<Reply>((resolve) =>
        worker.send(
          {
            op: "open",
            id: id2,
            table: PROBE,
            names: ["removed.parquet"],
            paths: [path],
            groupRows: 10,
          },
          resolve,
        )
      );
      assert.equal(ok.error, undefined);
      assert.equal(ok.ok, true);
    } finally {
      worker.terminate();
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("Thrift compact writer: bytes as the protocol specification prescribes, worked out by hand", () => {
  const bytes = (fill: (w: CompactWriter) => void) => {
    const w = new CompactWriter();
    fill(w);
    return [...w.bytes()];
  };
  // Short field header: delta 1 in the high nibble, type i32 (5); zigzag(5) = 10.
  // A delta of 19 (> 15) takes the long form: type byte 0x05, then the field id
  // as a zigzag varint (20 → 40 = 0x28); zigzag(−3) = 5. Then stop.
  assert.deepEqual(
    bytes((w) => {
      w.i32(1, 5);
      w.i32(20, -3);
      w.stop();
    }),
    [0x15, 0x0a, 0x05, 0x28, 0x05, 0x00],
  );
  // A delta of exactly 15 still fits the nibble: 0xf5.
  assert.deepEqual(bytes((w) => w.i32(15, 0)), [0xf5, 0x00]);
  // A delta of 16 does not: 0x05, zigzag(16) = 32.
  assert.deepEqual(bytes((w) => w.i32(16, 0)), [0x05, 0x20, 0x00]);
  // Zigzag of negative numbers: −1 → 1, −64 → 127, −65 → 129 = 0x81 0x01,
  // 300 → 600 = 0xd8 0x04; i64 2^40 → 2^41 = five 0x80 then 0x40.
  assert.deepEqual(
    bytes((w) => {
      w.i32(1, -1);
      w.i32(2, -64);
      w.i32(3, -65);
      w.i32(4, 300);
      w.i64(5, 2 ** 40);
    }),
    [
      ...[0x15, 0x01],
      ...[0x15, 0x7f],
      ...[0x15, 0x81, 0x01],
      ...[0x15, 0xd8, 0x04],
      ...[0x16, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
    ],
  );
  // i8 (type 3) is one two's-complement byte; i16 (type 4) a zigzag varint.
  assert.deepEqual(
    bytes((w) => {
      w.i8(1, -1);
      w.i8(2, 64);
      w.i16(3, -2);
      w.i16(4, 1000);
    }),
    [0x13, 0xff, 0x13, 0x40, 0x14, 0x03, 0x14, 0xd0, 0x0f],
  );
  assert.throws(() => new CompactWriter().i8(1, 128), /128/);
  // Booleans: the value is the type, true 1, false 2.
  assert.deepEqual(
    bytes((w) => {
      w.bool(1, true);
      w.bool(2, false);
    }),
    [0x11, 0x12],
  );
  // Binary: length varint then UTF-8 bytes ("é" is c3 a9).
  assert.deepEqual(bytes((w) => w.binary(1, "é")), [0x18, 0x02, 0xc3, 0xa9]);
  // Lists: fewer than 15 elements in the header byte's high nibble (14 × i32 →
  // 0xe5); 15 or more take 0xf5 and the size as a varint (15 → 0x0f, 200 →
  // 0xc8 0x01). The list field header itself: delta 1, type list (9).
  const ints = (n: number) => (w: CompactWriter) => {
    w.list(1, T.I32, n);
    for (let i = 0; i < n; i++) w.listI32(-1);
  };
  assert.deepEqual(bytes(ints(14)), [0x19, 0xe5, ...Array(14).fill(0x01)]);
  assert.deepEqual(
    bytes(ints(15)),
    [0x19, 0xf5, 0x0f, ...Array(15).fill(0x01)],
  );
  assert.deepEqual(
    bytes(ints(200)),
    [0x19, 0xf5, 0xc8, 0x01, ...Array(200).fill(0x01)],
  );
  // Nested structs count field ids afresh, and the outer count resumes after
  // them: struct field 3 (0x3c) { i32 1 } stop, then i32 field 4 (delta 1).
  assert.deepEqual(
    bytes((w) => {
      w.struct(3);
      w.i32(1, 1);
      w.stop();
      w.i32(4, 0);
      w.stop();
    }),
    [0x3c, 0x15, 0x02, 0x00, 0x15, 0x00, 0x00],
  );
  // A list of structs: header 0x1c then 0x2c for two struct elements, each with
  // its own field ids from zero.
  assert.deepEqual(
    bytes((w) => {
      w.list(1, T.STRUCT, 2);
      for (const v of [7, 8]) {
        w.listStruct();
        w.i32(2, v);
        w.stop();
      }
      w.binary(2, "x");
    }),
    [0x19, 0x2c, 0x25, 0x0e, 0x00, 0x25, 0x10, 0x00, 0x18, 0x01, 0x78],
  );
});

Deno.test("SharedResourcePool opens a key once, releases last-opened first, and keeps nothing from a failed open", async () => {
  const pool = new SharedResourcePool();
  const log: string[] = [];
  function* open(name: string): Steps<string> {
    log.push(`open ${name}`);
    yield Promise.resolve();
    return name;
  }
  function* broken(): Steps<string> {
    yield;
    throw new Error("Cannot open");
  }
  const release = (r: string) => {
    log.push(`release ${r}`);
  };
  assert.equal(
    await runStepsAsync(pool.use("a", () => open("a"), release)),
    "a",
  );
  assert.equal(
    await runStepsAsync(pool.use("b", () => open("b"), release)),
    "b",
  );
  assert.equal(
    await runStepsAsync(pool.use("a", () => open("x"), release)),
    "a",
  );
  await assert.rejects(
    runStepsAsync(pool.use("c", broken, release)),
    /Cannot open/,
  );
  pool.releaseAll();
  pool.releaseAll();
  assert.deepEqual(log, ["open a", "open b", "release b", "release a"]);
});

Deno.test("Parquet: a row group closes early rather than let a string page pass its budget, and reads back whole", async () => {
  await withTempDir(async (dir) => {
    const t: Table = {
      name: "texts",
      grain: "One text.",
      primaryKey: ["id"],
      foreignKeys: [],
      columns: [col.int("id", "Key"), col.str("text", "Free text")],
    };
    const rows = 50;
    const b = new RowBatch(t, rows);
    for (let r = 0; r < rows; r++) {
      b.numbers[0]![r] = r;
      b.texts[1]![r] = `${"é".repeat(30)} ${r}`;
    }
    b.length = rows;
    // Budget 1,000 bytes, each string counted as 4 + 3 × 32 or 33 ≥ 100: at most ten rows
    // a group, in a file whose row groups would otherwise hold 1,000 rows.
    const w = new ParquetFileWriter(
      t,
      ["t.parquet"],
      [`${dir}/t.parquet`],
      1000,
      1000,
    );
    w.write(b);
    const r = w.finish();
    assert.equal(r.rows, rows);
    const bytes = Deno.readFileSync(`${dir}/t.parquet`);
    const file = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    );
    const meta = parquetMetadata(file);
    const sizes = meta.row_groups.map((g) => Number(g.num_rows));
    assert.equal(sizes.reduce((x, y) => x + y, 0), rows);
    assert.ok(sizes.length > 1 && sizes.every((n) => n <= 10), sizes.join(","));
    for (const g of meta.row_groups) {
      // No page of the string column holds more than the budget.
      assert.ok(
        Number(g.columns[1].meta_data!.total_uncompressed_size) <= 1000 + 64,
      );
    }
    const back = await parquetReadObjects({ file, compressors });
    back.forEach((row, i) =>
      assert.equal(row.text, b.texts[1]![i], `row ${i}`)
    );
  });
});
