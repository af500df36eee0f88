/**
 * `bench` end to end, as a user runs it (a subprocess of main.ts): on a small dataset
 * every reference query agrees across the three representations; a broken copy (a
 * fact row dropped from star, a dimension value changed in snowflake) exits 1 naming
 * the query; a fact row pointing at a missing dimension key fails the load naming the
 * table and key; `--db FILE` keeps a database that DuckDB opens again, and is not
 * overwritten without `--force`. Row counts are checked against the manifest (written
 * by the generator, read here with JSON.parse), not against the loader's own counts.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { generateTemp, ROOT, runMain } from "./helpers.ts";
import { REFERENCE_QUERIES } from "../lib/workload/query_set.ts";
import { connectPostgres } from "../lib/workload/postgres_load.ts";
import {
  POSTGRES_URL,
  postgresAvailable,
  withDatabase,
  withScratchDatabase,
} from "./postgres_helpers.ts";

const data = generateTemp({ sessions: 300, users: 60, seed: 20261130 });
const BENCH = ["bench", "--runs", "1", "--warmup", "0"];
const ENV = { TZ: "Asia/Kolkata" };

/** A copy of the dataset folder (cp -r), removed by the returned function. */
function copyDataset(name = "copy"): { dir: string; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-bench-" });
  const dir = `${parent}/${name}`;
  const r = new Deno.Command("cp", { args: ["-r", data.dir, dir] })
    .outputSync();
  assert.equal(r.code, 0);
  return {
    dir,
    cleanup: () => Deno.removeSync(parent, { recursive: true }),
  };
}

/** Rewrite one file's lines. */
function editLines(path: string, edit: (lines: string[]) => string[]): void {
  const lines = Deno.readTextFileSync(path).split("\n");
  Deno.writeTextFileSync(path, edit(lines).join("\n"));
}

/** The manifest's row count of a file, from manifest.json as written. */
function manifestRows(prefix: string): number {
  const m = JSON.parse(Deno.readTextFileSync(`${data.dir}/manifest.json`));
  return m.files.filter((f: { path: string }) => f.path.startsWith(prefix))
    .reduce((a: number, f: { rows: number }) => a + f.rows, 0);
}

Deno.test("bench: every reference query agrees across raw, star and snowflake", () => {
  const copy = copyDataset();
  try {
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(
      Deno.readTextFileSync(`${copy.dir}/bench.json`),
    );
    assert.equal(report.queries.length, REFERENCE_QUERIES.length * 3);
    assert.equal(report.agreement.length, REFERENCE_QUERIES.length * 2);
    assert(report.agreement.every((a: { agrees: boolean }) => a.agrees));
    for (const rep of ["raw", "star", "snowflake"]) {
      const load = report.loads.find((l: { representation: string }) =>
        l.representation === rep
      );
      assert.equal(load.rows, manifestRows(`${rep}/`), rep);
    }
    for (const q of REFERENCE_QUERIES) {
      assert(r.stdout.includes(q.id), `${q.id} in the table`);
    }
    assert(Deno.readTextFileSync(`${copy.dir}/bench.svg`).startsWith("<svg"));
    assert(Deno.readTextFileSync(`${copy.dir}/bench.md`).includes("| q13"));
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench: a fact row dropped from the star copy exits 1 naming the query", () => {
  const copy = copyDataset();
  try {
    // The last turn of the last session: no other row refers to it, so it loads.
    editLines(`${copy.dir}/star/fact_turn.csv`, (l) => {
      const body = l.filter((x) => x !== "");
      return [...body.slice(0, -1), ""];
    });
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: q01 \(/);
    assert.match(
      r.stderr,
      /warning: DuckDB loaded \d+ rows into star\.fact_turn, but the manifest lists/,
    );
    // raw and snowflake agree, so star is named as the one that disagrees.
    assert.match(
      r.stderr,
      /DuckDB star disagrees: Row \d+ differs in column turns/,
    );
    assert.doesNotMatch(r.stderr, /DuckDB (raw|snowflake) disagrees/);
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench: a dimension value changed in the snowflake copy exits 1 naming the query", () => {
  const copy = copyDataset();
  try {
    editLines(
      `${copy.dir}/snowflake/dim_region.csv`,
      (l) => l.map((x, i) => i === 1 ? x.replace(/,(.*)$/, ",Atlantis") : x),
    );
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: q05 \(.*DuckDB snowflake disagrees/);
    assert.match(r.stderr, /Atlantis/);
    assert.doesNotMatch(r.stderr, /error: q01 /, "q01 does not read regions");
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench: a fact row with a missing dimension key fails the load naming table and key", () => {
  const copy = copyDataset();
  try {
    editLines(`${copy.dir}/star/fact_turn.csv`, (l) =>
      l.map((x, i) => {
        if (i !== 1) return x;
        const cells = x.split(",");
        cells[5] = "999"; // intent_key
        return cells.join(",");
      }));
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /star\.fact_turn failed: intent_key 999 has no row in star\.dim_intent/,
    );
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench --db keeps a database DuckDB opens again, and refuses to overwrite it", async () => {
  const copy = copyDataset();
  const db = `${copy.dir}/../kept.duckdb`;
  try {
    const r = runMain(["-A"], [...BENCH, copy.dir, "--db", db], ENV);
    assert.equal(r.code, 0, r.stderr);
    const instance = await DuckDBInstance.create(db, {
      access_mode: "READ_ONLY",
    });
    const c = await instance.connect();
    const rows = await c.runAndReadAll(
      "SELECT (SELECT count(*) FROM raw.turns), (SELECT count(*) FROM star.fact_turn), (SELECT count(*) FROM snowflake.fact_session)",
    );
    assert.deepEqual(rows.getRows()[0].map(Number), [
      manifestRows("raw/"),
      manifestRows("star/fact_turn"),
      manifestRows("snowflake/fact_session"),
    ]);
    c.closeSync();
    instance.closeSync();
    const again = runMain(["-A"], [...BENCH, copy.dir, "--db", db], ENV);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /kept\.duckdb" already exists/);
    const forced = runMain(
      ["-A"],
      [...BENCH, copy.dir, "--db", db, "--force"],
      ENV,
    );
    assert.equal(forced.code, 0, forced.stderr);
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench on a folder whose name holds a comma, a quote and a space", () => {
  // Regression: the folder went into DuckDB's file_search_path, a comma-separated
  // list inside a SQL string literal.
  const copy = copyDataset("it's, a copy");
  try {
    const r = runMain(["-A"], [...BENCH, copy.dir], ENV);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench --db refuses a missing folder, a folder, and a path inside the dataset", () => {
  const cases: [string[], RegExp][] = [
    [
      ["--db", "/nonexistent-chatsynth/x.duckdb"],
      /no folder "\/nonexistent-chatsynth"/,
    ],
    [["--db", data.dir, "--force"], /is a folder/],
    [
      ["--db", `${data.dir}/manifest.json`, "--force"],
      /inside the dataset folder/,
    ],
  ];
  for (const [flags, message] of cases) {
    const r = runMain(["-A"], [...BENCH, data.dir, ...flags], ENV);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /Uncaught|^\s+at /m, "no stack trace");
  }
  assert(Deno.statSync(`${data.dir}/manifest.json`).isFile, "manifest kept");
});

Deno.test("bench --postgres never prints the password, even one that makes the URL invalid", () => {
  for (const password of ["se/cret", "pa#ss", "plain"]) {
    const url = `postgres://chatsynth:${password}@127.0.0.1:99999/db`;
    const r = runMain(["-A"], [...BENCH, data.dir, "--postgres", url], ENV);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Cannot connect to PostgreSQL at postgres:\/\/chatsynth@/,
    );
    assert(!r.stderr.includes(password), r.stderr);
  }
});

Deno.test("bench loads DIR's files, not same-named files of the working folder", () => {
  // Regression: relative paths in the load scripts were looked up in the working
  // folder first, so another dataset's files loaded under DIR's manifest.
  const other = generateTemp({ sessions: 40, users: 10, seed: 7 });
  const copy = copyDataset();
  try {
    const r = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}/main.ts`, ...BENCH, copy.dir],
      cwd: other.dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, stderr);
    const report = JSON.parse(Deno.readTextFileSync(`${copy.dir}/bench.json`));
    const raw = report.loads.find((l: { representation: string }) =>
      l.representation === "raw"
    );
    assert.equal(raw.rows, manifestRows("raw/"));
  } finally {
    copy.cleanup();
    other.cleanup();
  }
});

Deno.test("bench interrupted while loading: exit 130, the unfinished --db file removed", async () => {
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
      if (text.includes("Loaded raw")) break;
    }
    child.kill("SIGINT");
    const status = await child.status;
    assert.equal(status.code, 130, text);
    assert.throws(() => Deno.statSync(db), Deno.errors.NotFound);
    assert.throws(() => Deno.statSync(`${db}.wal`), Deno.errors.NotFound);
  } finally {
    copy.cleanup();
  }
});

Deno.test("bench on a dataset of two formats compares those two", () => {
  const two = generateTemp({
    sessions: 120,
    users: 30,
    formats: ["raw", "snowflake"],
  });
  try {
    const r = runMain(["-A"], [...BENCH, two.dir], ENV);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(Deno.readTextFileSync(`${two.dir}/bench.json`));
    assert.deepEqual(
      [
        ...new Set(
          report.loads.map((l: { representation: string }) => l.representation),
        ),
      ],
      ["raw", "snowflake"],
    );
    assert.equal(report.agreement.length, REFERENCE_QUERIES.length);
    assert(report.agreement.every((a: { agrees: boolean }) => a.agrees));
  } finally {
    two.cleanup();
  }
});

const PG_SKIP = await postgresAvailable();
if (PG_SKIP) console.log(`skipped: bench --postgres tests: ${PG_SKIP}`);

Deno.test({
  name:
    "bench --postgres: star and snowflake answers in PostgreSQL equal DuckDB's",
  ignore: PG_SKIP !== undefined,
  fn: async () => {
    const copy = copyDataset();
    try {
      await withScratchDatabase("bench", (url) => {
        const r = runMain(
          ["-A"],
          [...BENCH, copy.dir, "--postgres", url],
          ENV,
        );
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(
          Deno.readTextFileSync(`${copy.dir}/bench.json`),
        );
        const pg = report.agreement.filter((a: { engine: string }) =>
          a.engine === "postgres"
        );
        assert.equal(pg.length, REFERENCE_QUERIES.length * 2);
        assert(pg.every((a: { agrees: boolean }) => a.agrees));
        for (const rep of ["star", "snowflake"]) {
          const load = report.loads.find((
            l: { engine: string; representation: string },
          ) => l.engine === "postgres" && l.representation === rep);
          assert.equal(load.rows, manifestRows(`${rep}/`), rep);
        }
        assert.match(report.machine.postgres, /^15\./);
      });
    } finally {
      copy.cleanup();
    }
  },
});

Deno.test({
  name:
    "bench --postgres: a database whose collation is not byte order is compared as sets, and a broken copy still fails",
  ignore: PG_SKIP !== undefined,
  fn: async () => {
    const copy = copyDataset();
    const name = "chatsynth_t_bench_collation";
    const admin = await connectPostgres(POSTGRES_URL);
    try {
      // An ICU locale: text sorts by en-US rules ("a" < "B" < "b"), not by the
      // byte order DuckDB uses ("B" < "a" < "b"); datcollate still says C.utf8.
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
      await admin.unsafe(
        `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.utf8'`,
      );
      const url = withDatabase(POSTGRES_URL, name);
      const ok = runMain(["-A"], [...BENCH, copy.dir, "--postgres", url], ENV);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(
        ok.stderr,
        /collation "icu:en-US".*compared as sets of rows/,
      );
      editLines(
        `${copy.dir}/snowflake/dim_region.csv`,
        (l) => l.map((x, i) => i === 1 ? x.replace(/,(.*)$/, ",Atlantis") : x),
      );
      const bad = runMain(
        ["-A"],
        [...BENCH, copy.dir, "--postgres", url],
        ENV,
      );
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, /error: q05 \(.*PostgreSQL snowflake disagrees/);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
      copy.cleanup();
    }
  },
});

Deno.test({
  name: "bench: cleanup of the shared dataset",
  fn: () => data.cleanup(),
});
