/**
 * The bench reports (lib/workload/bench_report.ts) from a hand-built result: JSON
 * that JSON.parse gives back with a fixed key order, Markdown tables with the same
 * number of cells on every row, an aligned terminal table, and an SVG chart that is
 * well-formed XML, deterministic and labels every query and series.
 */
import assert from "node:assert/strict";
import {
  benchChartSpec,
  benchJson,
  benchMarkdown,
  benchSvg,
  formatBenchTable,
  formatMs,
} from "../lib/workload/bench_report.ts";
import type { BenchResult } from "../lib/workload/bench_result.ts";
import { cpuModel, machineInfo } from "../lib/workload/machine.ts";
import { handResult, handResultWithParquet } from "./bench_fixtures.ts";
import { xmlElementCounts } from "./xml_well_formed.ts";

Deno.test("benchJson round-trips through JSON.parse with a fixed key order", () => {
  const r = handResult();
  const text = benchJson(r);
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.split("\n")[1].startsWith('  "dataset": {'), "2-space indent");
  assert.deepEqual(JSON.parse(text), r);
  // The same result with its keys in another order gives the same bytes.
  const shuffled = JSON.parse(
    JSON.stringify(
      r,
      (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).reverse())
          : v,
    ),
  ) as BenchResult;
  assert.notDeepEqual(Object.keys(shuffled), Object.keys(r));
  assert.equal(benchJson(shuffled), text);
  assert.deepEqual(Object.keys(JSON.parse(text)), [
    "dataset",
    "machine",
    "runs",
    "warmups",
    "loads",
    "queries",
    "agreement",
  ]);
  // Absent optional keys stay absent; times are rounded to the microsecond.
  const { postgres: _, ...machine } = r.machine;
  const parsed = JSON.parse(benchJson({
    ...r,
    machine,
    loads: [{ ...r.loads[0], ms: 1.23456789 }],
  }));
  assert.equal("postgres" in parsed.machine, false);
  assert.equal(parsed.loads[0].ms, 1.235);
  assert.equal("difference" in parsed.agreement[0], false);
});

/** The cells of a Markdown table row: split on pipes not escaped with "\". */
function cells(row: string): string[] {
  assert.ok(row.startsWith("|") && row.endsWith("|"), row);
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

Deno.test("benchMarkdown: every row of a table has the header's cell count", () => {
  const md = benchMarkdown(handResult());
  assert.ok(md.endsWith("\n") && !md.endsWith("\n\n"));
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of md.split("\n")) {
    if (line.startsWith("|")) {
      if (!current) tables.push(current = []);
      current.push(line);
    } else current = undefined;
  }
  assert.equal(tables.length, 2, "a load table and a query table");
  for (const t of tables) {
    const n = cells(t[0]).length;
    for (const row of t) assert.equal(cells(row).length, n, row);
    assert.match(t[1], /^\|( ---:? \|)+$/);
  }
  // Loads: representation + (ms, rows) × 2 engines; 3 representations.
  assert.equal(cells(tables[0][0]).length, 5);
  assert.equal(tables[0].length, 2 + 3);
  // Queries: query, question, (median, p95) × 5 series, agreement; 3 queries.
  assert.equal(cells(tables[1][0]).length, 2 + 10 + 1);
  assert.equal(tables[1].length, 2 + 3);
  assert.match(
    md,
    /\| q13 slowest users \| Which users waited longest \\\| on average\? \|/,
  );
  assert.match(
    md,
    /\| no: star \(PostgreSQL\): row 3 differs: "u\\\|7", 12\.5 vs "u\\\|7", 12\.6 \|$/m,
  );
  assert.match(md, /\| q01 fallback rate by intent \|.*\| yes \|$/m);
  assert.match(md, /^\| raw \| 1,234\.50 \| 98,765 \| – \| – \|$/m);
  assert.match(
    md,
    /Machine: Example CPU @ 2\.00GHz, 2 cores, 7\.8 GiB, linux 6\.8\.0 x86_64, Deno 2\.9\.6, DuckDB v1\.5\.0, PostgreSQL 15\.8\./,
  );
  assert.match(md, /1 untimed warm-up run, then 3 timed runs/);
});

Deno.test("formatBenchTable: aligned columns with thousands separators", () => {
  const text = formatBenchTable(handResult());
  const [loads, queries] = text.split("\n\n");
  const loadLines = loads.split("\n");
  assert.equal(loadLines.length, 1 + 5);
  // Right-aligned numbers: every load line has the same length.
  assert.equal(new Set(loadLines.map((l) => l.length)).size, 1, loads);
  assert.ok(
    loadLines.some((l) => /^star \(PostgreSQL\) +2,345\.00 +120,000$/.test(l)),
  );
  const qLines = queries.split("\n");
  assert.equal(qLines.length, 1 + 3);
  // The agreement column starts at the same offset on every line.
  const at = qLines[0].indexOf("agreement");
  for (const l of qLines.slice(1)) {
    assert.match(l.slice(at), /^(yes|no: )/, l);
    assert.equal(l[at - 1], " ");
    assert.notEqual(l[at - 3], " ", `the widest column ends just before: ${l}`);
  }
  assert.match(qLines[3], /^q13 slowest users +4\.50 \/ 9\.00 /);
});

Deno.test("reports of a result with Parquet loads name the encoding of every series", async () => {
  const r = handResultWithParquet();
  const md = benchMarkdown(r);
  const rows = md.split("\n").filter((l) => l.startsWith("|"));
  const loadHeader = rows.find((l) => l.startsWith("| representation"))!;
  assert.deepEqual(cells(loadHeader).map((c) => c.trim()), [
    "representation",
    "encoding",
    "DuckDB ms",
    "DuckDB rows",
    "PostgreSQL ms",
    "PostgreSQL rows",
  ]);
  // One load row per representation and encoding; PostgreSQL loads text only.
  assert.match(md, /^\| raw \| text \| 1,234\.50 \| 98,765 \| – \| – \|$/m);
  assert.match(md, /^\| raw \| Parquet \| 617\.25 \| 98,765 \| – \| – \|$/m);
  assert.match(
    md,
    /^\| star \| text \| 456\.25 \| 120,000 \| 2,345\.00 \| 120,000 \|$/m,
  );
  const queryHeader = cells(rows.find((l) => l.startsWith("| query"))!).map((
    c,
  ) => c.trim());
  // (median, p95) × 8 series: 3 DuckDB text, 3 DuckDB Parquet, 2 PostgreSQL.
  assert.equal(queryHeader.length, 2 + 16 + 1);
  assert.deepEqual(queryHeader.slice(2, 6), [
    "raw (DuckDB, text) median",
    "raw (DuckDB, text) p95",
    "raw (DuckDB, Parquet) median",
    "raw (DuckDB, Parquet) p95",
  ]);
  for (const row of rows) {
    if (row.startsWith("| query") || row.startsWith("| q")) {
      assert.equal(cells(row).length, queryHeader.length, row);
    }
  }
  assert.match(
    md,
    /\| no: star \(DuckDB, Parquet\): row 1 differs \|$/m,
  );
  const table = formatBenchTable(r).split("\n\n")[0].split("\n");
  assert.equal(table.length, 1 + 8);
  assert.ok(
    table.some((l) =>
      /^snowflake \(DuckDB, Parquet\) +256\.00 +121,000$/.test(l)
    ),
    table.join("\n"),
  );
  const spec = benchChartSpec(r) as {
    encoding: { color: { sort: string[]; scale: { range: string[] } } };
  };
  const { sort, scale } = spec.encoding.color;
  assert.deepEqual(sort.slice(0, 2), [
    "raw (DuckDB, text)",
    "raw (DuckDB, Parquet)",
  ]);
  // Text and Parquet of one representation: two shades; other series: other hues.
  assert.equal(new Set(scale.range).size, sort.length);
  const svg = await benchSvg(r);
  xmlElementCounts(svg);
  assert.equal(svg.match(/aria-roledescription="bar"/g)?.length, 3 * 8);
  assert.ok(svg.includes(">snowflake (DuckDB, Parquet)<"));
  assert.ok(svg.includes(">representation (engine, encoding)<"));
  // A text-only result names no encoding.
  assert.doesNotMatch(benchMarkdown(handResult()), /text|Parquet/);
});

Deno.test("formatMs groups thousands and keeps two decimals", () => {
  assert.equal(formatMs(0), "0.00");
  assert.equal(formatMs(0.004), "0.00");
  assert.equal(formatMs(1.005), "1.00"); // 1.005 is 1.00499999… in binary
  assert.equal(formatMs(999.999), "1,000.00");
  assert.equal(formatMs(1234567.891), "1,234,567.89");
});

Deno.test("benchSvg: well-formed, deterministic, every query and series labelled", async () => {
  const r = handResult();
  const svg = await benchSvg(r);
  const counts = xmlElementCounts(svg);
  assert.equal(counts.get("svg"), 1);
  assert.equal(await benchSvg(handResult()), svg);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
  );
  for (
    const label of [
      "q01 fallback rate by intent",
      "q02 sessions by channel",
      "q13 slowest users",
      "raw (DuckDB)",
      "star (DuckDB)",
      "snowflake (DuckDB)",
      "star (PostgreSQL)",
      "snowflake (PostgreSQL)",
      "Median query time, 12,345 sessions (98,765 turns)",
    ]
  ) {
    assert.ok(texts.includes(label), `${label} in ${texts.join("|")}`);
  }
  // One bar per query and series: 15 bar paths with the bar role.
  const bars = svg.match(/role-mark[^"]*"[^>]*aria-roledescription="bar"/g) ??
    svg.match(/aria-roledescription="bar"/g);
  assert.equal(bars?.length, 15);
  // Without PostgreSQL, only the three DuckDB series are drawn.
  const duck = {
    ...r,
    queries: r.queries.filter((q) => q.engine === "duckdb"),
  };
  const spec = benchChartSpec(duck) as {
    encoding: { color: { sort: string[] } };
  };
  assert.deepEqual(spec.encoding.color.sort, [
    "raw (DuckDB)",
    "star (DuckDB)",
    "snowflake (DuckDB)",
  ]);
  xmlElementCounts(await benchSvg(duck));
});

Deno.test("benchSvg draws a zero median at the chart's floor", async () => {
  const r = handResult();
  r.queries[0].medianMs = 0;
  const svg = await benchSvg(r);
  xmlElementCounts(svg);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
});

Deno.test("machineInfo and cpuModel describe the machine", () => {
  assert.equal(
    cpuModel("processor\t: 0\nvendor_id\t: X\nmodel name\t: AMD  EPYC 7B13\n"),
    "AMD EPYC 7B13",
  );
  assert.equal(cpuModel("processor : 0\nHardware : BCM2835\n"), "BCM2835");
  assert.equal(cpuModel(""), "unknown");
  const m = machineInfo({ duckdb: "v1.5.0" });
  assert.equal(m.cores, navigator.hardwareConcurrency);
  assert.equal(m.deno, Deno.version.deno);
  assert.equal("postgres" in m, false);
  assert.ok(m.memoryGiB > 0);
  // The model name /proc/cpuinfo gives, read here with a shell tool.
  const out = new Deno.Command("sh", {
    args: ["-c", "grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2-"],
    stdout: "piped",
  }).outputSync();
  const expected = new TextDecoder().decode(out.stdout).trim().replace(
    /\s+/g,
    " ",
  );
  if (expected) assert.equal(m.cpu, expected);
  assert.equal(
    machineInfo({ duckdb: "v1", postgres: "15.8" }).postgres,
    "15.8",
  );
});
