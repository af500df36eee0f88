import assert from "node:assert/strict";
import { StreamFactory } from "../lib/random/stream.ts";
import { streamId, unitKey } from "../lib/random/unit_key.ts";
import {
  combinedStates,
  countReuse,
  formatTable,
  parseOptions,
  type ReuseCounts,
  type SessionFill,
  sessionFill,
} from "../tools/state_reuse.ts";

const SEED = 20251130;
const SESSION = streamId("session");

/** The counts by their definitions, with a Map: only for small inputs. */
function referenceCounts(
  sessions: number,
  draws: number,
  fill: SessionFill,
): ReuseCounts {
  const all: string[][] = [];
  const sessionsOf = new Map<string, Set<number>>();
  const out = new Uint32Array(2 * draws);
  for (let s = 0; s < sessions; s++) {
    fill(s, out);
    const states: string[] = [];
    for (let k = 0; k < draws; k++) {
      const key = `${out[2 * k]}:${out[2 * k + 1]}`;
      states.push(key);
      if (!sessionsOf.has(key)) sessionsOf.set(key, new Set());
      sessionsOf.get(key)!.add(s);
    }
    all.push(states);
  }
  let reused = 0, cross = 0, within = 0, shared = 0, reusing = 0, sharing = 0;
  const seen = new Set<string>();
  for (let s = 0; s < sessions; s++) {
    let reuses = false, shares = false;
    for (let k = 0; k < draws; k++) {
      const key = all[s][k];
      const owners = [...sessionsOf.get(key)!];
      if (seen.has(key)) reused++;
      seen.add(key);
      if (owners.some((o) => o < s)) {
        cross++;
        reuses = true;
      }
      if (all[s].slice(0, k).includes(key)) within++;
      if (owners.some((o) => o !== s)) {
        shared++;
        shares = true;
      }
    }
    if (reuses) reusing++;
    if (shares) sharing++;
  }
  return {
    sessions,
    drawsPerSession: draws,
    draws: sessions * draws,
    distinctStates: sessionsOf.size,
    reusedDraws: reused,
    crossSessionReusedDraws: cross,
    withinSessionRepeats: within,
    sharedDraws: shared,
    sessionsReusing: reusing,
    sessionsSharing: sharing,
  };
}

Deno.test("combined mode: no reused state in 20,000 sessions × 100 draws", () => {
  const counts = countReuse(20_000, 100, sessionFill("combined", SEED));
  assert.deepEqual(counts, {
    sessions: 20_000,
    drawsPerSession: 100,
    draws: 2_000_000,
    distinctStates: 2_000_000,
    reusedDraws: 0,
    crossSessionReusedDraws: 0,
    withinSessionRepeats: 0,
    sharedDraws: 0,
    sessionsReusing: 0,
    sessionsSharing: 0,
  });
});

Deno.test("combined states are the pair behind RandomStream's values", () => {
  const streams = new StreamFactory(SEED);
  const out = new Uint32Array(2 * 50);
  for (let i = 0; i < 20; i++) {
    const [hi, lo] = unitKey(SEED, SESSION, i);
    combinedStates(hi, lo, out);
    const rng = streams.stream("session", i);
    for (let k = 0; k < 50; k++) {
      // The pair plus the Weyl counter, which is the same in every unit at draw k.
      const x = (out[2 * k] + out[2 * k + 1] + 6615241 + (k + 1) * 362437) %
        2 ** 32;
      assert.equal(rng.next(), (x + 0.5) / 2 ** 32, `session ${i}, draw ${k}`);
    }
  }
});

Deno.test("constructed states: exact counts, 64-bit halves kept apart", () => {
  // [hi, lo] per draw; (0, 1) and (1, 0) are different states.
  const sessions: [number, number][][] = [
    [[0, 1], [0, 2], [0, 3]],
    [[0, 3], [0, 4], [0, 5]], // (0,3) was drawn by session 0
    [[7, 6], [7, 6], [0, 7]], // (7,6) twice in one session only
    [[1, 0], [2, 0], [3, 0]], // high halves only: new states
    [[0, 1], [0xffffffff, 0xffffffff], [0xffffffff, 0xfffffffe]], // (0,1) from session 0
  ];
  const fill: SessionFill = (s, out) => {
    sessions[s].forEach(([hi, lo], k) => {
      out[2 * k] = hi;
      out[2 * k + 1] = lo;
    });
  };
  const expected: ReuseCounts = {
    sessions: 5,
    drawsPerSession: 3,
    draws: 15,
    distinctStates: 12,
    reusedDraws: 3,
    crossSessionReusedDraws: 2,
    withinSessionRepeats: 1,
    sharedDraws: 4, // (0,1) twice, (0,3) twice
    sessionsReusing: 2, // sessions 1 and 4
    sessionsSharing: 3, // sessions 0, 1 and 4
  };
  assert.deepEqual(countReuse(5, 3, fill), expected);
  assert.deepEqual(referenceCounts(5, 3, fill), expected);
});

Deno.test("sessions sharing a unit key share all their states", () => {
  // Sessions s and s + 5 use the same key: every state is drawn by two sessions.
  const fill: SessionFill = (s, out) => {
    const [hi, lo] = unitKey(SEED, SESSION, s % 5);
    combinedStates(hi, lo, out);
  };
  assert.deepEqual(countReuse(10, 50, fill), {
    sessions: 10,
    drawsPerSession: 50,
    draws: 500,
    distinctStates: 250,
    reusedDraws: 250,
    crossSessionReusedDraws: 250,
    withinSessionRepeats: 0,
    sharedDraws: 500,
    sessionsReusing: 5,
    sessionsSharing: 10,
  });
});

Deno.test("tiny state space: counts agree with the definitions", () => {
  // 2 × 4 states, 300 sessions × 7 draws: dense reuse of every kind.
  let x = 12345;
  const table = Array.from({ length: 300 * 7 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return [(x >>> 28) & 1, (x >>> 24) & 3];
  });
  const fill: SessionFill = (s, out) => {
    for (let k = 0; k < 7; k++) {
      out[2 * k] = table[7 * s + k][0];
      out[2 * k + 1] = table[7 * s + k][1];
    }
  };
  const counts = countReuse(300, 7, fill);
  assert.deepEqual(counts, referenceCounts(300, 7, fill));
  assert.equal(counts.distinctStates, 8);
  assert.equal(counts.reusedDraws, 300 * 7 - 8);
  assert.equal(counts.sessionsSharing, 300);
});

Deno.test("single mode reproduces docs/design.md §4.5: about 0.5% of 100,000 sessions reuse", () => {
  const counts = countReuse(100_000, 100, sessionFill("single", SEED));
  assertConsistent(counts);
  assert.ok(
    counts.sessionsReusing > 300 && counts.sessionsReusing < 700,
    `sessions reusing: ${counts.sessionsReusing}`,
  );
  assert.ok(counts.reusedDraws > 0);
  assert.equal(counts.withinSessionRepeats, 0); // cycles are far longer than 100
});

/** Relations between the counts that hold at any size (for inputs too big for the reference). */
function assertConsistent(c: ReuseCounts): void {
  assert.equal(c.draws, c.sessions * c.drawsPerSession);
  assert.equal(c.reusedDraws, c.draws - c.distinctStates);
  assert.ok(c.crossSessionReusedDraws <= c.reusedDraws);
  assert.ok(c.withinSessionRepeats <= c.reusedDraws);
  assert.ok(c.sharedDraws >= c.crossSessionReusedDraws);
  assert.ok(c.sessionsReusing <= c.sessionsSharing);
}

Deno.test("parseOptions: defaults, values and rejected input", () => {
  assert.deepEqual(parseOptions([]), {
    sessions: 1_000_000,
    draws: 100,
    seed: 20251130,
    modes: ["combined", "single"],
    help: false,
  });
  assert.deepEqual(
    parseOptions([
      "--sessions",
      "1_000",
      "--draws=7",
      "--seed",
      "0",
      "--mode",
      "single",
    ]),
    { sessions: 1000, draws: 7, seed: 0, modes: ["single"], help: false },
  );
  assert.equal(parseOptions(["-h"]).help, true);
  assert.throws(() => parseOptions(["--sessions", "0"]), RangeError);
  assert.throws(() => parseOptions(["--draws", "1.5"]), RangeError);
  assert.throws(() => parseOptions(["--seed=-1"]), RangeError);
  assert.throws(() => parseOptions(["--mode", "pair"]), RangeError);
  assert.throws(() => parseOptions(["--unknown"]), TypeError);
  assert.throws(() => parseOptions(["extra"]), TypeError);
});

Deno.test("countReuse rejects bad sizes", () => {
  const fill: SessionFill = () => {};
  assert.throws(() => countReuse(0, 1, fill), RangeError);
  assert.throws(() => countReuse(1, 0, fill), RangeError);
  assert.throws(() => countReuse(2 ** 31, 1, fill), RangeError);
});

Deno.test("formatTable: one column per mode", () => {
  const counts = countReuse(10, 5, sessionFill("combined", SEED));
  const text = formatTable([{ mode: "combined", counts, wallMs: 1234 }]);
  assert.match(text, /^\s+combined\n/);
  assert.match(text, /\ndraws\s+50\n/);
  assert.match(text, /\nreused draws\s+0 \(0\.000%\)\n/);
  assert.match(text, /\nwall time \(s\)\s+1\.2\n$/);
});
