/**
 * Loading a dataset into DuckDB and PostgreSQL with the repository's `sql/` scripts:
 * row counts against the dataset's manifest and psql, constraints that refuse
 * corrupted copies with a message naming the table and key, and the committed SQL
 * against the schema it is derived from and the files a run writes.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { CheckFailure, UsageError } from "../lib/errors.ts";
import { derivedSqlFiles } from "../lib/workload/ddl.ts";
import { loadDuckDb } from "../lib/workload/duckdb_load.ts";
import {
  connectPostgres,
  loadPostgres,
  postgresCollation,
  type PostgresRepresentation,
} from "../lib/workload/postgres_load.ts";
import type { Representation } from "../lib/workload/representation.ts";
import { listFiles, readCsv, ROOT, runMain } from "./helpers.ts";
import {
  postgresAvailable,
  psqlAvailable,
  withScratchDatabase,
} from "./postgres_helpers.ts";

/** The error `fn` rejects with (failing when it resolves). */
async function rejects(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`Rejected with a non-Error: ${String(e)}`);
  }
  throw new Error("Expected a rejection, but it resolved");
}

// ---------------------------------------------------------------------------------
// One small dataset, generated once through the CLI.

const PARENT = Deno.makeTempDirSync({ prefix: "chatsynth-load-" });
const DATASET = `${PARENT}/ds`;
{
  const r = runMain(
    ["-P", `--allow-read=.,${PARENT}`, `--allow-write=${PARENT}`],
    ["--sessions", "300", "--out", DATASET, "--quiet"],
  );
  if (r.code !== 0) {
    throw new Error(`Generating the test dataset failed: ${r.stderr}`);
  }
}
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(PARENT, { recursive: true });
  } catch { /* already gone */ }
});

/** Data rows per file path, as the dataset's manifest.json lists them. */
const MANIFEST_ROWS: Map<string, number> = new Map(
  (JSON.parse(Deno.readTextFileSync(`${DATASET}/manifest.json`)) as {
    files: { path: string; rows: number }[];
  }).files.map((f) => [f.path, f.rows]),
);

/** The manifest's row count of a table's file. */
function manifestRows(rep: Representation, table: string): number {
  const path = rep === "raw" ? `raw/${table}.jsonl` : `${rep}/${table}.csv`;
  const rows = MANIFEST_ROWS.get(path);
  if (rows === undefined) throw new Error(`${path} is not in the manifest`);
  return rows;
}

let copies = 0;

/**
 * A copy of the dataset in a new folder, `corrupt` applied to it.
 *
 * @param corrupt Edits the copy, given its folder.
 */
function corruptedCopy(corrupt: (dir: string) => void): string {
  const dir = `${PARENT}/copy${++copies}`;
  for (const rel of listFiles(DATASET)) {
    const to = `${dir}/${rel}`;
    Deno.mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    Deno.copyFileSync(`${DATASET}/${rel}`, to);
  }
  corrupt(dir);
  return dir;
}

/**
 * Set one cell of a CSV file without quoted fields (the column found by the strict
 * parser in the header).
 *
 * @param row 1-based data row.
 */
function setCell(path: string, row: number, column: string, value: string) {
  const col = readCsv(path).header.indexOf(column);
  assert(col >= 0, `${path} has no column ${column}`);
  const lines = Deno.readTextFileSync(path).split("\n");
  assert(!lines[row].includes('"'), `${path} row ${row} has quoted fields`);
  const cells = lines[row].split(",");
  cells[col] = value;
  lines[row] = cells.join(",");
  Deno.writeTextFileSync(path, lines.join("\n"));
}

/** A fresh in-memory DuckDB; `fn` gets a connection, both are closed after. */
async function withDuckDb<T>(
  fn: (c: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The message of the CheckFailure a DuckDB load of `dir` throws. */
async function duckDbFailure(dir: string, rep: Representation) {
  const e = await withDuckDb((c) => rejects(() => loadDuckDb(c, dir, rep)));
  assert(e instanceof CheckFailure, `expected a CheckFailure, got ${e}`);
  assert(!e.message.includes("\n"), `not one line: ${e.message}`);
  return e.message;
}

/**
 * `promise`, or a failure naming `what` when it has not settled within `seconds` (a
 * load whose server error is lost would otherwise hang the test run).
 */
async function within<T>(
  seconds: number,
  what: string,
  promise: Promise<T>,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${seconds} s`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function includesAll(message: string, parts: string[]) {
  for (const p of parts) {
    assert(message.includes(p), `"${message}" does not name ${p}`);
  }
}

/**
 * star.fact_turn's keys, exact decimal, boolean and instant as the CSV writes them
 * (instants through the JavaScript date parser): what both databases must give back.
 */
function factTurnFromCsv(): string[][] {
  const { header, rows } = readCsv(`${DATASET}/star/fact_turn.csv`);
  const at = (c: string) => header.indexOf(c);
  return rows.map((r) => [
    r[at("session_key")],
    r[at("turn_number")],
    r[at("confidence")],
    r[at("is_fallback")],
    String(Date.parse(r[at("user_ts")])),
  ]).sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]));
}

/** Row counts per table as DuckDB loads them (computed once, for PostgreSQL). */
const duckDbCounts: Partial<Record<Representation, Record<string, number>>> =
  {};

// ---------------------------------------------------------------------------------
// DuckDB

Deno.test("DuckDB loads raw, star and snowflake with the manifest's row counts", async () => {
  await withDuckDb(async (c) => {
    for (const rep of ["raw", "star", "snowflake"] as const) {
      const r = await loadDuckDb(c, DATASET, rep);
      assert.deepEqual(r.representation, rep);
      const counts: Record<string, number> = {};
      for (const t of r.tables) {
        assert.deepEqual(t.rows, manifestRows(rep, t.name), `${rep}.${t.name}`);
        // The database's own count, not the loader's report.
        const n = await c.runAndReadAll(
          `SELECT count(*) FROM ${rep}.${t.name}`,
        );
        assert.deepEqual(Number(n.getRows()[0][0]), t.rows, `${rep}.${t.name}`);
        counts[t.name] = t.rows;
      }
      assert(r.rows > 0);
      duckDbCounts[rep] = counts;
    }
  });
});

Deno.test("DuckDB: raw session_start_local is session_start in user_time_zone on every row", async () => {
  await withDuckDb(async (c) => {
    await loadDuckDb(c, DATASET, "raw");
    // DuckDB's ICU time-zone data is the oracle for the generator's zone conversion.
    const r = await c.runAndReadAll(`
      SELECT count(*),
             count(*) FILTER (WHERE session_start_local IS DISTINCT FROM
                                    (session_start AT TIME ZONE user_time_zone)),
             count(DISTINCT user_time_zone)
      FROM raw.turns`);
    const [rows, differ, zones] = r.getRows()[0].map(Number);
    assert.deepEqual(rows, manifestRows("raw", "turns"));
    assert.deepEqual(differ, 0);
    assert(zones > 1, `only ${zones} time zone(s) in the sample`);
  });
});

Deno.test("DuckDB: a fact_turn intent_key with no dim_intent row fails naming table, key and referenced table", async () => {
  const dir = corruptedCopy((d) =>
    setCell(`${d}/star/fact_turn.csv`, 1, "intent_key", "999")
  );
  includesAll(await duckDbFailure(dir, "star"), [
    "star/fact_turn.csv",
    "star.fact_turn",
    "intent_key 999",
    "star.dim_intent",
  ]);
});

Deno.test("DuckDB: a snowflake dim_country region_key with no dim_region row fails naming both tables", async () => {
  const dir = corruptedCopy((d) =>
    setCell(`${d}/snowflake/dim_country.csv`, 2, "region_key", "77")
  );
  includesAll(await duckDbFailure(dir, "snowflake"), [
    "snowflake.dim_country",
    "region_key 77",
    "snowflake.dim_region",
  ]);
});

Deno.test("DuckDB: a duplicated fact_session row fails (primary key) naming the table", async () => {
  const dir = corruptedCopy((d) => {
    const path = `${d}/star/fact_session.csv`;
    const lines = Deno.readTextFileSync(path).split("\n");
    lines.splice(2, 0, lines[1]);
    Deno.writeTextFileSync(path, lines.join("\n"));
  });
  const message = await duckDbFailure(dir, "star");
  includesAll(message, ["star.fact_session"]);
  assert(/primary key|duplicate/i.test(message), message);
});

Deno.test("DuckDB: a non-integer in an integer column fails naming the table", async () => {
  const dir = corruptedCopy((d) =>
    setCell(`${d}/star/fact_turn.csv`, 3, "latency_ms", "12x")
  );
  includesAll(await duckDbFailure(dir, "star"), ["star.fact_turn", "12x"]);
});

Deno.test("DuckDB: a CSV header without one of the table's columns fails naming the file", async () => {
  const dir = corruptedCopy((d) => {
    const path = `${d}/star/dim_intent.csv`;
    const text = Deno.readTextFileSync(path);
    const nl = text.indexOf("\n");
    Deno.writeTextFileSync(
      path,
      text.slice(0, nl).replace(",intent_category", "") + text.slice(nl),
    );
  });
  includesAll(await duckDbFailure(dir, "star"), [
    `${dir}/star/dim_intent.csv`,
    "star.dim_intent",
  ]);
});

Deno.test("DuckDB: a raw line missing a key fails (NOT NULL) naming raw.turns", async () => {
  const dir = corruptedCopy((d) => {
    const path = `${d}/raw/turns.jsonl`;
    const lines = Deno.readTextFileSync(path).split("\n");
    const record = JSON.parse(lines[4]) as Record<string, unknown>;
    assert("intent" in record);
    delete record.intent;
    lines[4] = JSON.stringify(record);
    Deno.writeTextFileSync(path, lines.join("\n"));
  });
  const message = await duckDbFailure(dir, "raw");
  includesAll(message, ["raw/turns.jsonl", "raw.turns", "intent"]);
  assert(/not null/i.test(message), message);
});

Deno.test("DuckDB: decimals keep their scale, booleans and instants their value", async () => {
  await withDuckDb(async (c) => {
    await c.run("SET TimeZone = 'Asia/Kathmandu'");
    await loadDuckDb(c, DATASET, "star");
    const r = await c.runAndReadAll(`
      SELECT CAST(session_key AS VARCHAR), CAST(turn_number AS VARCHAR),
             CAST(confidence AS VARCHAR), CAST(is_fallback AS VARCHAR),
             CAST(epoch_ms(user_ts) AS VARCHAR)
      FROM star.fact_turn ORDER BY session_key, turn_number`);
    assert.deepEqual(
      r.getRows().map((row) => row.map(String)),
      factTurnFromCsv(),
    );
  });
});

Deno.test("DuckDB: the load does not depend on the session TimeZone", async () => {
  // Instants as epoch ms and wall clocks as text, loaded under two far-apart zones.
  const snapshot = (zone: string) =>
    withDuckDb(async (c) => {
      await c.run(`SET TimeZone = '${zone}'`);
      await loadDuckDb(c, DATASET, "raw");
      await loadDuckDb(c, DATASET, "star");
      const raw = await c.runAndReadAll(`
        SELECT epoch_ms(session_start), epoch_ms(user_ts), epoch_ms(bot_ts),
               strftime(session_start_local, '%Y-%m-%dT%H:%M:%S.%g'),
               strftime(user_signup_date, '%Y-%m-%d')
        FROM raw.turns ORDER BY session_id, turn_number`);
      const star = await c.runAndReadAll(`
        SELECT epoch_ms(start_ts), epoch_ms(end_ts)
        FROM star.fact_session ORDER BY session_key`);
      return {
        raw: raw.getRows().map((r) => r.map(String)),
        star: star.getRows().map((r) => r.map(Number)),
      };
    });
  const utc = await snapshot("UTC");
  const other = await snapshot("America/St_Johns");
  assert.deepEqual(other, utc);
  // Independent oracle: the JavaScript date parser on the CSV text.
  const csv = readCsv(`${DATASET}/star/fact_session.csv`);
  const [start, end] = ["start_ts", "end_ts"].map((c) => csv.header.indexOf(c));
  assert.deepEqual(
    utc.star,
    csv.rows.map((r) => [Date.parse(r[start]), Date.parse(r[end])]),
  );
  // And the wall clock: the JSONL text's local date and time, offset dropped.
  const jsonl = Deno.readTextFileSync(`${DATASET}/raw/turns.jsonl`).trimEnd()
    .split("\n").map((l) => JSON.parse(l) as Record<string, string>);
  assert.deepEqual(
    utc.raw.map((r) => r[3]),
    jsonl.map((j) =>
      /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})[+-]\d\d:\d\d$/.exec(
        j.session_start_local,
      )![1]
    ),
  );
});

// ---------------------------------------------------------------------------------
// The committed SQL

Deno.test("sql/schema and sql/load hold exactly the files derived from the schema", () => {
  const derived = derivedSqlFiles();
  const committed = [
    ...listFiles(`${ROOT}/sql/schema`).map((f) => `schema/${f}`),
    ...listFiles(`${ROOT}/sql/load`).map((f) => `load/${f}`),
  ].sort();
  assert.deepEqual(committed, Object.keys(derived).sort());
  for (const [path, text] of Object.entries(derived)) {
    assert.deepEqual(
      Deno.readTextFileSync(`${ROOT}/sql/${path}`),
      text,
      `sql/${path} differs from lib/workload/ddl.ts: run deno task sql`,
    );
  }
});

/**
 * Column names of every CREATE TABLE of a DDL script, read from the text alone:
 * the first word of each line of the body, constraint lines skipped.
 */
function ddlColumns(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const re = /^CREATE TABLE ([a-z_]+\.[a-z_]+) \($([\s\S]*?)^\);$/gm;
  for (const m of text.matchAll(re)) {
    const columns = m[2].split("\n").map((l) => l.trim())
      .filter((l) =>
        l !== "" && !/^(PRIMARY KEY|FOREIGN KEY|UNIQUE|CONSTRAINT)\b/.test(l)
      )
      .map((l) => l.split(/\s+/)[0]);
    out.set(m[1], columns);
  }
  return out;
}

Deno.test("every data file's header (or JSON keys) equals its CREATE TABLE's columns", () => {
  const seen: string[] = [];
  for (const rep of ["star", "snowflake"] as const) {
    const tables = ddlColumns(
      Deno.readTextFileSync(`${ROOT}/sql/schema/${rep}.sql`),
    );
    const files = listFiles(`${DATASET}/${rep}`);
    assert.deepEqual(
      files.map((f) => `${rep}.${f.replace(/\.csv$/, "")}`).sort(),
      [...tables.keys()].sort(),
      `${rep}: files vs tables`,
    );
    for (const f of files) {
      const name = `${rep}.${f.replace(/\.csv$/, "")}`;
      assert.deepEqual(
        readCsv(`${DATASET}/${rep}/${f}`).header,
        tables.get(name),
        name,
      );
      seen.push(name);
    }
  }
  const raw = ddlColumns(Deno.readTextFileSync(`${ROOT}/sql/schema/raw.sql`));
  assert.deepEqual([...raw.keys()], ["raw.turns"]);
  const text = Deno.readTextFileSync(`${DATASET}/raw/turns.jsonl`);
  const first = JSON.parse(text.slice(0, text.indexOf("\n")));
  assert.deepEqual(Object.keys(first), raw.get("raw.turns"));
  assert(seen.length >= 2 * 9);
});

// ---------------------------------------------------------------------------------
// PostgreSQL

const PG_SKIP = await postgresAvailable();
if (PG_SKIP !== undefined) console.log(`skipped (PostgreSQL): ${PG_SKIP}`);
const PSQL_SKIP = PG_SKIP ?? psqlAvailable();
if (PG_SKIP === undefined && PSQL_SKIP !== undefined) {
  console.log(`skipped (psql): ${PSQL_SKIP}`);
}

Deno.test("connectPostgres: no server is a UsageError naming the URL without its password", async () => {
  // A port nobody listens on: bind one, then free it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const e = await rejects(() =>
    connectPostgres(`postgres://someone:s3cret@127.0.0.1:${port}/somedb`)
  );
  assert(e instanceof UsageError, `expected a UsageError, got ${e}`);
  includesAll(e.message, [
    `Cannot connect to PostgreSQL at postgres://someone@127.0.0.1:${port}/somedb`,
    "ECONNREFUSED",
  ]);
  assert(!e.message.includes("s3cret"), e.message);
  assert(!e.message.includes("\n"), e.message);
});

Deno.test("connectPostgres: a server that never answers is a UsageError after the connect timeout", async () => {
  // A local server that accepts and stays silent, and a private address that
  // usually drops the SYN (where it is refused at once instead, that passes too).
  // The driver's own connect timeout gives up on the first but not the second.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const attempt = async (where: string) => {
    const started = performance.now();
    const e = await rejects(() =>
      within(
        20,
        `Connecting to ${where}`,
        connectPostgres(`postgres://someone:s3cret@${where}/somedb`),
      )
    );
    assert(e instanceof UsageError, `expected a UsageError, got ${e}`);
    includesAll(e.message, [
      `Cannot connect to PostgreSQL at postgres://someone@${where}/somedb`,
    ]);
    assert(!e.message.includes("s3cret"), e.message);
    return (performance.now() - started) / 1000;
  };
  try {
    const [silent] = await Promise.all([
      attempt(`127.0.0.1:${port}`),
      attempt("10.255.255.1:5432"),
    ]);
    assert(silent >= 4, `gave up on a silent server after ${silent} s`);
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting;
  }
});

Deno.test({
  name:
    "PostgreSQL loads star and snowflake with DuckDB's row counts and the CSV's exact values, and refuses a missing dimension key",
  ignore: PG_SKIP !== undefined,
  fn: async () => {
    if (!duckDbCounts.star || !duckDbCounts.snowflake) {
      await withDuckDb(async (c) => {
        for (const rep of ["star", "snowflake"] as const) {
          const r = await loadDuckDb(c, DATASET, rep);
          duckDbCounts[rep] = Object.fromEntries(
            r.tables.map((t) => [t.name, t.rows]),
          );
        }
      });
    }
    await withScratchDatabase("workload_load", async (url) => {
      const sql = await connectPostgres(url);
      try {
        assert.deepEqual(await postgresCollation(sql), "C");
        // Instants must not depend on the session's zone (a half-hour offset here).
        await sql.unsafe("SET TimeZone = 'America/St_Johns'");
        for (const rep of ["star", "snowflake"] as PostgresRepresentation[]) {
          const r = await loadPostgres(sql, DATASET, rep);
          const counts: Record<string, number> = {};
          for (const t of r.tables) {
            const n = await sql.unsafe<{ n: string }[]>(
              `SELECT count(*) AS n FROM ${rep}.${t.name}`,
            );
            assert.deepEqual(Number(n[0].n), t.rows, `${rep}.${t.name}`);
            counts[t.name] = t.rows;
          }
          assert.deepEqual(counts, duckDbCounts[rep], rep);
        }
        const turns = await sql.unsafe<Record<string, string>[]>(`
          SELECT CAST(session_key AS VARCHAR) AS k, CAST(turn_number AS VARCHAR) AS n,
                 CAST(confidence AS VARCHAR) AS c, CAST(is_fallback AS VARCHAR) AS f,
                 CAST(CAST(extract(epoch FROM user_ts) * 1000 AS BIGINT) AS VARCHAR) AS t
          FROM star.fact_turn ORDER BY session_key, turn_number`);
        assert.deepEqual(
          turns.map((r) => [r.k, r.n, r.c, r.f, r.t]),
          factTurnFromCsv(),
        );
        // A fact row pointing at a missing dimension key; then a dimension pointing
        // at a missing dimension key. The connection stays usable after each.
        const bad = corruptedCopy((d) => {
          setCell(`${d}/star/fact_turn.csv`, 1, "intent_key", "999");
          setCell(`${d}/snowflake/dim_country.csv`, 2, "region_key", "77");
        });
        const star = await rejects(() =>
          within(60, "A refused star load", loadPostgres(sql, bad, "star"))
        );
        assert(star instanceof CheckFailure, `got ${star}`);
        includesAll(star.message, [
          "star/fact_turn.csv",
          "star.fact_turn",
          "intent_key 999",
          "star.dim_intent",
        ]);
        const snow = await rejects(() =>
          within(
            60,
            "A refused snowflake load",
            loadPostgres(sql, bad, "snowflake"),
          )
        );
        assert(snow instanceof CheckFailure, `got ${snow}`);
        includesAll(snow.message, [
          "snowflake.dim_country",
          "region_key 77",
          "snowflake.dim_region",
        ]);
        // A header PostgreSQL's HEADER match refuses, and a missing file.
        const header = corruptedCopy((d) => {
          const path = `${d}/star/dim_intent.csv`;
          const text = Deno.readTextFileSync(path);
          Deno.writeTextFileSync(
            path,
            text.replace("intent_category\n", "intent_kategory\n"),
          );
          Deno.removeSync(`${d}/snowflake/dim_region.csv`);
        });
        const h = await rejects(() =>
          within(60, "A refused header", loadPostgres(sql, header, "star"))
        );
        assert(h instanceof CheckFailure, `got ${h}`);
        includesAll(h.message, [
          "star/dim_intent.csv",
          "star.dim_intent",
          "intent_kategory",
        ]);
        const m = await rejects(() =>
          within(60, "A missing file", loadPostgres(sql, header, "snowflake"))
        );
        assert(m instanceof CheckFailure, `got ${m}`);
        includesAll(m.message, ["snowflake.dim_region", "dim_region.csv"]);
        assert.deepEqual([...await sql`SELECT 1 AS one`], [{ one: 1 }]);
        // A server that refuses the DDL (here: read-only) is an input error.
        await sql.unsafe("SET default_transaction_read_only = on");
        const ro = await rejects(() =>
          within(60, "A read-only load", loadPostgres(sql, DATASET, "star"))
        );
        assert(ro instanceof UsageError, `got ${ro}`);
        includesAll(ro.message, ["star schema", "read-only"]);
      } finally {
        await sql.end({ timeout: 1 });
      }
    });
  },
});

Deno.test({
  name:
    "psql -f sql/schema/star.sql then -f sql/load/postgres/star.sql, from the dataset folder, loads the manifest's row counts",
  ignore: PSQL_SKIP !== undefined,
  fn: async () => {
    await withScratchDatabase("workload_psql", (url) => {
      const u = new URL(url);
      const password = decodeURIComponent(u.password);
      u.password = "";
      const psql = (args: string[]) => {
        const r = new Deno.Command("psql", {
          args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", u.href, ...args],
          cwd: DATASET,
          env: { PGPASSWORD: password, PGCLIENTENCODING: "UTF8" },
          stdout: "piped",
          stderr: "piped",
        }).outputSync();
        const d = new TextDecoder();
        assert.deepEqual(
          r.code,
          0,
          `psql ${args.join(" ")}: ${d.decode(r.stderr)}`,
        );
        return d.decode(r.stdout);
      };
      for (const rep of ["star", "snowflake"] as const) {
        psql(["-f", `${ROOT}/sql/schema/${rep}.sql`]);
        psql(["-f", `${ROOT}/sql/load/postgres/${rep}.sql`]);
        const tables = listFiles(`${DATASET}/${rep}`).map((f) =>
          f.replace(/\.csv$/, "")
        );
        const out = psql([
          "-At",
          "-c",
          tables.map((t) => `SELECT '${t}', count(*) FROM ${rep}.${t}`).join(
            " UNION ALL ",
          ),
        ]);
        const counts = Object.fromEntries(
          out.trim().split("\n").map((l) => {
            const [t, n] = l.split("|");
            return [t, Number(n)];
          }),
        );
        assert.deepEqual(
          counts,
          Object.fromEntries(tables.map((t) => [t, manifestRows(rep, t)])),
          rep,
        );
      }
    });
  },
});
