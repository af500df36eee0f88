/**
 * Memory limits: a user count the process cannot hold is refused before any work
 * (exit 2, one sentence naming the limit, nothing on disk), the limit follows V8's
 * heap limit, a run at the limit completes, and the compact per-user table rebuilds
 * exactly the raw user fragment of every user.
 */
import { effectiveConfig } from "../lib/generate.ts";
import assert from "node:assert/strict";
import { generateTemp, ROOT, runMain } from "./helpers.ts";
import { loadConfig } from "../lib/config/load.ts";
import { compileModel } from "../lib/model/model.ts";
import { StreamFactory } from "../lib/random/mod.ts";
import { FakerPool } from "../lib/model/faker_pool.ts";
import { generateUser } from "../lib/model/user.ts";
import { RawUserColumns, rawUserFragment } from "../lib/project/users.ts";
import { Population } from "../lib/model/population.ts";
import { RowBatch } from "../lib/schema/row_batch.ts";
import { RAW_TURN } from "../lib/schema/tables.ts";
import { TextCells } from "../lib/encoding/text_cells.ts";
import { DAY_MS, parseIsoDate } from "../lib/calendar/iso_date.ts";
import {
  BYTES_PER_USER,
  checkUserMemory,
  HEAP_RESERVE_BYTES,
  maxUsers,
} from "../lib/memory.ts";

const MiB = 2 ** 20;

function tempOut(): { parent: string; out: string } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-memory-" });
  return { parent, out: `${parent}/out` };
}

/** Generate with `--v8-flags=--max-old-space-size=oldMiB`, raw only, into `out`. */
function generateWithHeap(oldMiB: number, users: number, out: string) {
  const t0 = performance.now();
  const r = runMain(
    [
      `--allow-read=${ROOT},${out},${out}.partial`,
      `--allow-write=${out},${out}.partial`,
      "--allow-env",
      `--v8-flags=--max-old-space-size=${oldMiB}`,
    ],
    [
      "--users",
      String(users),
      "--sessions",
      "1",
      "--formats",
      "raw",
      "--out",
      out,
      "--quiet",
    ],
  );
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

/** The limit a refusal names ("can hold at most N"), as a number. */
function namedLimit(stderr: string): number {
  const m = /can hold at most ([\d,]+)/.exec(stderr);
  assert.ok(m, stderr);
  return Number(m[1].replaceAll(",", ""));
}

Deno.test("the documented maximum of users is refused up front: exit 2, one sentence, nothing on disk", () => {
  const { parent, out } = tempOut();
  try {
    const r = generateWithHeap(512, 100_000_000, out);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split("\n").filter((l) =>
      l !== "" && !l.includes("Warning")
    );
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: Cannot generate 100,000,000 users: /);
    assert.match(lines[0], /--max-old-space-size=\d+/);
    assert.ok(!lines[0].includes("    at "), "no stack trace");
    // Refused before any work: far below the minutes generating would take.
    assert.ok(r.seconds < 60, `took ${r.seconds} s`);
    assert.deepEqual(
      [...Deno.readDirSync(parent)],
      [],
      "no output, no .partial",
    );
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});

Deno.test("the user limit scales with --max-old-space-size; a run at the limit completes", () => {
  const { parent, out } = tempOut();
  try {
    const small = generateWithHeap(112, 100_000_000, out);
    const large = generateWithHeap(240, 100_000_000, out);
    assert.equal(small.code, 2, small.stderr);
    assert.equal(large.code, 2, large.stderr);
    // 128 MiB more heap holds 128 MiB / (bytes per user) more users.
    const gained = namedLimit(large.stderr) - namedLimit(small.stderr);
    const expected = 128 * MiB / BYTES_PER_USER;
    assert.ok(Math.abs(gained - expected) <= 1, `${gained} vs ${expected}`);
    // A count just over the named limit is refused under a small heap ...
    const limit = namedLimit(small.stderr);
    const over = generateWithHeap(112, limit + 1, out);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, /Cannot generate [\d,]+ users/);
    assert.deepEqual(
      [...Deno.readDirSync(parent)],
      [],
      "no output, no .partial",
    );
    // ... and a count just under that limit runs to the end under the same heap.
    const under = generateWithHeap(112, limit, out);
    assert.equal(under.code, 0, under.stderr);
    assert.ok(Deno.statSync(`${out}/manifest.json`).isFile);
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});

Deno.test("verify refuses a dataset whose users cannot fit, before reading its files", () => {
  const { dir, cleanup } = generateTemp({ sessions: 20, users: 30 });
  try {
    // 64 MiB of old space leaves no room beyond the fixed reserve.
    assert.equal(maxUsers((64 + 96) * MiB), 0);
    const r = runMain(
      ["--allow-read", "--allow-env", "--v8-flags=--max-old-space-size=64"],
      ["verify", dir],
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: Cannot regenerate 30 users: /);
    assert.equal(r.stdout, "", "no per-file report: nothing was checked");
  } finally {
    cleanup();
  }
});

Deno.test("maxUsers: heap limit minus the reserve, over the bytes per user", () => {
  assert.equal(maxUsers(HEAP_RESERVE_BYTES), 0);
  assert.equal(maxUsers(HEAP_RESERVE_BYTES - 1), 0);
  assert.equal(maxUsers(HEAP_RESERVE_BYTES + 1000 * BYTES_PER_USER), 1000);
});

Deno.test("users regenerated on demand give every user's raw columns exactly", () => {
  const config = effectiveConfig(
    loadConfig(`${ROOT}/config.yaml`).config,
    {},
    "config.yaml",
  );
  const model = compileModel(config);
  const streams = new StreamFactory(99);
  const fakers = new FakerPool(
    new Date(parseIsoDate(config.reference_date)! * DAY_MS),
  );
  const n = 700;
  const population = new Population(model, streams, fakers, n);
  const columns = new RawUserColumns(model, population);
  const batch = new RowBatch(RAW_TURN, n, columns.dictionaries());
  // Out of order and repeated, as sessions pick users (the cache must not mix them).
  const order = Array.from({ length: n }, (_, i) => (i * 409) % n);
  for (let r = 0; r < n; r++) columns.fill(batch, r, r + 1, order[r]);
  batch.length = n;
  const cells = new TextCells(RAW_TURN, { string: JSON.stringify, time: '"' });
  // The reference: each user generated outright, its fields as a strict JSON parser
  // reads them.
  const other = new FakerPool(
    new Date(parseIsoDate(config.reference_date)! * DAY_MS),
  );
  for (let r = 0; r < n; r++) {
    const user = generateUser(model, new StreamFactory(99), other, order[r]);
    const expected = JSON.parse(`{${rawUserFragment(model, user)}}`);
    for (const [k, v] of Object.entries(expected)) {
      const c = batch.index(k);
      assert.deepEqual(JSON.parse(cells.cell(batch, c, r)), v, `row ${r} ${k}`);
    }
  }
});

Deno.test("the refusal counts one user in the singular", () => {
  assert.throws(
    () => checkUserMemory(1, "generate", HEAP_RESERVE_BYTES),
    /^UsageError: Cannot generate 1 user: a generator thread can hold at most 0 \(/,
  );
});
