/**
 * Canonical result rows and their comparison (lib/workload/result_set.ts). The oracle
 * is two real database engines evaluating the same SQL text — DuckDB in memory and
 * PostgreSQL (skipped, with a printed reason, when no server answers) — plus
 * hand-written expectations.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import postgres from "postgres";
import {
  canonicalDecimal,
  type Cell,
  compareResults,
  formatRow,
  fromDuckDb,
  fromPostgres,
  readDuckDb,
  readPostgres,
  type ResultSet,
} from "../lib/workload/result_set.ts";

const POSTGRES_URL = Deno.env.get("CHATSYNTH_POSTGRES_URL") ??
  "postgres://chatsynth:chatsynth@127.0.0.1:5432/chatsynth";

/**
 * Portable literal SELECT: every integer width, a sum past BIGINT (HUGEINT in DuckDB,
 * numeric in PostgreSQL), decimals, double divisions, EXTRACT, percentile_cont, dates
 * (1 BC and infinity included), timestamps, booleans, NULLs and awkward strings.
 */
const LITERALS = `
SELECT
  CAST(-32768 AS SMALLINT) AS int2,
  CAST(-2147483648 AS INTEGER) AS int4,
  CAST(9007199254740993 AS BIGINT) AS int8,
  (SELECT SUM(CAST(v AS BIGINT)) FROM (VALUES (9223372036854775807), (1)) AS s (v)) AS huge,
  CAST(16 AS INTEGER) AS sixteen_int,
  CAST(16.00 AS DECIMAL(5, 2)) AS sixteen_decimal,
  CAST(1.2345 AS DECIMAL(5, 4)) AS dec54,
  CAST(-0.50 AS DECIMAL(3, 2)) AS dec_negative,
  CAST(0 AS DECIMAL(3, 2)) AS dec_zero,
  CAST(1 AS DOUBLE PRECISION) / 3 AS third,
  CAST(2 AS DOUBLE PRECISION) / -7 AS minus_two_sevenths,
  CAST(0.1 AS REAL) AS single,
  EXTRACT(hour FROM TIMESTAMP WITH TIME ZONE '2025-03-01 13:00:00+00') AS hour,
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
     FROM (VALUES (1), (2), (4), (7)) AS p (v)) AS median,
  DATE '2025-03-01' AS day,
  DATE '2024-02-29' AS leap_day,
  DATE '0001-01-01' - 1 AS one_bc,
  CAST('infinity' AS DATE) AS day_infinity,
  TIMESTAMP '2025-03-01 13:00:00.123456' AS local_time,
  TIMESTAMP WITH TIME ZONE '2025-03-01 13:00:00.25+01' AS instant,
  TIMESTAMP WITH TIME ZONE '1969-12-31 23:59:59.5+00' AS before_epoch,
  CAST('-infinity' AS TIMESTAMP WITH TIME ZONE) AS instant_minus_infinity,
  1 < 2 AS yes,
  1 > 2 AS no,
  CAST(NULL AS INTEGER) AS null_int,
  CAST(NULL AS VARCHAR) AS null_text,
  'it''s "quoted", é, 日本, 😀' AS text,
  '' AS empty
`;

/** Hand-written canonical cells of LITERALS, in order. */
const LITERAL_CELLS: Cell[] = [
  { kind: "exact", value: "-32768" },
  { kind: "exact", value: "-2147483648" },
  { kind: "exact", value: "9007199254740993" },
  { kind: "exact", value: "9223372036854775808" },
  { kind: "exact", value: "16" },
  { kind: "exact", value: "16" },
  { kind: "exact", value: "1.2345" },
  { kind: "exact", value: "-0.5" },
  { kind: "exact", value: "0" },
  { kind: "float", value: 1 / 3 },
  { kind: "float", value: 2 / -7 },
  { kind: "float", value: 0.1 },
  { kind: "exact", value: "13" },
  { kind: "float", value: 3 },
  { kind: "date", value: "2025-03-01" },
  { kind: "date", value: "2024-02-29" },
  { kind: "date", value: "0000-12-31" },
  { kind: "date", value: "infinity" },
  { kind: "local_timestamp", value: "2025-03-01T13:00:00.123456" },
  { kind: "timestamp", value: "2025-03-01T12:00:00.25Z" },
  { kind: "timestamp", value: "1969-12-31T23:59:59.5Z" },
  { kind: "timestamp", value: "-infinity" },
  { kind: "bool", value: true },
  { kind: "bool", value: false },
  { kind: "null" },
  { kind: "null" },
  { kind: "text", value: `it's "quoted", é, 日本, 😀` },
  { kind: "text", value: "" },
];

/** Three rows, in the order the query's total ORDER BY gives. */
function rowsQuery(values: string, order = "ORDER BY id"): string {
  return `SELECT id, name, CAST(amount AS DECIMAL(7, 2)) AS amount, CAST(amount AS DOUBLE PRECISION) / 3 AS share
FROM (VALUES ${values}) AS t (id, name, amount) ${order}`;
}
const ROWS = `(1, 'b', 10.5), (2, 'a', 20.25), (3, 'c', 30)`;
const ROWS_THIRD_CHANGED = `(1, 'b', 10.5), (2, 'a', 20.25), (3, 'c', 30.01)`;

/** Connect to PostgreSQL, or say in one line why not. */
async function connectPostgres(): Promise<
  { sql: postgres.Sql } | { reason: string }
> {
  const sql = postgres(POSTGRES_URL, {
    max: 1,
    connect_timeout: 3,
    onnotice: () => {},
    connection: { TimeZone: "UTC" },
  });
  try {
    await sql`SELECT 1`;
    return { sql };
  } catch (e) {
    await sql.end({ timeout: 0 });
    return {
      reason: `no PostgreSQL server answers at ${
        POSTGRES_URL.replace(/\/\/[^@]*@/, "//")
      } (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

Deno.test("result sets from DuckDB and PostgreSQL", async (t) => {
  const instance = await DuckDBInstance.create(":memory:");
  const duck = await instance.connect();
  await duck.run("SET TimeZone = 'UTC'");
  const pg = await connectPostgres();
  const sql = "sql" in pg ? pg.sql : undefined;
  if (sql === undefined && "reason" in pg) {
    console.log(`PostgreSQL steps skipped: ${pg.reason}`);
  }
  const withPostgres = (
    name: string,
    fn: (sql: postgres.Sql) => Promise<void>,
  ) => t.step({ name, ignore: sql === undefined, fn: () => fn(sql!) });

  try {
    await t.step("DuckDB values are canonical as written by hand", async () => {
      const result = await readDuckDb(duck, LITERALS);
      assert.equal(result.rows.length, 1);
      assert.deepEqual(result.rows[0], LITERAL_CELLS);
      assert.equal(result.columns[0], "int2");
      assert.equal(result.columns.length, LITERAL_CELLS.length);
    });

    await t.step(
      "DuckDB integer widths and decimals of the same value are equal",
      async () => {
        const result = await readDuckDb(
          duck,
          `SELECT CAST(16 AS TINYINT) AS a, CAST(16 AS UTINYINT) AS b,
             CAST(16 AS USMALLINT) AS c, CAST(16 AS UINTEGER) AS d,
             CAST(16 AS UBIGINT) AS e, CAST(16 AS HUGEINT) AS f,
             CAST(16 AS UHUGEINT) AS g, CAST(16.000 AS DECIMAL(38, 3)) AS h,
             CAST(16 AS DECIMAL(18, 0)) AS i`,
        );
        assert.deepEqual(
          result.rows[0],
          Array(9).fill({ kind: "exact", value: "16" }),
        );
      },
    );

    await withPostgres(
      "PostgreSQL values equal DuckDB's and the hand-written cells, with no tolerance",
      async (sql) => {
        const expected = await readDuckDb(duck, LITERALS);
        const actual = await readPostgres(sql, LITERALS);
        assert.deepEqual(actual.rows[0], LITERAL_CELLS);
        assert.equal(
          compareResults(expected, actual, { relativeTolerance: 0 }),
          undefined,
        );
        assert.equal(
          compareResults(
            await readDuckDb(duck, rowsQuery(ROWS)),
            await readPostgres(sql, rowsQuery(ROWS)),
            { relativeTolerance: 0 },
          ),
          undefined,
        );
      },
    );

    await withPostgres(
      "a PostgreSQL session in another time zone gives the same instants",
      async (sql) => {
        await sql.unsafe("SET TimeZone = 'Asia/Kolkata'");
        try {
          const query =
            `SELECT TIMESTAMP WITH TIME ZONE '2025-03-01 13:00:00.25+01' AS a,
            TIMESTAMP WITH TIME ZONE '1900-01-01 00:00:00+00' AS b`;
          const actual = await readPostgres(sql, query);
          assert.deepEqual(actual.rows[0], [
            { kind: "timestamp", value: "2025-03-01T12:00:00.25Z" },
            { kind: "timestamp", value: "1900-01-01T00:00:00Z" },
          ]);
          assert.equal(
            compareResults(await readDuckDb(duck, query), actual),
            undefined,
          );
        } finally {
          await sql.unsafe("SET TimeZone = 'UTC'");
        }
      },
    );

    await withPostgres(
      "an average is a double in DuckDB and a numeric in PostgreSQL: equal within the tolerance",
      async (sql) => {
        const query =
          `SELECT avg(v) AS mean FROM (VALUES (1), (2), (2)) AS t (v)`;
        const expected = await readDuckDb(duck, query);
        const actual = await readPostgres(sql, query);
        assert.equal(expected.rows[0][0].kind, "float");
        assert.equal(actual.rows[0][0].kind, "exact");
        assert.equal(compareResults(expected, actual), undefined);
      },
    );

    await withPostgres(
      "one value changed in row 3 is reported as row 3",
      async (sql) => {
        const difference = compareResults(
          await readDuckDb(duck, rowsQuery(ROWS)),
          await readPostgres(sql, rowsQuery(ROWS_THIRD_CHANGED)),
          { names: { expected: "duckdb", actual: "postgres" } },
        );
        assert.equal(difference?.kind, "row");
        assert.ok(difference?.kind === "row");
        assert.equal(difference.row, 3);
        assert.equal(difference.column, "amount");
        assert.deepEqual(difference.expected, ["3", '"c"', "30", "10"]);
        assert.deepEqual(difference.actual.slice(0, 3), ["3", '"c"', "30.01"]);
        assert.match(
          difference.message,
          /^Row 3 differs in column amount: duckdb \(3, "c", 30, 10\), postgres \(3, "c", 30\.01, 10\.00333/,
        );
      },
    );

    await t.step(
      "a float difference inside the tolerance passes, outside fails",
      async () => {
        const third = await readDuckDb(
          duck,
          "SELECT CAST(1 AS DOUBLE) / 3 AS x",
        );
        const nudged = await readDuckDb(
          duck,
          "SELECT CAST(1 AS DOUBLE) / 3 + 1e-12 AS x",
        );
        const far = await readDuckDb(
          duck,
          "SELECT CAST(1 AS DOUBLE) / 3 + 1e-6 AS x",
        );
        assert.equal(compareResults(third, nudged), undefined);
        assert.equal(
          compareResults(third, nudged, { relativeTolerance: 1e-13 })?.kind,
          "row",
        );
        assert.equal(compareResults(third, far)?.kind, "row");
        assert.equal(
          compareResults(third, far, { relativeTolerance: 1e-5 }),
          undefined,
        );
        // Relative for large values: 1e12 + 1 is within 1e-9 of 1e12.
        const big = await readDuckDb(duck, "SELECT CAST(1e12 AS DOUBLE) AS x");
        const bigger = await readDuckDb(
          duck,
          "SELECT CAST(1e12 AS DOUBLE) + 1 AS x",
        );
        assert.equal(compareResults(big, bigger), undefined);
      },
    );

    await t.step(
      "a DECIMAL differing in the 4th decimal fails whatever the tolerance",
      async () => {
        const a = await readDuckDb(
          duck,
          "SELECT CAST(1.2345 AS DECIMAL(5, 4)) AS x",
        );
        const b = await readDuckDb(
          duck,
          "SELECT CAST(1.2346 AS DECIMAL(5, 4)) AS x",
        );
        const difference = compareResults(a, b, { relativeTolerance: 1 });
        assert.equal(difference?.kind, "row");
        assert.equal(
          difference?.message,
          "Row 1 differs in column x: expected (1.2345), actual (1.2346)",
        );
        // Also across engines: PostgreSQL's numeric against DuckDB's DECIMAL.
        if (sql !== undefined) {
          const pgB = await readPostgres(
            sql,
            "SELECT CAST(1.2346 AS DECIMAL(5, 4)) AS x",
          );
          assert.equal(compareResults(a, pgB)?.kind, "row");
        }
      },
    );

    await t.step("column names and row counts are reported", async () => {
      const ab = await readDuckDb(duck, "SELECT 1 AS a, 2 AS b");
      const ac = await readDuckDb(duck, "SELECT 1 AS a, 2 AS c");
      const a = await readDuckDb(duck, "SELECT 1 AS a");
      assert.deepEqual(compareResults(ab, ac), {
        kind: "columns",
        expected: ["a", "b"],
        actual: ["a", "c"],
        message: "Columns differ: expected (a, b), actual (a, c)",
      });
      assert.equal(compareResults(ab, a)?.kind, "columns");

      const three = await readDuckDb(duck, rowsQuery(ROWS));
      const two = await readDuckDb(
        duck,
        rowsQuery(ROWS, "ORDER BY id LIMIT 2"),
      );
      const difference = compareResults(three, two);
      assert.ok(difference?.kind === "row_count");
      assert.equal(difference.row, 3);
      assert.equal(difference.expectedRows, 3);
      assert.equal(difference.actualRows, 2);
      assert.equal(difference.actual, null);
      assert.deepEqual(difference.expected?.slice(0, 3), ["3", '"c"', "30"]);
      assert.match(
        difference.message,
        /^Row counts differ: expected has 3, actual 2; row 3 is only in expected: \(3, "c", 30, 10\)$/,
      );
      const empty = await readDuckDb(
        duck,
        rowsQuery(ROWS, "ORDER BY id LIMIT 0"),
      );
      assert.equal(compareResults(empty, three)?.kind, "row_count");
      assert.equal(compareResults(empty, empty), undefined);
    });

    await t.step(
      "orderInsensitive compares the same rows in another order as equal",
      async () => {
        const byId = await readDuckDb(duck, rowsQuery(ROWS));
        const byName = await readDuckDb(
          duck,
          rowsQuery(ROWS, "ORDER BY name DESC"),
        );
        const difference = compareResults(byId, byName);
        assert.equal(difference?.kind, "row");
        assert.equal(difference?.kind === "row" && difference.row, 1);
        assert.equal(
          compareResults(byId, byName, { orderInsensitive: true }),
          undefined,
        );
        const changed = await readDuckDb(
          duck,
          rowsQuery(ROWS_THIRD_CHANGED, "ORDER BY name DESC"),
        );
        const sorted = compareResults(byId, changed, {
          orderInsensitive: true,
        });
        assert.equal(sorted?.kind, "row");
        assert.match(sorted?.message ?? "", /^Row \d after sorting both /);
      },
    );

    await t.step("an unsupported DuckDB type is named", async () => {
      const result = await duck.runAndReadAll("SELECT INTERVAL 1 DAY AS span");
      assert.throws(() => fromDuckDb(result), {
        message: /^Column span has type INTERVAL, /,
      });
    });

    await withPostgres(
      "an unsupported PostgreSQL type and a parsed Date are named",
      async (sql) => {
        await assert.rejects(
          readPostgres(sql, "SELECT interval '1 day' AS span"),
          { message: /^Column span has PostgreSQL type OID 1186, / },
        );
        // The client's default parser turns a timestamp into a Date: refused.
        const parsed = await sql.unsafe(
          "SELECT TIMESTAMP '2025-03-01 13:00:00.123456' AS moment",
        );
        assert.throws(() => fromPostgres(parsed), {
          message:
            /^Column moment \(timestamp without time zone\) arrived as a JavaScript Date/,
        });
      },
    );

    await withPostgres(
      "default-parsed numbers, booleans and strings read as .raw() does",
      async (sql) => {
        const query =
          `SELECT CAST(7 AS SMALLINT) AS a, CAST(-8 AS INTEGER) AS b, CAST(9007199254740993 AS BIGINT) AS c,
           CAST(1.50 AS NUMERIC(4, 2)) AS d, CAST(0.1 AS REAL) AS e, CAST(1 AS DOUBLE PRECISION) / 3 AS f,
           TRUE AS g, 'x' AS h`;
        const raw = await readPostgres(sql, query);
        assert.deepEqual(fromPostgres(await sql.unsafe(query)), raw);
        assert.deepEqual(fromPostgres(await sql.unsafe(query).values()), raw);
      },
    );
  } finally {
    duck.closeSync();
    instance.closeSync();
    await sql?.end({ timeout: 5 });
  }
});

Deno.test("PostgreSQL text forms are read as written by hand", () => {
  const rows = Object.assign(
    [
      [
        "0044-03-15 BC",
        "2025-03-01 17:30:00.25+05:30",
        "0001-01-01 00:00:00-00:01:15 BC",
        "-0.000",
        "NaN",
        "1e+300",
        "-Infinity",
        "f",
      ],
    ],
    {
      columns: [
        { name: "a", type: 1082 },
        { name: "b", type: 1184 },
        { name: "c", type: 1184 },
        { name: "d", type: 1700 },
        { name: "e", type: 1700 },
        { name: "f", type: 701 },
        { name: "g", type: 701 },
        { name: "h", type: 16 },
      ],
    },
  );
  const result: ResultSet = fromPostgres(rows);
  assert.deepEqual(result.rows[0], [
    { kind: "date", value: "-0043-03-15" },
    { kind: "timestamp", value: "2025-03-01T12:00:00.25Z" },
    { kind: "timestamp", value: "0000-01-01T00:01:15Z" },
    { kind: "exact", value: "0" },
    { kind: "exact", value: "NaN" },
    { kind: "float", value: 1e300 },
    { kind: "float", value: -Infinity },
    { kind: "bool", value: false },
  ]);
  assert.equal(
    formatRow(result.rows[0]),
    "(-0043-03-15, 2025-03-01T12:00:00.25Z, 0000-01-01T00:01:15Z, 0, NaN, 1e+300, -Infinity, false)",
  );
  // A date in a non-ISO DateStyle is refused with the column named.
  const sqlStyle = Object.assign([["03/01/2025"]], {
    columns: [{ name: "day", type: 1082 }],
  });
  assert.throws(() => fromPostgres(sqlStyle), {
    message: /^Column day \(date\) holds "03\/01\/2025", /,
  });
});

Deno.test("canonical decimals", () => {
  for (
    const [text, canonical] of [
      ["16", "16"],
      ["16.00", "16"],
      ["0016.500", "16.5"],
      ["-0", "0"],
      ["-0.000", "0"],
      ["+3", "3"],
      [".5", "0.5"],
      ["-.50", "-0.5"],
      ["5.", "5"],
      [
        "-170141183460469231731687303715884105728",
        "-170141183460469231731687303715884105728",
      ],
      ["Infinity", "Infinity"],
    ]
  ) assert.equal(canonicalDecimal(text), canonical, text);
  for (const bad of ["", ".", "-", "1e5", "1,5", " 1", "0x10"]) {
    assert.throws(() => canonicalDecimal(bad), { message: /is not a decimal/ });
  }
});

Deno.test("NaN equals NaN, an infinity only itself, NULL only NULL", () => {
  const one = (cell: Cell): ResultSet => ({ columns: ["x"], rows: [[cell]] });
  const nan = one({ kind: "float", value: NaN });
  const inf = one({ kind: "float", value: Infinity });
  const big = one({ kind: "float", value: Number.MAX_VALUE });
  const nil = one({ kind: "null" });
  const zero = one({ kind: "exact", value: "0" });
  const text = one({ kind: "text", value: "0" });
  assert.equal(compareResults(nan, nan), undefined);
  assert.equal(compareResults(inf, inf), undefined);
  assert.equal(compareResults(inf, big, { relativeTolerance: 1 })?.kind, "row");
  assert.equal(
    compareResults(nan, zero, { relativeTolerance: 1 })?.kind,
    "row",
  );
  assert.equal(compareResults(nil, nil), undefined);
  assert.equal(compareResults(nil, zero)?.kind, "row");
  assert.equal(compareResults(zero, text)?.kind, "row");
  assert.equal(
    compareResults(zero, text)?.message,
    'Row 1 differs in column x: expected (0), actual ("0")',
  );
});
