/**
 * `summarizeTimes` (lib/workload/timing.ts): the median and nearest-rank p95 against
 * values worked out by hand, and p95 against R's `quantile(x, p, type = 1)` written
 * out from R's source as an independent definition.
 */
import assert from "node:assert/strict";
import { summarizeTimes } from "../lib/workload/timing.ts";

Deno.test("summarizeTimes: hand-worked medians and p95", () => {
  // n = 1: everything is the one value.
  assert.deepEqual(summarizeTimes([7]), {
    medianMs: 7,
    p95Ms: 7,
    minMs: 7,
    maxMs: 7,
  });
  // n = 2: median (1 + 9) / 2 = 5; p95 rank ⌈1.9⌉ = 2 → 9.
  assert.deepEqual(summarizeTimes([9, 1]), {
    medianMs: 5,
    p95Ms: 9,
    minMs: 1,
    maxMs: 9,
  });
  // n = 5 unsorted: sorted 1 2 3 4 50; median 3; p95 rank ⌈4.75⌉ = 5 → 50.
  assert.deepEqual(summarizeTimes([3, 50, 1, 4, 2]), {
    medianMs: 3,
    p95Ms: 50,
    minMs: 1,
    maxMs: 50,
  });
  // n = 20: 1..20; median (10 + 11) / 2 = 10.5; p95 rank ⌈19⌉ = 19 → 19, not 20.
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
  assert.deepEqual(summarizeTimes(twenty), {
    medianMs: 10.5,
    p95Ms: 19,
    minMs: 1,
    maxMs: 20,
  });
  // n = 21: rank ⌈19.95⌉ = 20 → 20; median the 11th, 11.
  const s21 = summarizeTimes(Array.from({ length: 21 }, (_, i) => i + 1));
  assert.equal(s21.medianMs, 11);
  assert.equal(s21.p95Ms, 20);
  // n = 100: rank 95 exactly.
  const s100 = summarizeTimes(Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(s100.p95Ms, 95);
  assert.equal(s100.medianMs, 50.5);
  // Fractions stay as measured; the input is not reordered.
  const input = [0.25, 0.125, 0.5, 0];
  assert.deepEqual(summarizeTimes(input), {
    medianMs: 0.1875,
    p95Ms: 0.5,
    minMs: 0,
    maxMs: 0.5,
  });
  assert.deepEqual(input, [0.25, 0.125, 0.5, 0]);
});

/**
 * R 4.x `quantile.default` for `type = 1`, transcribed: `nppm <- n * probs` (m = 0),
 * `j <- floor(nppm + fuzz)` with `fuzz <- 4 * .Machine$double.eps`, `h <- 0` when
 * `nppm <= j` (within fuzz) else 1, result `x[j]` blended with `x[j + 1]` by h, with
 * x sorted and padded so that x[0] = x[1] and x[n + 1] = x[n].
 */
function rQuantileType1(xs: number[], p: number): number {
  const x = [...xs].sort((a, b) => a - b);
  const n = x.length;
  const fuzz = 4 * Number.EPSILON;
  const nppm = n * p;
  const j = Math.floor(nppm + fuzz);
  const h = Math.abs(nppm - j) <= fuzz ? 0 : 1;
  const padded = [x[0], ...x, x[n - 1]]; // padded[k] = x_(k), 1-based
  const lo = padded[j], hi = padded[j + 1];
  return h === 0 ? lo : hi;
}

Deno.test("summarizeTimes: p95 equals R's quantile type 1 for n = 1..400", () => {
  // Distinct values in a scrambled order (a fixed permutation, no randomness).
  for (let n = 1; n <= 400; n++) {
    const xs = Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 0.5);
    assert.equal(summarizeTimes(xs).p95Ms, rQuantileType1(xs, 0.95), `n=${n}`);
  }
});

Deno.test("summarizeTimes refuses no times and impossible times", () => {
  assert.throws(() => summarizeTimes([]), {
    name: "RangeError",
    message: "Cannot summarize times: received no times",
  });
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => summarizeTimes([1, bad]), {
      name: "RangeError",
      message:
        `Cannot summarize times: received ${bad}, expected a finite time ≥ 0 ms`,
    });
  }
});
