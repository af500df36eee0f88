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
  timestamp,
} from "../lib/sink/number_format.ts";

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

Deno.test("integer: safe integers only, -0 prints 0", () => {
  assert.equal(integer(0), "0");
  assert.equal(integer(-0), "0");
  assert.equal(integer(-12), "-12");
  assert.equal(integer(9007199254740991), "9007199254740991");
  for (const bad of [0.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => integer(bad), RangeError);
  }
});

Deno.test("timestamp: ISO 8601 UTC with milliseconds and Z, whatever TZ", () => {
  assert.equal(timestamp(0), "1970-01-01T00:00:00.000Z");
  assert.equal(
    timestamp(Date.UTC(2025, 0, 1, 9, 30, 0, 7)),
    "2025-01-01T09:30:00.007Z",
  );
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
