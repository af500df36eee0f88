/**
 * `verify` on Parquet (docs/design.md §6.3, §11): the Parquet files are regenerated
 * into a scratch folder that is gone afterwards; a value changed by DuckDB in a
 * Parquet file fails verify (exit 1) naming the file and the row, with the text file
 * of the same rows (or DuckDB's own reading) as the oracle for both lines shown; a
 * file that is not Parquet at all is named; a recorded Parquet writer version that
 * is not this run's is listed.
 */
import assert from "node:assert/strict";
import { ROOT, runMain } from "./helpers.ts";
import { verifySteps } from "../lib/verify.ts";
import { runStepsAsync } from "../lib/steps.ts";
import {
  generateParquetDataset,
  rewriteParquetValue,
  sqlString,
  withDuckDB,
} from "./parquet_fixtures.ts";

/** Folders and files beside `dir` whose names start with its own (e.g. `out.partial`). */
function besides(dir: string): string[] {
  const parent = dir.slice(0, dir.lastIndexOf("/"));
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  return [...Deno.readDirSync(parent)].map((e) => e.name).filter((n) =>
    n !== name && n.startsWith(name)
  );
}

Deno.test("verify names the first differing row of a Parquet file changed by DuckDB, and leaves no scratch folder", async () => {
  const ds = generateParquetDataset(["text", "parquet"], {
    sessions: 300,
    users: 60,
  });
  try {
    const fresh = runMain(["-A"], ["verify", ds.dir]);
    assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /ok +star\/fact_turn\.parquet/);
    assert.deepEqual(besides(ds.dir), []);

    const row = 7;
    await rewriteParquetValue(
      `${ds.dir}/star/fact_turn.parquet`,
      "confidence",
      row,
      "0.1234",
    );
    const r = runMain(["-A"], ["verify", ds.dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // Oracle: the CSV file of the same rows (line row + 1, after the header); the
    // changed line is it with the confidence field replaced.
    const lines = Deno.readTextFileSync(`${ds.dir}/star/fact_turn.csv`).split(
      "\n",
    );
    const at = lines[0].split(",").indexOf("confidence");
    const fields = lines[row].split(",");
    assert.notEqual(fields[at], "0.1234");
    const changed = fields.with(at, "0.1234").join(",");
    assert.ok(
      r.stdout.includes(
        `First difference in star/fact_turn.parquet at row ${row} (decoded as CSV):\n` +
          `  generator makes: ${lines[row]}\n` +
          `  file has:        ${changed}\n`,
      ),
      r.stdout,
    );
    assert.match(r.stdout, /mismatch +star\/fact_turn\.parquet/);
    // The CSV and the snowflake copy are untouched.
    assert.match(r.stdout, /ok +star\/fact_turn\.csv/);
    assert.match(r.stdout, /ok +snowflake\/fact_turn\.parquet/);
    assert.deepEqual(besides(ds.dir), []);
  } finally {
    ds.cleanup();
  }
});

Deno.test("verify of a Parquet-only dataset names a changed raw row as JSON Lines, a file that is not Parquet, and one with the same rows in other bytes", async () => {
  const ds = generateParquetDataset(["parquet"], {
    sessions: 200,
    users: 40,
    formats: "raw,star",
  });
  try {
    const path = `${ds.dir}/raw/turns.parquet`;
    const row = 3;
    // Oracle: DuckDB's own reading of the row before the change.
    const [[before]] = await withDuckDB((run) =>
      run(
        `SELECT user_text FROM read_parquet(${
          sqlString(path)
        }) LIMIT 1 OFFSET ${row - 1}`,
      )
    );
    await rewriteParquetValue(path, "user_text", row, "'changed, \"quoted\"'");
    Deno.writeTextFileSync(
      `${ds.dir}/star/dim_channel.parquet`,
      "not a Parquet file\n",
    );
    // dim_device rewritten by DuckDB with every value unchanged: other bytes, same rows.
    await rewriteParquetValue(
      `${ds.dir}/star/dim_device.parquet`,
      "device_name",
      0,
      "device_name",
    );
    const r = runMain(["-A"], ["verify", ds.dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(
      r.stdout.includes(
        `First difference in raw/turns.parquet at row ${row} (decoded as JSON Lines):`,
      ),
      r.stdout,
    );
    // The lines in full (the printed report clips long lines), from the same steps.
    const report = await runStepsAsync(verifySteps(ds.dir));
    const d = report.differences.find((x) => x.path === "raw/turns.parquet");
    assert.equal(d?.line, row);
    assert.equal(JSON.parse(d.expected!).user_text, before);
    assert.equal(JSON.parse(d.found!).user_text, 'changed, "quoted"');
    // Every other value of the row is the generated one.
    assert.deepEqual(
      { ...JSON.parse(d.found!), user_text: before },
      JSON.parse(d.expected!),
    );
    assert.ok(
      r.stdout.includes(
        "First difference in star/dim_channel.parquet at its columns (decoded as the CSV header):",
      ),
      r.stdout,
    );
    assert.match(r.stdout, /file has: +\(cannot be decoded: /);
    assert.ok(
      r.stdout.includes(
        "First difference in star/dim_device.parquet: none in its rows (decoded, they are the ones generated); the bytes differ in their encoding",
      ),
      r.stdout,
    );
    assert.match(r.stdout, /mismatch +star\/dim_device\.parquet/);
    assert.deepEqual(besides(ds.dir), []);
  } finally {
    ds.cleanup();
  }
});

Deno.test("verify lists a recorded Parquet writer version that differs from this run's", async () => {
  const ds = generateParquetDataset(["parquet"], {
    sessions: 50,
    users: 10,
    formats: "raw",
  });
  try {
    const file = `${ds.dir}/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(file));
    // Oracle: the writer named in the file's own footer, as DuckDB reads it.
    const [[createdBy]] = await withDuckDB((run) =>
      run(
        `SELECT created_by FROM parquet_file_metadata(${
          sqlString(`${ds.dir}/raw/turns.parquet`)
        })`,
      )
    );
    assert.equal(m.writers?.parquet, createdBy);
    m.writers.parquet = "v0.0.1";
    Deno.writeTextFileSync(file, JSON.stringify(m, null, 2) + "\n");
    const r = runMain(["-A"], ["verify", ds.dir]);
    // manifest.json no longer matches SHA256SUMS: verify fails, and says why it might.
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(
      r.stdout.includes(
        `  Parquet writer: manifest v0.0.1, this run ${createdBy}\n`,
      ),
      r.stdout,
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("SIGINT during verify's Parquet regeneration: exit 130, its scratch folder removed", async () => {
  const ds = generateParquetDataset(["parquet"], {
    sessions: 40,
    users: 200,
    formats: "star",
  });
  try {
    // A manifest that asks for millions of sessions, consistently (its counts and the
    // session file's rows too): regeneration takes minutes.
    const file = `${ds.dir}/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(file));
    m.sessions = m.counts.sessions = 5_000_000;
    for (const f of m.files) {
      if (f.path === "star/fact_session.parquet") f.rows = 5_000_000;
    }
    Deno.writeTextFileSync(file, JSON.stringify(m, null, 2) + "\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", "verify", ds.dir],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Wait for the scratch folder (made when the first Parquet file is opened).
    const partial = `${ds.dir}.partial`;
    const deadline = Date.now() + 60_000;
    const scratch = () => {
      try {
        return [...Deno.readDirSync(partial)].some((e) =>
          e.name.startsWith("verify-")
        );
      } catch {
        return false;
      }
    };
    while (!scratch() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const made = scratch();
    child.kill(made ? "SIGINT" : "SIGKILL");
    assert.ok(made, "verify never made its scratch folder");
    const r = await child.output();
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 130, stderr);
    assert.match(stderr, /^error: Interrupted by SIGINT/m);
    assert.deepEqual(besides(ds.dir), []);
  } finally {
    ds.cleanup();
  }
});

Deno.test("verify names the row of a NULL in a Parquet file, not the first row of the chunk decoded with it", async () => {
  const ds = generateParquetDataset(["text", "parquet"], {
    sessions: 400,
    users: 60,
  });
  try {
    const lines = Deno.readTextFileSync(`${ds.dir}/star/fact_turn.csv`)
      .trimEnd().split("\n");
    // A row in the second chunk of 2,048 decoded rows, not its first.
    const row = 2060;
    assert.ok(lines.length - 1 >= row, `${lines.length - 1} rows`);
    await rewriteParquetValue(
      `${ds.dir}/star/fact_turn.parquet`,
      "latency_ms",
      row,
      "NULL",
    );
    const r = runMain(["-A"], ["verify", ds.dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(
      r.stdout.includes(
        `First difference in star/fact_turn.parquet at row ${row} (decoded as CSV):\n` +
          `  generator makes: ${lines[row]}\n`,
      ),
      r.stdout,
    );
    assert.match(r.stdout, new RegExp(`row ${row}, column latency_ms is null`));
  } finally {
    ds.cleanup();
  }
});
