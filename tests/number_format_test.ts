/**
 * The shared formatter (docs/design.md §5.3): fixed precision, no exponent, no -0, no NaN or
 * Infinity, RFC 4180 quoting checked by a strict CSV parser.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import {
  csvField,
  fixed,
  integer,
  roundedQuotient,
  scaled,
  timestamp,
} from "../lib/number_format.ts";

Deno.test("fixed: exact digits, no exponent, no negative zero", () => {
  assert.equal(fixed(0.5, 4), "0.5000");
  assert.equal(fixed(1e-7, 4), "0.0000");
  assert.equal(fixed(-1e-7, 4), "0.0000");
  assert.equal(fixed(-0, 4), "0.0000");
  assert.equal(fixed(-0, 0), "0");
  assert.equal(fixed(-0.4, 0), "0");
  assert.equal(fixed(-0.00005, 4), "-0.0001");
  assert.equal(fixed(-0.25, 1), "-0.3");
  assert.equal(fixed(1e20, 1), "100000000000000000000.0");
  assert.equal(fixed(784.25, 1), "784.3");
  assert.equal(fixed(123456789.123456, 4), "123456789.1235");
  for (const bad of [NaN, Infinity, -Infinity, 1e21]) {
    assert.throws(() => fixed(bad, 4), RangeError);
  }
});

Deno.test("fixed(x, 4) on the 4-decimal grid equals toFixed (oracle), on and off the grid", () => {
  for (let k = 0; k <= 10_000; k++) {
    const x = k / 1e4;
    assert.equal(fixed(x, 4), x.toFixed(4));
    const off = x + 3e-7;
    if (off <= 1) assert.equal(fixed(off, 4), off.toFixed(4));
  }
  assert.equal(fixed(1, 4), "1.0000");
  assert.equal(fixed(0, 4), "0.0000");
});

Deno.test("roundedQuotient and scaled: exact half-away-from-zero means against BigInt", () => {
  // Oracle: BigInt floor((2n + d) / 2d), and the digits placed by string slicing.
  const oracle = (n: number, d: number) =>
    Number((2n * BigInt(n) + BigInt(d)) / (2n * BigInt(d)));
  for (let d = 1; d <= 64; d++) {
    for (let n = 0; n <= 4 * d * 10_000; n += 1 + 37 * (n % 13)) {
      assert.equal(roundedQuotient(n, d), oracle(n, d), `${n} / ${d}`);
    }
  }
  // Exact ties and near-2^53 numerators, where the float quotient rounds.
  assert.equal(roundedQuotient(11_919, 2), 5960); // 0.59595 → 0.5960
  assert.equal(roundedQuotient(50_000, 32), 1563); // 0.15625 → 0.1563
  // The largest numerators whose 2n + d is still a safe integer; one more throws.
  for (const d of [2, 3, 7, 60, 99_991]) {
    const top = Math.floor((Number.MAX_SAFE_INTEGER - d) / 2);
    for (const n of [top, top - 1, top - d]) {
      assert.equal(roundedQuotient(n, d), oracle(n, d), `${n} / ${d}`);
    }
    assert.throws(() => roundedQuotient(top + 1, d), RangeError);
  }
  for (const [n, d] of [[-1, 2], [1, 0], [0.5, 2], [1, 1.5], [2 ** 53, 1]]) {
    assert.throws(() => roundedQuotient(n, d), RangeError);
  }
  for (let k = 0; k <= 20_000; k += 7) {
    const s = String(k).padStart(5, "0");
    assert.equal(scaled(k, 4), `${s.slice(0, -4)}.${s.slice(-4)}`);
    const t = String(k).padStart(2, "0");
    assert.equal(scaled(k, 1), `${t.slice(0, -1)}.${t.slice(-1)}`);
  }
  assert.equal(scaled(12, 0), "12");
  for (const [u, d] of [[-1, 4], [0.5, 1], [1, 7], [1, -1]]) {
    assert.throws(() => scaled(u, d), RangeError);
  }
});

Deno.test("integer: safe integers only, -0 prints 0", () => {
  assert.equal(integer(0), "0");
  assert.equal(integer(-0), "0");
  assert.equal(integer(-12), "-12");
  assert.equal(integer(9007199254740991), "9007199254740991");
  for (const bad of [0.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => integer(bad), RangeError);
  }
});

Deno.test("integer equals String(x) inside and around its cache of small integers, on first and repeated calls (oracle)", () => {
  const xs: number[] = [];
  for (let x = 0; x < 70_000; x++) xs.push(x);
  for (const x of [-1, -65_536, 65_535, 65_536, 65_537, 1e6]) xs.push(x);
  for (let pass = 0; pass < 2; pass++) {
    for (const x of xs) assert.equal(integer(x), String(x), String(x));
  }
  assert.equal(integer(-0), "0");
  for (const bad of [65_535.5, -0.5, 1e-9]) {
    assert.throws(() => integer(bad), RangeError, String(bad));
  }
});

Deno.test("timestamp: ISO 8601 UTC with milliseconds and Z, whatever TZ", () => {
  assert.equal(timestamp(0), "1970-01-01T00:00:00.000Z");
  assert.equal(
    timestamp(Date.UTC(2025, 0, 1, 9, 30, 0, 7)),
    "2025-01-01T09:30:00.007Z",
  );
});

Deno.test("timestamp equals Date.prototype.toISOString over years 1970..9999 (oracle)", () => {
  const check = (ms: number) =>
    assert.equal(timestamp(ms), new Date(ms).toISOString(), String(ms));
  // Every year boundary and every leap day, a millisecond either side, in order and
  // then alternating between far-apart days (the per-day cache must follow).
  const edges: number[] = [];
  for (let y = 1970; y <= 9999; y++) {
    const jan1 = Date.UTC(y, 0, 1);
    edges.push(jan1, jan1 + 1, jan1 - 1);
    const feb29 = Date.UTC(y, 1, 29);
    if (new Date(feb29).getUTCMonth() === 1) {
      edges.push(feb29 - 1, feb29, feb29 + 43_199_999, Date.UTC(y, 2, 1) - 1);
      edges.push(Date.UTC(y, 2, 1));
    }
  }
  for (const ms of edges) if (ms >= 0) check(ms);
  for (let i = 0, j = edges.length - 1; i < j; i++, j--) {
    if (edges[i] >= 0) check(edges[i]);
    check(edges[j]);
  }
  // A deterministic sweep of 200,000 instants over the whole range: a stride that is
  // not a multiple of a second, a minute or a day, taken modulo the range.
  const END = 253402300800000; // 10000-01-01T00:00:00.000Z
  const STRIDE = 1_234_567_890_123;
  for (let k = 0, ms = 0; k < 200_000; k++, ms = (ms + STRIDE) % END) check(ms);
  // Consecutive milliseconds across midnight.
  for (
    let ms = Date.UTC(2024, 1, 29) - 1500;
    ms < Date.UTC(2024, 1, 29) + 1500;
    ms++
  ) {
    check(ms);
  }
  // Consecutive milliseconds across a minute, then the same millisecond of the minute
  // in far-apart minutes (the per-minute and per-millisecond caches must follow).
  const minute = Date.UTC(2025, 6, 1, 12, 34);
  for (let ms = minute - 1500; ms < minute + 1500; ms++) check(ms);
  for (let k = 0; k < 1000; k++) {
    check(((k * 7919) % 100_000) * 60_000 + 59_999);
  }
  check(END - 1);
  for (const bad of [-1, END, 0.5, NaN, Infinity]) {
    assert.throws(() => timestamp(bad), RangeError, String(bad));
  }
});

Deno.test("csvField: quotes only when needed, and a strict parser reads it back", () => {
  const cases = [
    "plain",
    "with, comma",
    'with "quotes"',
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nend",
    '"',
    ",",
    "",
    "Zoë O'Brien-Núñez",
    "emoji 😀, and more",
  ];
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("Zoë O'Brien-Núñez"), "Zoë O'Brien-Núñez");
  assert.equal(csvField('a"b'), '"a""b"');
  assert.equal(csvField("a,b"), '"a,b"');
  const line = cases.map(csvField).join(",") + "\n";
  const [row] = parse(line, {
    relax_quotes: false,
    relax_column_count: false,
    record_delimiter: "\n",
  }) as string[][];
  assert.deepEqual(row, cases);
});
