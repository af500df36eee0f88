import assert from "node:assert/strict";
import PrandoModule from "prando";
import { halfToSeed, StreamFactory } from "../lib/random/stream.ts";
import { streamId, unitKey } from "../lib/random/unit_key.ts";
import {
  countWindowReuse,
  formatTable,
  parseOptions,
  type UnitFill,
  unitFill,
  type WindowCounts,
  xorOutputs,
} from "../tools/output_reuse.ts";
import { ROOT } from "./helpers.ts";

type RawPrando = { next(): number; _value: number };
const Prando = PrandoModule as unknown as new (seed: number) => RawPrando;
const SEED = 20251130;
const SESSION = streamId("session");

/** The counts by their definitions, with a Map of window strings: only for small inputs. */
function referenceCounts(
  units: number,
  draws: number,
  window: number,
  fill: UnitFill,
): Omit<WindowCounts, "hashCandidates"> {
  const out = new Uint32Array(draws);
  const owners = new Map<string, number[]>(); // window → units, in order, with repeats
  const starts = new Map<string, number>(); // first window → first unit
  let repeatingStart = 0;
  for (let u = 0; u < units; u++) {
    fill(u, out);
    for (let k = 0; k + window <= draws; k++) {
      const key = Array.from(out.subarray(k, k + window)).join(",");
      if (!owners.has(key)) owners.set(key, []);
      owners.get(key)!.push(u);
      if (k === 0) {
        if (starts.has(key)) repeatingStart++;
        else starts.set(key, u);
      }
    }
  }
  let cross = 0;
  const reusing = new Set<number>(), sharing = new Set<number>();
  for (const us of owners.values()) {
    for (const u of us) {
      if (us[0] < u) {
        cross++;
        reusing.add(u);
      }
      if (us.some((v) => v !== u)) sharing.add(u);
    }
  }
  const windows = units * (draws - window + 1);
  return {
    units,
    drawsPerUnit: draws,
    window,
    windows,
    distinctWindows: owners.size,
    reusedWindows: windows - owners.size,
    crossUnitReusedWindows: cross,
    unitsReusing: reusing.size,
    unitsSharing: sharing.size,
    unitsRepeatingStart: repeatingStart,
  };
}

function withoutCandidates(c: WindowCounts) {
  const { hashCandidates: _, ...rest } = c;
  return rest;
}

Deno.test("the real stream: no repeated window of 4 in 20,000 units × 100 draws", () => {
  const counts = countWindowReuse(
    20_000,
    100,
    4,
    unitFill("stream", SEED, "session"),
  );
  assert.equal(counts.windows, 20_000 * 97);
  assert.equal(counts.reusedWindows, 0);
  assert.equal(counts.distinctWindows, counts.windows);
  assert.equal(counts.unitsSharing, 0);
  assert.equal(counts.hashCandidates, 0);
});

Deno.test("the former XOR design is flagged, with counts that agree with the definitions", () => {
  const fill = unitFill("xor", SEED, "session");
  const counts = countWindowReuse(20_000, 100, 4, fill);
  assert.ok(counts.reusedWindows > 100, `reused ${counts.reusedWindows}`);
  assert.ok(counts.unitsReusing > 5, `units ${counts.unitsReusing}`);
  // Partitioned passes count the same.
  assert.deepEqual(countWindowReuse(20_000, 100, 4, fill, 4), counts);
  // Shorter streams, more units (coincidences grow with units² × draws, the
  // reference's cost with units × draws): the definitions, by a Map of every window.
  const short = countWindowReuse(100_000, 6, 4, fill);
  assert.ok(short.reusedWindows > 10, `reused ${short.reusedWindows}`);
  assert.ok(short.unitsRepeatingStart > 0);
  assert.deepEqual(
    withoutCandidates(short),
    referenceCounts(100_000, 6, 4, fill),
  );
});

Deno.test("the XOR design is one prando stream seeded with the XOR of the halves", () => {
  const out = new Uint32Array(1000);
  for (let i = 0; i < 50; i++) {
    const [hi, lo] = unitKey(SEED, SESSION, i);
    xorOutputs(hi, lo, out);
    const p = new Prando(halfToSeed(hi) ^ halfToSeed(lo));
    for (let k = 0; k < out.length; k++) {
      p.next();
      assert.equal(out[k], p._value >>> 0, `unit ${i}, draw ${k}`);
    }
  }
});

Deno.test("the stream design's outputs are RandomStream's values", () => {
  const fill = unitFill("stream", SEED, "user");
  const streams = new StreamFactory(SEED);
  const out = new Uint32Array(200);
  for (let u = 0; u < 20; u++) {
    fill(u, out);
    const rng = streams.stream("user", u);
    for (let k = 0; k < out.length; k++) {
      assert.equal(
        (out[k] + 0.5) / 2 ** 32,
        rng.next(),
        `unit ${u}, draw ${k}`,
      );
    }
  }
});

Deno.test("constructed outputs: exact counts, overlapping and shifted windows", () => {
  // Windows of 2 over 4 draws: 3 windows per unit.
  const units: number[][] = [
    [1, 2, 3, 4],
    [1, 2, 3, 4], // the same unit again: every window, and its start
    [9, 3, 4, 9], // (3,4) shifted
    [5, 5, 5, 5], // (5,5) three times in one unit
    [2, 1, 0, 0], // (2,1) is not (1,2)
  ];
  const fill: UnitFill = (u, out) => out.set(units[u]);
  const counts = countWindowReuse(5, 4, 2, fill);
  const expected = {
    units: 5,
    drawsPerUnit: 4,
    window: 2,
    windows: 15,
    distinctWindows: 9,
    reusedWindows: 6, // unit 1: 3, unit 2: (3,4), unit 3: (5,5) twice
    crossUnitReusedWindows: 4,
    unitsReusing: 2,
    unitsSharing: 3,
    unitsRepeatingStart: 1,
  };
  assert.deepEqual(withoutCandidates(counts), expected);
  assert.deepEqual(referenceCounts(5, 4, 2, fill), expected);
  assert.deepEqual(countWindowReuse(5, 4, 2, fill, 8), counts);
});

Deno.test("tiny value space: counts agree with the definitions", () => {
  let x = 2463534242;
  const values = Array.from({ length: 400 * 6 }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x >>> 30; // 0..3
  });
  const fill: UnitFill = (u, out) => out.set(values.slice(6 * u, 6 * u + 6));
  const counts = countWindowReuse(400, 6, 3, fill, 2);
  assert.deepEqual(withoutCandidates(counts), referenceCounts(400, 6, 3, fill));
  assert.ok(counts.distinctWindows <= 64);
});

Deno.test("parseOptions: defaults, values and rejected input", () => {
  assert.deepEqual(parseOptions([]), {
    units: 1_000_000,
    draws: 100,
    window: 4,
    seed: 20251130,
    stream: "session",
    designs: ["stream", "xor"],
    passes: 1,
    help: false,
  });
  const o = parseOptions([
    "--units=1_000",
    "--draws",
    "7",
    "--window",
    "7",
    "--design",
    "xor",
    "--passes",
    "16",
    "--stream",
    "user",
  ]);
  assert.deepEqual(
    [o.units, o.draws, o.window, o.designs, o.passes, o.stream],
    [1000, 7, 7, ["xor"], 16, "user"],
  );
  assert.throws(() => parseOptions(["--units", "0"]), RangeError);
  assert.throws(
    () => parseOptions(["--window", "5", "--draws", "4"]),
    RangeError,
  );
  assert.throws(() => parseOptions(["--passes", "3"]), RangeError);
  assert.throws(() => parseOptions(["--design", "sum"]), RangeError);
  assert.throws(() => parseOptions(["--unknown"]), TypeError);
});

Deno.test("countWindowReuse rejects bad sizes", () => {
  const fill: UnitFill = () => {};
  assert.throws(() => countWindowReuse(0, 4, 4, fill), RangeError);
  assert.throws(() => countWindowReuse(1, 3, 4, fill), RangeError);
  assert.throws(() => countWindowReuse(1, 4, 0, fill), RangeError);
  assert.throws(() => countWindowReuse(1, 4, 4, fill, 3), RangeError);
});

Deno.test("formatTable: one column per design", () => {
  const counts = countWindowReuse(
    10,
    5,
    4,
    unitFill("stream", SEED, "session"),
  );
  const text = formatTable([{ design: "stream", counts, wallMs: 1234 }]);
  assert.match(text, /^\s+stream\n/);
  assert.match(text, /\nwindows\s+20\n/);
  assert.match(text, /\nreused windows\s+0 \(0\.000%\)\n/);
  assert.match(text, /\nwall time \(s\)\s+1\.2\n$/);
});

Deno.test("CLI: a usage error exits 2 with one line naming the flag", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", `${ROOT}/tools/output_reuse.ts`, "--window", "0"],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(code, 2);
  assert.equal(stdout.length, 0);
  const err = new TextDecoder().decode(stderr);
  assert.match(err, /--window/);
  assert.doesNotMatch(err, /\bat .*:\d+:\d+/);
});

Deno.test("regression: sessions 2113 and 827895 (seed 20251130) no longer repeat each other", () => {
  // Their keys were each other's halves swapped, so their summed streams were
  // identical (8 such pairs in 1,000,000 sessions, found by this tool).
  const pair = [2113, 827895];
  const real = unitFill("stream", SEED, "session");
  const fill: UnitFill = (u, out) => real(pair[u], out);
  const counts = countWindowReuse(2, 100, 4, fill);
  assert.equal(counts.reusedWindows, 0);
  const [h1, l1] = unitKey(SEED, SESSION, pair[0]);
  const [h2, l2] = unitKey(SEED, SESSION, pair[1]);
  assert.notDeepEqual([h1, l1], [l2, h2]);
});
