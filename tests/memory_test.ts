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
import { rawUserFragment, RawUserTable } from "../lib/project/users.ts";
import { RowBatch } from "../lib/schema/row_batch.ts";
import { RAW_TURN } from "../lib/schema/tables.ts";
import { TextCells } from "../lib/encoding/text_cells.ts";
import { DAY_MS, parseIsoDate } from "../lib/calendar/iso_date.ts";
import {
  BYTES_PER_USER_RAW,
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
    const r = generateWithHeap(4096, 100_000_000, out);
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
    const expected = 128 * MiB / BYTES_PER_USER_RAW;
    assert.ok(Math.abs(gained - expected) <= 1, `${gained} vs ${expected}`);
    // A moderate count is refused under a small heap ...
    const over = generateWithHeap(112, 110_000, out);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, /Cannot generate 110,000 users/);
    assert.deepEqual(
      [...Deno.readDirSync(parent)],
      [],
      "no output, no .partial",
    );
    // ... and a count just under that limit runs to the end under the same heap.
    const under = generateWithHeap(112, 100_000, out);
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
    assert.equal(maxUsers(["raw"], (64 + 96) * MiB), 0);
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
  assert.equal(maxUsers(["raw"], HEAP_RESERVE_BYTES), 0);
  assert.equal(maxUsers(["raw"], HEAP_RESERVE_BYTES - 1), 0);
  assert.equal(
    maxUsers(["raw", "star"], HEAP_RESERVE_BYTES + 1000 * BYTES_PER_USER_RAW),
    1000,
  );
  // Without raw output far less is held per user.
  assert.ok(maxUsers(["star"], 4192 * MiB) > maxUsers(["raw"], 4192 * MiB));
});

Deno.test("the compact user table gives every user's raw columns exactly", () => {
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
  const n = 2 * 4096 + 17;
  const device = new Int32Array(n);
  const table = new RawUserTable(model, n, device);
  const expected: Record<string, unknown>[] = [];
  for (let u = 0; u < n; u++) {
    const user = generateUser(model, streams, fakers, u);
    device[u] = user.device;
    table.add(u, user);
    // The reference: the user's fields as a strict JSON parser reads them.
    expected.push(JSON.parse(`{${rawUserFragment(model, user)}}`));
  }
  const batch = new RowBatch(RAW_TURN, n, table.dictionaries());
  for (let u = 0; u < n; u++) table.fill(batch, u, u + 1, u);
  batch.length = n;
  const cells = new TextCells(RAW_TURN, { string: JSON.stringify, time: '"' });
  for (let u = 0; u < n; u++) {
    for (const [k, v] of Object.entries(expected[u])) {
      const c = batch.index(k);
      assert.deepEqual(
        JSON.parse(cells.cell(batch, c, u)),
        v,
        `user ${u} ${k}`,
      );
    }
  }
  assert.throws(
    () => table.add(0, generateUser(model, streams, fakers, 0)),
    RangeError,
  );
});

Deno.test("the refusal counts one user in the singular", () => {
  assert.throws(
    () => checkUserMemory(1, ["raw"], "generate", HEAP_RESERVE_BYTES),
    /^UsageError: Cannot generate 1 user: with raw output this process can hold at most 0 \(/,
  );
});
