/**
 * The Parquet encoding (`lib/encoding/parquet.ts`) against readers and tools that are
 * not the writer: every cell read back by hyparquet (a pure-JavaScript Parquet reader)
 * equals the batch's value, the Parquet types and codec are those documented, row
 * groups have the fixed size, digests are `sha256sum`'s, and the bytes do not depend
 * on time zone, locale or DuckDB's thread count (a child process and `sha256sum` as
 * oracles).
 */
import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { FileMetaData, ParquetParsers, SchemaElement } from "hyparquet";
import { compressors } from "hyparquet-compressors";
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
import { PARQUET, ROW_GROUP_SIZE } from "../lib/encoding/parquet.ts";
import { SharedResourcePool } from "../lib/encoding/shared.ts";
import { RowBatch } from "../lib/schema/row_batch.ts";
import { col, type Table } from "../lib/schema/table.ts";
import { runStepsAsync, type Steps } from "../lib/steps.ts";
import { ROOT } from "./helpers.ts";

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

/** Parsers that keep timestamps as bigint microseconds and dates as day numbers. */
const RAW_PARSERS = {
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromMilliseconds: (millis: bigint) => millis,
  dateFromDays: (days: number) => days,
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

Deno.test("Parquet: every cell read back by hyparquet equals the batch's value", async () => {
  await withTempDir(async (dir) => {
    const r = await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"]);
    const path = `${dir}/probe.parquet`;
    const file = readBuffer(path);
    const meta = parquetMetadata(file);
    assert.equal(Number(meta.num_rows), 5000);
    assert.equal(r.rows, 5000);
    // Exact values: unscaled decimals, microseconds, day numbers.
    const raw = await parquetReadObjects({
      file,
      metadata: unscaled(meta),
      compressors,
      parsers: RAW_PARSERS,
    });
    // Readable values: hyparquet's own Dates for the timestamps.
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
      assert.equal(row.at, BigInt(Date.parse(clock.utc)) * 1000n);
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

Deno.test("Parquet: column names and order, physical and logical types, no nulls, codec ZSTD and created_by", async () => {
  await withTempDir(async (dir) => {
    await writeParquet(PROBE, probeBatches(), dir, ["probe.parquet"]);
    const meta = parquetMetadata(readBuffer(`${dir}/probe.parquet`));
    assert.deepEqual(
      meta.schema.slice(1).map((e) => e.name),
      PROBE.columns.map((c) => c.name),
    );
    // DuckDB declares every column OPTIONAL; the statistics show no nulls.
    for (const g of meta.row_groups) {
      for (const c of g.columns) {
        const name = c.meta_data?.path_in_schema[0];
        assert.equal(c.meta_data?.statistics?.null_count, 0n, name);
      }
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
      const [name, precision, scale] of [["score", 5, 4], ["delta", 2, 1], [
        "amount",
        12,
        2,
      ]] as const
    ) {
      const e = element(meta, name);
      assert.equal(e.converted_type, "DECIMAL", name);
      assert.equal(e.precision, precision, name);
      assert.equal(e.scale, scale, name);
    }
    assert.equal(element(meta, "day").converted_type, "DATE");
    assert.deepEqual(element(meta, "at").logical_type, {
      type: "TIMESTAMP",
      isAdjustedToUTC: true,
      unit: "MICROS",
    });
    assert.deepEqual(element(meta, "local_at").logical_type, {
      type: "TIMESTAMP",
      isAdjustedToUTC: false,
      unit: "MICROS",
    });
    for (const name of ["note", "country"]) {
      assert.equal(element(meta, name).converted_type, "UTF8", name);
    }
    assert.equal(element(meta, "id").converted_type, "INT_32");
    assert.equal(element(meta, "big").converted_type, "INT_64");
    for (const g of meta.row_groups) {
      for (const c of g.columns) {
        assert.equal(
          c.meta_data?.codec,
          "ZSTD",
          c.meta_data?.path_in_schema[0],
        );
      }
    }
    // The writer's version, as the encoding reports it, is in created_by.
    const version = await runStepsAsync(PARQUET.writerVersion());
    assert.match(version ?? "", /^v\d+\.\d+\.\d+/);
    assert.ok(
      meta.created_by?.includes(`DuckDB version ${version} `),
      meta.created_by,
    );
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

Deno.test("Parquet: row groups hold ROW_GROUP_SIZE rows but the last, whatever the thread count", async () => {
  await withTempDir(async (dir) => {
    const batches = narrowBatches();
    const one = await writeParquet(NARROW, batches, dir, ["one.parquet"], {
      threads: 1,
    });
    const two = await writeParquet(NARROW, batches, dir, ["two.parquet"], {
      threads: 2,
    });
    assert.equal(one.rows, NARROW_ROWS);
    const file = readBuffer(`${dir}/one.parquet`);
    const meta = parquetMetadata(file);
    assert.deepEqual(
      meta.row_groups.map((g) => Number(g.num_rows)),
      [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 54_240],
    );
    // Insertion order is kept across row groups.
    const rows = await parquetReadObjects({
      file,
      compressors,
      columns: ["id"],
    });
    assert.equal(rows.length, NARROW_ROWS);
    assert.ok(rows.every((row, i) => row.id === i));
    const [a, b] = sha256sum(`${dir}/one.parquet`, `${dir}/two.parquet`);
    assert.equal(a, b);
    assert.equal(one.sha256, a);
    assert.equal(two.sha256, b);
  });
});

Deno.test("Parquet: staging data spilled to disk under a memory limit gives the same bytes", async () => {
  await withTempDir(async (dir) => {
    // About 20 MB of staging data; row groups of 10,240 rows keep the writer's
    // own buffer small.
    const table: Table = {
      name: "spilled",
      grain: "One row.",
      columns: [
        col.int("id", "Row number"),
        col.str("a", "Text"),
        col.str("b", "Text"),
      ],
      primaryKey: ["id"],
      foreignKeys: [],
    };
    const batches: RowBatch[] = [];
    for (let from = 0; from < 200_000; from += 10_000) {
      const b = new RowBatch(table, 10_000);
      for (let r = 0; r < 10_000; r++) {
        const k = from + r;
        b.numbers[0]![r] = k;
        b.texts[1]![r] = `some longer text, number ${(k * 7919) % 1_000_003}`;
        b.texts[2]![r] = `other ${k} and more padding text here`;
      }
      b.length = 10_000;
      batches.push(b);
    }
    const spill = `${dir}/spill`;
    Deno.mkdirSync(spill);
    const rowGroupSize = 10_240, memoryLimit = "12MB";
    await writeParquet(table, batches, dir, ["free.parquet"], { rowGroupSize });
    await writeParquet(table, batches, dir, ["spilled.parquet"], {
      rowGroupSize,
      memoryLimit,
      spillDirectory: spill,
    });
    const [free, spilled] = sha256sum(
      `${dir}/free.parquet`,
      `${dir}/spilled.parquet`,
    );
    assert.equal(spilled, free);
    assert.deepEqual([...Deno.readDirSync(spill)], []);
    // Control: the data does not fit that limit without spilling.
    await assert.rejects(
      writeParquet(table, batches, dir, ["unspilled.parquet"], {
        rowGroupSize,
        memoryLimit,
      }),
      /^Error: Cannot write unspilled\.parquet: /,
    );
  });
});

Deno.test("Parquet: tables written at once through one shared DuckDB equal tables written alone", async () => {
  await withTempDir(async (dir) => {
    const alone = await writeParquet(PROBE, probeBatches(), dir, [
      "alone.parquet",
    ]);
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
      const a = await runStepsAsync(PARQUET.open(PROBE, ["a.parquet"], target));
      const b = await runStepsAsync(PARQUET.open(PROBE, ["b.parquet"], target));
      // Interleaved batches; b's rows are a's in the same order.
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
  });
});

Deno.test("Parquet: the reported size and SHA-256 are the file's, and a second name gets an identical copy", async () => {
  await withTempDir(async (dir) => {
    Deno.mkdirSync(`${dir}/star`);
    Deno.mkdirSync(`${dir}/snowflake`);
    const names = ["star/probe.parquet", "snowflake/probe.parquet"];
    const r = await writeParquet(PROBE, probeBatches(), dir, names);
    assert.deepEqual(r.names, names);
    const [a, b] = sha256sum(`${dir}/${names[0]}`, `${dir}/${names[1]}`);
    assert.equal(r.sha256, a);
    assert.equal(b, a);
    assert.equal(r.bytes, Deno.statSync(`${dir}/${names[0]}`).size);
    assert.equal(r.bytes, Deno.statSync(`${dir}/${names[1]}`).size);
  });
});

Deno.test("Parquet: the same rows give the same bytes, in another process, time zone, locale and thread count", async () => {
  await withTempDir(async (dir) => {
    const first = await writeParquet(PROBE, probeBatches(), dir, ["a.parquet"]);
    await writeParquet(PROBE, probeBatches(), dir, ["b.parquet"]);
    await writeParquet(PROBE, probeBatches(), dir, ["c.parquet"], {
      threads: 2,
    });
    // A dictionary column and the same strings as free text are the same column.
    await writeParquet(PROBE, probeBatches(false), dir, ["d.parquet"]);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}/tests/parquet_fixture.ts`,
        `${dir}/e.parquet`,
        "1",
      ],
      env: {
        TZ: "America/New_York",
        LC_ALL: "de_DE.UTF-8",
        LANG: "de_DE.UTF-8",
      },
    }).outputSync();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    const sums = sha256sum(
      ...["a", "b", "c", "d", "e"].map((n) => `${dir}/${n}.parquet`),
    );
    assert.deepEqual(sums, Array(5).fill(first.sha256));
    assert.equal(new TextDecoder().decode(child.stdout).trim(), sums[4]);
  });
});

Deno.test("Parquet: loading the encoding does not load DuckDB (a child without FFI permission)", async () => {
  await withTempDir((dir) => {
    const run = (source: string) => {
      Deno.writeTextFileSync(`${dir}/probe.ts`, source);
      return new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-prompt",
          `--allow-read=${ROOT}`,
          "--config",
          `${ROOT}/deno.json`,
          `${dir}/probe.ts`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).outputSync();
    };
    const lazy = run(
      `import { PARQUET } from "${ROOT}/lib/encoding/parquet.ts";\n` +
        `console.log(PARQUET.name, PARQUET.mediaType);\n`,
    );
    assert.equal(lazy.code, 0, new TextDecoder().decode(lazy.stderr));
    assert.equal(
      new TextDecoder().decode(lazy.stdout).trim(),
      "parquet application/vnd.apache.parquet",
    );
    // Control: importing DuckDB itself fails in such a child.
    const eager = run(
      `import { version } from "@duckdb/node-api";\nconsole.log(version());\n`,
    );
    assert.notEqual(eager.code, 0);
  });
});

Deno.test("Parquet: a file that cannot be written is an error naming it, and nothing is left behind", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      // The folder "missing" does not exist.
      const enc = await runStepsAsync(
        PARQUET.open(PROBE, ["missing/probe.parquet"], fileTarget(dir, shared)),
      );
      enc.write(probeBatch(0, 10));
      await assert.rejects(
        runStepsAsync(enc.close()),
        (e: Error) => {
          assert.match(e.message, /^Cannot write missing\/probe\.parquet: /);
          assert.ok(!e.message.includes("\n"), e.message);
          return true;
        },
      );
      // The shared DuckDB still serves the next table.
      const ok = await runStepsAsync(
        PARQUET.open(PROBE, ["probe.parquet"], fileTarget(dir, shared)),
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

Deno.test("Parquet: a value the column's type cannot hold is an error naming the file and column", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      // [column index, value, column name]: DECIMAL(5,4) holds at most 9.9999
      // (99,999 units), DECIMAL(2,1) at least −9.9, INTEGER at most 2^31 − 1,
      // BIGINT only integers.
      const cases: [number, number, string][] = [
        [2, 100_000, "score"],
        [3, -100, "delta"],
        [0, 2 ** 31, "id"],
        [1, 1.5, "big"],
        // A code past the end of the dictionary.
        [10, COUNTRIES.length, "country"],
      ];
      for (const [c, value, name] of cases) {
        const enc = await runStepsAsync(
          PARQUET.open(PROBE, ["probe.parquet"], fileTarget(dir, shared)),
        );
        const b = probeBatch(0, 3);
        if (name === "country") b.codes[c]![1] = value;
        else b.numbers[c]![1] = value;
        assert.throws(
          () => enc.write(b),
          (e: Error) => {
            assert.match(
              e.message,
              new RegExp(`^Cannot write probe\\.parquet: column ${name}: `),
            );
            assert.ok(!e.message.includes("\n"), e.message);
            return true;
          },
        );
        enc.abort();
      }
    } finally {
      shared.releaseAll();
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("Parquet: abort after writing never throws and leaves no file", async () => {
  await withTempDir(async (dir) => {
    const shared = new SharedResourcePool();
    try {
      const enc = await runStepsAsync(
        PARQUET.open(PROBE, ["probe.parquet"], fileTarget(dir, shared)),
      );
      enc.write(probeBatch(0, 100));
      enc.abort();
      enc.abort();
      assert.throws(() => enc.write(probeBatch(0, 1)), /Cannot write probe/);
    } finally {
      shared.releaseAll();
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
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
