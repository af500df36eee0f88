/**
 * The reference query set (sql/queries, lib/workload/query_set.ts): the catalogue
 * matches the folders, and on one small dataset loaded into DuckDB the three versions
 * of every question agree, their ORDER BY is total, the raw versions do not depend on
 * the session time zone, and independent computations from the CSV and JSONL files
 * (csv-parse in strict mode, JSON.parse) give the same answers.
 */
import assert from "node:assert/strict";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { loadDuckDb } from "../lib/workload/duckdb_load.ts";
import {
  queryFolder,
  querySql,
  REFERENCE_QUERIES,
  type ReferenceQuery,
} from "../lib/workload/query_set.ts";
import {
  type Representation,
  REPRESENTATIONS,
} from "../lib/workload/representation.ts";
import { splitStatements } from "../lib/workload/sql_text.ts";
import { readCsvObjects, ROOT, runMain } from "./helpers.ts";

const QUERIES_DIR = `${ROOT}/sql/queries`;

function byId(id: string): ReferenceQuery {
  const q = REFERENCE_QUERIES.find((r) => r.id === id);
  if (!q) throw new Error(`no query ${id}`);
  return q;
}

/** The output column names of the final ORDER BY (they must be plain names). */
function orderByColumns(sql: string): string[] {
  const at = sql.toUpperCase().lastIndexOf("ORDER BY");
  assert(at >= 0, "no ORDER BY");
  return sql.slice(at + "ORDER BY".length).split(",").map((s) => s.trim());
}

Deno.test("every listed query has its three files, and every folder is listed", () => {
  const folders = [...Deno.readDirSync(QUERIES_DIR)]
    .filter((e) => e.isDirectory).map((e) => e.name).sort();
  assert.deepStrictEqual(
    folders,
    REFERENCE_QUERIES.map((q) => queryFolder(q).replace("queries/", "")),
  );
  assert.deepStrictEqual(
    REFERENCE_QUERIES.map((q) => q.id),
    REFERENCE_QUERIES.map((_, i) => `q${String(i + 1).padStart(2, "0")}`),
  );
  assert(REFERENCE_QUERIES.length >= 13);
  for (const q of REFERENCE_QUERIES) {
    assert(/^[a-z][a-z0-9_]*$/.test(q.name), q.name);
    const files = [...Deno.readDirSync(`${QUERIES_DIR}/${q.id}_${q.name}`)]
      .map((e) => e.name).sort();
    assert.deepStrictEqual(
      files,
      ["raw.sql", "snowflake.sql", "star.sql"],
      q.id,
    );
  }
});

Deno.test("a query file is the question as a comment, then one SELECT on its own schema", () => {
  const readme = Deno.readTextFileSync(`${QUERIES_DIR}/README.md`);
  for (const q of REFERENCE_QUERIES) {
    assert(readme.includes(`| ${q.id} |`), `README.md lacks a row for ${q.id}`);
    const columns = new Set<string>();
    for (const rep of REPRESENTATIONS) {
      const where = `${q.id} ${rep}`;
      const text = querySql(q, rep);
      assert.deepStrictEqual(text.split("\n")[0], `-- ${q.question}`, where);
      const statements = splitStatements(text);
      assert.deepStrictEqual(statements.length, 1, where);
      assert(/^(SELECT|WITH)\b/.test(statements[0]), where);
      assert(!statements[0].includes(";"), `${where}: a semicolon`);
      // Schema-qualified names of its own representation only.
      const schemas = new Set(
        [...text.matchAll(/\b(raw|star|snowflake|main)\.[a-z]/g)].map((m) =>
          m[1]
        ),
      );
      assert.deepStrictEqual([...schemas], [rep], where);
      // Every table read is schema-qualified or one of the statement's CTEs.
      const ctes = new Set(
        [...text.matchAll(/\b([a-z_][a-z0-9_]*) AS \(/g)].map((m) => m[1]),
      );
      for (
        const m of text.replace(/EXTRACT\([^)]*\)/g, "").matchAll(
          /\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_.]*)/g,
        )
      ) {
        assert(
          m[1].includes(".") || ctes.has(m[1]),
          `${where}: unqualified table ${m[1]}`,
        );
      }
      if (rep !== "raw") {
        // DuckDB-only syntax that PostgreSQL 15 rejects or reads differently.
        for (
          const bad of [/\bQUALIFY\b/i, /GROUP BY ALL/i, /\/\//, /"/]
        ) {
          assert(!bad.test(text), `${where}: ${bad}`);
        }
      }
      columns.add(orderByColumns(statements[0]).join(","));
    }
    assert.deepStrictEqual(
      columns.size,
      1,
      `${q.id}: ORDER BY differs between versions`,
    );
  }
});

/** A dataset generated once by the CLI and loaded into one in-memory DuckDB. */
interface Loaded {
  dir: string;
  connection: DuckDBConnection;
  close: () => void;
}

async function loadDataset(): Promise<Loaded> {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-queries-" });
  const dir = `${parent}/d`;
  const g = runMain(
    ["--allow-read", `--allow-write=${parent}`, "--allow-env"],
    ["--sessions", "600", "--seed", "424242", "--out", dir, "--quiet"],
  );
  assert.deepStrictEqual(g.code, 0, g.stderr);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  for (const rep of REPRESENTATIONS) await loadDuckDb(connection, dir, rep);
  return {
    dir,
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
      Deno.removeSync(parent, { recursive: true });
    },
  };
}

/** Column names and rows of one version, as DuckDB's JSON rendering. */
async function run(
  c: DuckDBConnection,
  q: ReferenceQuery,
  rep: Representation,
): Promise<{ columns: string[]; rows: unknown[][] }> {
  const r = await c.runAndReadAll(querySql(q, rep));
  return { columns: r.columnNames(), rows: r.getRowsJson() };
}

/** Compare two key tuples of integers (bigint or number) and strings. */
function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    const numeric = (v: unknown) =>
      typeof v === "bigint" || typeof v === "number";
    if (numeric(x) && numeric(y)) {
      if ((x as number) < (y as number)) return -1;
      if ((x as number) > (y as number)) return 1;
    } else if (typeof x === "string" && typeof y === "string") {
      // Byte order of UTF-8 = code point order (the C collation both engines use).
      const cx = [...x].map((ch) => ch.codePointAt(0)!);
      const cy = [...y].map((ch) => ch.codePointAt(0)!);
      for (let k = 0; k < Math.min(cx.length, cy.length); k++) {
        if (cx[k] !== cy[k]) return cx[k] < cy[k] ? -1 : 1;
      }
      if (cx.length !== cy.length) return cx.length < cy.length ? -1 : 1;
    } else {
      throw new Error(`key value ${String(x)} / ${String(y)} of another type`);
    }
  }
  return 0;
}

Deno.test({
  name: "the reference queries on one dataset in DuckDB",
  // The native DuckDB binding keeps handles of its own between steps.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const ds = await loadDataset();
    const c = ds.connection;
    try {
      await t.step(
        "the three versions of every question return the same rows",
        async () => {
          for (const q of REFERENCE_QUERIES) {
            const [raw, star, snowflake] = await Promise.all(
              REPRESENTATIONS.map((rep) => run(c, q, rep)),
            );
            assert(raw.rows.length > 0, `${q.id}: no rows`);
            for (const name of raw.columns) {
              assert(/^[a-z][a-z0-9_]*$/.test(name), `${q.id}: column ${name}`);
            }
            assert.deepStrictEqual(star, raw, `${q.id}: star differs from raw`);
            assert.deepStrictEqual(
              snowflake,
              raw,
              `${q.id}: snowflake differs from raw`,
            );
          }
        },
      );

      // Totality: the ORDER BY columns are output columns, and the rows come out
      // strictly increasing on them (compared here in TypeScript), so no two rows
      // share a key and every row has one determined position.
      await t.step(
        "every ORDER BY is total: rows strictly increase on its key",
        async () => {
          for (const q of REFERENCE_QUERIES) {
            for (const rep of REPRESENTATIONS) {
              const r = await c.runAndReadAll(querySql(q, rep));
              const names = r.columnNames();
              const key = orderByColumns(splitStatements(querySql(q, rep))[0])
                .map((k) => {
                  const i = names.indexOf(k);
                  assert(
                    i >= 0,
                    `${q.id} ${rep}: ORDER BY ${k} is not an output column`,
                  );
                  return i;
                });
              const rows = r.getRows().map((row) => key.map((i) => row[i]));
              for (let i = 1; i < rows.length; i++) {
                assert(
                  compareKeys(rows[i - 1], rows[i]) < 0,
                  `${q.id} ${rep}: rows ${
                    i - 1
                  } and ${i} are not in strict key order`,
                );
              }
            }
          }
        },
      );

      await t.step(
        "raw answers do not depend on the session time zone",
        async () => {
          const utc = [];
          for (const q of REFERENCE_QUERIES) utc.push(await run(c, q, "raw"));
          try {
            for (const zone of ["America/New_York", "Asia/Kolkata"]) {
              await c.run(`SET TimeZone = '${zone}'`);
              // The setting is in effect: midnight UTC is another hour there.
              const probe = await c.runAndReadAll(
                "SELECT CAST(EXTRACT(hour FROM TIMESTAMPTZ '2025-01-01 00:00:00+00') AS INTEGER)",
              );
              assert(
                probe.getRows()[0][0] !== 0,
                `TimeZone ${zone} not applied`,
              );
              for (const [i, q] of REFERENCE_QUERIES.entries()) {
                assert.deepStrictEqual(
                  await run(c, q, "raw"),
                  utc[i],
                  `${q.id} in ${zone}`,
                );
              }
            }
          } finally {
            await c.run("SET TimeZone = 'UTC'");
          }
        },
      );

      await t.step(
        "q01 equals turns and fallbacks counted from the star CSV files",
        async () => {
          const intents = new Map(
            readCsvObjects(`${ds.dir}/star/dim_intent.csv`).map((
              r,
            ) => [r.intent_key, r.intent_name]),
          );
          const counts = new Map<
            string,
            { turns: number; fallbacks: number }
          >();
          for (const t of readCsvObjects(`${ds.dir}/star/fact_turn.csv`)) {
            const name = intents.get(t.intent_key)!;
            const e = counts.get(name) ?? { turns: 0, fallbacks: 0 };
            e.turns++;
            if (t.is_fallback === "true") e.fallbacks++;
            else assert.deepStrictEqual(t.is_fallback, "false");
            counts.set(name, e);
          }
          const expected = [...counts.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([name, e]) => [name, e.turns, e.fallbacks]);
          for (const rep of REPRESENTATIONS) {
            const got = (await run(c, byId("q01"), rep)).rows;
            assert.deepStrictEqual(
              got.map((r) => [r[0], Number(r[1]), Number(r[2])]),
              expected,
              rep,
            );
            for (const r of got) {
              assert.deepStrictEqual(
                r[3],
                Number(r[2]) / Number(r[1]),
                `${rep} ${r[0]}`,
              );
            }
          }
        },
      );

      await t.step(
        "q05 equals sessions and satisfaction per region from the snowflake CSV files",
        async () => {
          const regions = new Map(
            readCsvObjects(`${ds.dir}/snowflake/dim_region.csv`).map((
              r,
            ) => [r.region_key, r.region]),
          );
          const countryRegion = new Map(
            readCsvObjects(`${ds.dir}/snowflake/dim_country.csv`).map((
              r,
            ) => [r.country_key, regions.get(r.region_key)!]),
          );
          const userRegion = new Map(
            readCsvObjects(`${ds.dir}/snowflake/dim_user.csv`).map((
              r,
            ) => [r.user_key, countryRegion.get(r.country_key)!]),
          );
          const sums = new Map<string, { sessions: number; sum: number }>();
          for (
            const s of readCsvObjects(`${ds.dir}/snowflake/fact_session.csv`)
          ) {
            const region = userRegion.get(s.user_key)!;
            const e = sums.get(region) ?? { sessions: 0, sum: 0 };
            e.sessions++;
            e.sum += Number(s.satisfaction);
            sums.set(region, e);
          }
          const expected = [...sums.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map((
              [region, e],
            ) => [region, e.sessions, e.sum, e.sum / e.sessions]);
          for (const rep of REPRESENTATIONS) {
            const got = (await run(c, byId("q05"), rep)).rows;
            assert.deepStrictEqual(
              got.map((r) => [r[0], Number(r[1]), Number(r[2]), r[3]]),
              expected,
              rep,
            );
          }
        },
      );

      await t.step(
        "q07 equals monthly users and sessions from the raw JSONL (UTC months)",
        async () => {
          const months = new Map<
            string,
            { users: Set<number>; sessions: number }
          >();
          const lines = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`)
            .split("\n").filter((l) => l !== "");
          for (const line of lines) {
            const r = JSON.parse(line);
            if (r.turn_number !== 1) continue;
            const start = new Date(r.session_start);
            const key = `${start.getUTCFullYear()}-${
              String(start.getUTCMonth() + 1).padStart(2, "0")
            }`;
            const e = months.get(key) ?? { users: new Set(), sessions: 0 };
            e.users.add(r.user_id);
            e.sessions++;
            months.set(key, e);
          }
          const expected = [...months.entries()].sort((
            [a],
            [b],
          ) => (a < b ? -1 : 1))
            .map((
              [k, e],
            ) => [
              Number(k.slice(0, 4)),
              Number(k.slice(5)),
              e.users.size,
              e.sessions,
            ]);
          for (const rep of REPRESENTATIONS) {
            const got = (await run(c, byId("q07"), rep)).rows;
            assert.deepStrictEqual(
              got.map((r) => r.map(Number)),
              expected,
              rep,
            );
          }
        },
      );

      await t.step(
        "the naive raw average of satisfaction over turn lines differs from q05",
        async () => {
          const naive = await c.runAndReadAll(
            "SELECT user_region, avg(session_satisfaction) FROM raw.turns GROUP BY user_region ORDER BY user_region",
          );
          const naiveMean = new Map(
            naive.getRowsJson().map((r) => [r[0] as string, Number(r[1])]),
          );
          const q05 = (await run(c, byId("q05"), "raw")).rows;
          const differing = q05.filter((r) =>
            Math.abs(naiveMean.get(r[0] as string)! - (r[3] as number)) > 1e-6
          );
          assert(
            differing.length > 0,
            "the naive average equals the per-session one in every region",
          );
        },
      );
    } finally {
      ds.close();
    }
  },
});
