/**
 * `bench` on a dataset generated in both encodings (`--encoding text,parquet`), as a
 * user runs it (a subprocess of main.ts): every reference query agrees across the three
 * representations in both encodings, and each Parquet load holds the rows the
 * manifest lists (read with JSON.parse); one value rewritten in a Parquet file (with
 * DuckDB's own COPY) exits 1 naming the Parquet star as the one that disagrees; a
 * Parquet column of the wrong type fails the load naming the file.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { ROOT, runMain } from "./helpers.ts";
import { REFERENCE_QUERIES } from "../lib/workload/query_set.ts";

const BENCH = ["bench", "--runs", "1", "--warmup", "0"];
const ENV = { TZ: "Asia/Kolkata" };

/** A SQL string literal. */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Rewrite a Parquet file through DuckDB: `select` reads it as `t`. */
async function rewriteParquet(path: string, select: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(
      `CREATE TABLE t AS SELECT * FROM read_parquet(${lit(path)})`,
    );
    await c.run(`COPY (${select}) TO ${lit(path)} (FORMAT parquet)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** A dataset in `encodings`, written by the command line. */
function generateBoth(
  sessions = "300",
  encodings = "text,parquet",
): { dir: string; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-bench-pq-" });
  const dir = `${parent}/out`;
  const r = runMain(["-A"], [
    "-q",
    "--sessions",
    sessions,
    "--users",
    "60",
    "--seed",
    "20261130",
    "--encoding",
    encodings,
    "--out",
    dir,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return {
    dir,
    cleanup: () => Deno.removeSync(parent, { recursive: true }),
  };
}

const data = generateBoth();

/** A copy of the dataset folder (cp -r), removed by the returned function. */
function copyDataset(): { dir: string; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-bench-pq-" });
  const dir = `${parent}/copy`;
  const r = new Deno.Command("cp", { args: ["-r", data.dir, dir] })
    .outputSync();
  assert.equal(r.code, 0);
  return {
    dir,
    cleanup: () => Deno.removeSync(parent, { recursive: true }),
  };
}

/** The manifest's rows of the files starting with `prefix` and ending with `ext`. */
function manifestRows(prefix: string, ext: string): number {
  const m = JSON.parse(Deno.readTextFileSync(`${data.dir}/manifest.json`));
  return m.files.filter((f: { path: string }) =>
    f.path.startsWith(prefix) && f.path.endsWith(ext)
  ).reduce((a: number, f: { rows: number }) => a + f.rows, 0);
}

Deno.test("bench: every answer agrees across representations and encodings (text, Parquet)", () => {
  const copy = copyDataset();
  try {
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(Deno.readTextFileSync(`${copy.dir}/bench.json`));
    // 3 representations × 2 encodings per query; all but the reference compared.
    assert.equal(report.queries.length, REFERENCE_QUERIES.length * 6);
    assert.equal(report.agreement.length, REFERENCE_QUERIES.length * 5);
    assert(report.agreement.every((a: { agrees: boolean }) => a.agrees));
    for (const encoding of ["text", "parquet"]) {
      for (const rep of ["raw", "star", "snowflake"]) {
        const load = report.loads.filter((
          l: { representation: string; encoding: string },
        ) => l.representation === rep && l.encoding === encoding);
        assert.equal(load.length, 1, `${rep} ${encoding}`);
        const ext = encoding === "parquet"
          ? ".parquet"
          : rep === "raw"
          ? ".jsonl"
          : ".csv";
        assert.equal(
          load[0].rows,
          manifestRows(`${rep}/`, ext),
          `${rep}${ext}`,
        );
      }
    }
    assert.match(r.stdout, /star \(DuckDB, Parquet\)/);
    assert.match(
      Deno.readTextFileSync(`${copy.dir}/bench.md`),
      /^\| star \| Parquet \| [\d,.]+ \| [\d,]+ \|$/m,
    );
    const svg = Deno.readTextFileSync(`${copy.dir}/bench.svg`);
    assert(svg.includes(">raw (DuckDB, Parquet)<"), "the chart names Parquet");
    assert(svg.includes(">raw (DuckDB, text)<"), "and text");
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench: one value rewritten in a Parquet file exits 1 naming the Parquet star", async () => {
  const copy = copyDataset();
  try {
    await rewriteParquet(
      `${copy.dir}/star/dim_user.parquet`,
      "SELECT * REPLACE (CASE WHEN user_key = (SELECT min(user_key) FROM t) THEN 'Atlantis' ELSE region END AS region) FROM t ORDER BY user_key",
    );
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /error: q05 \(.*DuckDB star \(Parquet\) disagrees: .*Atlantis/,
    );
    assert.doesNotMatch(
      r.stderr,
      /DuckDB (raw|snowflake) \(Parquet\) disagrees|\(text\) disagrees/,
    );
    assert.doesNotMatch(r.stderr, /error: q01 /, "q01 does not read regions");
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench: a Parquet column of another type than the DDL's fails the load naming the file", async () => {
  const copy = copyDataset();
  try {
    await rewriteParquet(
      `${copy.dir}/snowflake/dim_region.parquet`,
      "SELECT * REPLACE (CAST(region_key AS VARCHAR) AS region_key) FROM t",
    );
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /Cannot load snowflake\.dim_region: "snowflake\/dim_region\.parquet" has column 1 "region_key VARCHAR", not the schema's "region_key INTEGER"/,
    );
    assert.doesNotMatch(r.stderr, /Uncaught|^\s+at /m, "no stack trace");
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench --db on a dataset in both encodings keeps the database of the text files", async () => {
  const copy = copyDataset();
  const db = `${copy.dir}/../kept.duckdb`;
  try {
    // The Parquet raw log loses its last line: a kept Parquet database would show it.
    await rewriteParquet(
      `${copy.dir}/raw/turns.parquet`,
      "SELECT * FROM t ORDER BY session_id, turn_number LIMIT (SELECT count(*) - 1 FROM t)",
    );
    const r = runMain(["-A"], [...BENCH, copy.dir, "--db", db], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /DuckDB raw \(Parquet\) disagrees/);
    const instance = await DuckDBInstance.create(db, {
      access_mode: "READ_ONLY",
    });
    const c = await instance.connect();
    const rows = await c.runAndReadAll("SELECT count(*) FROM raw.turns");
    assert.equal(Number(rows.getRows()[0][0]), manifestRows("raw/", ".jsonl"));
    c.closeSync();
    instance.closeSync();
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench on a dataset in Parquet alone names the encoding and keeps it with --db", async () => {
  const only = generateBoth("60", "parquet");
  const db = `${only.dir}/../parquet.duckdb`;
  try {
    const r = runMain(["-A"], [...BENCH, only.dir, "--db", db], ENV);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(Deno.readTextFileSync(`${only.dir}/bench.json`));
    assert.deepEqual(
      [...new Set(report.loads.map((l: { encoding: string }) => l.encoding))],
      ["parquet"],
    );
    assert(report.agreement.every((a: { agrees: boolean }) => a.agrees));
    assert.match(r.stdout, /^star \(DuckDB, Parquet\) /m);
    assert.match(r.stdout, /loaded from Parquet files/);
    const m = JSON.parse(Deno.readTextFileSync(`${only.dir}/manifest.json`));
    const turns = m.files.find((f: { path: string }) =>
      f.path === "star/fact_turn.parquet"
    );
    const instance = await DuckDBInstance.create(db, {
      access_mode: "READ_ONLY",
    });
    const c = await instance.connect();
    const rows = await c.runAndReadAll("SELECT count(*) FROM star.fact_turn");
    assert.equal(Number(rows.getRows()[0][0]), turns.rows);
    c.closeSync();
    instance.closeSync();
  } finally {
    only.cleanup();
  }
});

Deno.test("bench interrupted while loading Parquet: exit 130, the --db file of the text files removed", async () => {
  const copy = copyDataset();
  const db = `${copy.dir}/../interrupted.duckdb`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", ...BENCH, copy.dir, "--db", db],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk);
      if (text.includes("Loaded raw (Parquet)")) break;
    }
    // The text database is complete by now: the Parquet one is loading.
    assert(Deno.statSync(db).isFile, text);
    child.kill("SIGINT");
    const status = await child.status;
    assert.equal(status.code, 130, text);
    assert.throws(() => Deno.statSync(db), Deno.errors.NotFound);
    assert.throws(() => Deno.statSync(`${db}.wal`), Deno.errors.NotFound);
  } finally {
    copy.cleanup();
  }
});

Deno.test({
  name: "bench parquet: cleanup of the shared dataset",
  fn: () => data.cleanup(),
});
