/**
 * `validate` on Parquet (docs/design.md §11): a dataset written only as Parquet gets
 * the verdicts of the text dataset of the same seed; the files it names are the
 * `.parquet` files, with the SHA-256 `sha256sum` computes; with both encodings the
 * Parquet files must decode to the text files' lines (rule "encodings agree"), and a
 * value changed by DuckDB in one of them is named by file and row.
 */
import assert from "node:assert/strict";
import { validateDataset } from "../lib/validate/validate.ts";
import { generateTemp, readCsv, runMain } from "./helpers.ts";
import {
  addParquet,
  generateParquetDataset,
  rewriteParquetValue,
  sqlString,
  withDuckDB,
} from "./parquet_fixtures.ts";

/** What a report concludes: every check's and rule's outcome, without file names. */
function verdicts(r: Awaited<ReturnType<typeof validateDataset>>) {
  return {
    pass: r.pass,
    checks: r.checks.map((c) => [c.quantity, c.pAdjusted, c.pass]),
    rules: r.rules.map((x) => [x.rule, x.violations, x.pass]),
  };
}

/** `sha256sum`'s digest of each file (the independent tool). */
function sha256sums(dir: string, paths: string[]): Map<string, string> {
  const out = new Deno.Command("sha256sum", { args: paths, cwd: dir })
    .outputSync();
  assert.equal(out.code, 0);
  return new Map(
    new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => {
      const [hex, path] = l.split(/\s+/);
      return [path, hex];
    }),
  );
}

Deno.test("validate reads a Parquet-only dataset with the verdicts of the text dataset of the same seed", async () => {
  const opts = { sessions: 400, users: 80, seed: 11 };
  const text = generateParquetDataset(["text"], opts);
  const pq = generateParquetDataset(["parquet"], opts);
  try {
    const a = await validateDataset(text.dir);
    const b = await validateDataset(pq.dir);
    assert.deepEqual(verdicts(b), verdicts(a));
    assert.ok(b.pass, JSON.stringify(b.rules.filter((r) => !r.pass)));
    // The files named are the Parquet files, hashed as sha256sum hashes them.
    const read = b.dataset.files.map((f) => f.path);
    assert.ok(read.length > 0 && read.every((p) => p.endsWith(".parquet")));
    assert.ok(read.includes("star/fact_turn.parquet"));
    const sums = sha256sums(pq.dir, read);
    for (const f of b.dataset.files) {
      assert.equal(f.sha256, sums.get(f.path), f.path);
      assert.equal(f.manifest, "matches", f.path);
    }
    assert.ok(b.dataset.source.startsWith("star/fact_turn.parquet"));
  } finally {
    text.cleanup();
    pq.cleanup();
  }
});

Deno.test("validate reads a raw log converted to Parquet by DuckDB with the JSONL's verdicts", async () => {
  const text = generateTemp({ sessions: 300, users: 60, formats: ["raw"] });
  const copy = Deno.makeTempDirSync({ prefix: "chatsynth-pq-" });
  try {
    const a = await validateDataset(text.dir);
    Deno.removeSync(copy);
    Deno.mkdirSync(`${copy}/raw`, { recursive: true });
    for (const f of ["manifest.json", "raw/turns.jsonl"]) {
      Deno.copyFileSync(`${text.dir}/${f}`, `${copy}/${f}`);
    }
    await addParquet(copy, { parquetOnly: true });
    const b = await validateDataset(copy);
    assert.deepEqual(
      b.dataset.files.map((f) => f.path),
      ["raw/turns.parquet"],
    );
    // The same rules but the inputs line (the config text now names the encoding).
    assert.deepEqual(verdicts(b), verdicts(a));
  } finally {
    text.cleanup();
    Deno.removeSync(copy, { recursive: true });
  }
});

Deno.test("with both encodings, validate reads the text and checks that the Parquet files agree", async () => {
  const ds = generateParquetDataset(["text", "parquet"], {
    sessions: 300,
    users: 60,
  });
  try {
    const fresh = await validateDataset(ds.dir);
    const agree = fresh.rules.find((r) => r.rule.startsWith("encodings agree"));
    assert.ok(agree?.pass, JSON.stringify(agree));
    assert.ok(fresh.dataset.source.startsWith("star/fact_turn.csv"));
    const paths = fresh.dataset.files.map((f) => f.path);
    assert.ok(paths.includes("star/fact_turn.csv"));
    assert.ok(paths.includes("star/fact_turn.parquet"));

    // Row 5 of the star fact_turn gets another latency, rewritten by DuckDB.
    const row = 5;
    const csv = readCsv(`${ds.dir}/star/fact_turn.csv`);
    const latency = Number(
      csv.rows[row - 1][csv.header.indexOf("latency_ms")],
    );
    await rewriteParquetValue(
      `${ds.dir}/star/fact_turn.parquet`,
      "latency_ms",
      row,
      String(latency + 1),
    );
    const r = await validateDataset(ds.dir);
    const rule = r.rules.find((x) => x.rule.startsWith("encodings agree"))!;
    assert.equal(rule.violations, 1);
    assert.equal(rule.pass, false);
    assert.ok(
      rule.rule.includes(`first difference: star/fact_turn.parquet row ${row}`),
      rule.rule,
    );
    assert.equal(r.pass, false);
    const file = r.dataset.files.find((f) =>
      f.path === "star/fact_turn.parquet"
    );
    assert.equal(file?.manifest, "differs");
  } finally {
    ds.cleanup();
  }
});

Deno.test("validate of a Parquet-only dataset names a changed dimension row, and refuses a file of the wrong types or a run without --allow-ffi (exit 2)", async () => {
  const ds = generateParquetDataset(["parquet"], {
    sessions: 100,
    users: 20,
    formats: "star",
  });
  try {
    // Without --allow-ffi, DuckDB cannot load: one line saying so, exit 2.
    const noFfi = runMain(
      ["--allow-read", `--allow-write=${ds.dir}`, "--allow-env"],
      ["validate", ds.dir, "--report", `${ds.dir}/r`],
    );
    assert.equal(noFfi.code, 2, noFfi.stdout + noFfi.stderr);
    assert.match(
      noFfi.stderr,
      /^error: Cannot read ".*\.parquet": reading Parquet loads DuckDB's native library, which needs --allow-ffi \(-P grants it\)\n$/m,
    );
    assert.ok(!noFfi.stderr.includes("    at "), noFfi.stderr);
    // Row 2 of dim_intent gets another name (DuckDB rewrites the file).
    await rewriteParquetValue(
      `${ds.dir}/star/dim_intent.parquet`,
      "intent_name",
      2,
      "'renamed'",
    );
    const r = runMain(["-A"], ["validate", ds.dir, "--report", `${ds.dir}/r`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(
      r.stdout.includes("first difference: star/dim_intent.parquet row 2"),
      r.stdout,
    );
    // fact_turn with its confidence as DOUBLE: not the table's type.
    const path = `${ds.dir}/star/fact_turn.parquet`;
    await withDuckDB((run) =>
      run(
        `COPY (SELECT * REPLACE (CAST(confidence AS DOUBLE) AS confidence) FROM read_parquet(${
          sqlString(path)
        })) TO ${sqlString(`${path}.tmp`)} (FORMAT parquet)`,
      )
    );
    Deno.renameSync(`${path}.tmp`, path);
    const bad = runMain(["-A"], [
      "validate",
      ds.dir,
      "--report",
      `${ds.dir}/r`,
    ]);
    assert.equal(bad.code, 2, bad.stdout + bad.stderr);
    const lines = bad.stderr.trim().split("\n").filter((l) =>
      !l.startsWith("Warning")
    );
    assert.equal(lines.length, 1, bad.stderr);
    assert.match(
      lines[0],
      /^error: Cannot read ".*star\/fact_turn\.parquet" as fact_turn: column \d+ is confidence DOUBLE, expected confidence DECIMAL\(5,4\)$/,
    );
  } finally {
    ds.cleanup();
  }
});
