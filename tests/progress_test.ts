/**
 * The progress line's estimate of the time left: absent until the phase has run long
 * enough to measure a rate, then the remaining units at the rate measured since the
 * phase began. Clock and output are replaced; expected values are worked out by hand.
 */
import assert from "node:assert/strict";
import { createProgress } from "../lib/cli/progress.ts";

function fake() {
  const lines: string[] = [];
  let t = 0;
  return {
    lines,
    at(ms: number) {
      t = ms;
    },
    io: { out: { write: (s: string) => void lines.push(s) }, now: () => t },
  };
}

Deno.test("no estimate at 1% right after a phase change (was '~0 s left')", () => {
  const f = fake();
  const p = createProgress(true, "Generating", f.io);
  f.at(0);
  p.update(1000, 2000, "users");
  f.at(500);
  p.update(2000, 2000, "users");
  f.at(501);
  p.update(1000, 100000, "sessions");
  assert.equal(f.lines.length, 3);
  assert.match(f.lines[2], /Generating 1,000\/100,000 sessions \(1%\)/);
  for (const l of f.lines) assert.doesNotMatch(l, /left/);
});

Deno.test("the estimate appears after 2 s and 2% of the phase, at the phase's rate", () => {
  const f = fake();
  const p = createProgress(true, "Generating", f.io);
  f.at(1000);
  p.update(1000, 100000); // phase starts: 1,000 done at 1 s
  f.at(2500);
  p.update(50000, 100000); // 1.5 s into the phase: too early
  assert.doesNotMatch(f.lines.at(-1)!, /left/);
  f.at(3000);
  p.update(2000, 100000); // 2 s in, but only 1,000 (1%) done in the phase
  assert.doesNotMatch(f.lines.at(-1)!, /left/);
  f.at(5000);
  // 4 s in, 9,000 more done: 2,250 per second; 90,000 left take 40 s.
  p.update(10000, 100000);
  assert.match(
    f.lines.at(-1)!,
    /\(10%\) {2}5\.0 s, 2,250 sessions\/s, ~40 s left$/,
  );
  f.at(6000);
  p.update(100000, 100000); // done: no estimate
  assert.match(f.lines.at(-1)!, /\(100%\) {2}6\.0 s$/);
  p.done();
  assert.equal(f.lines.at(-1), "\r\x1b[K");
});

Deno.test("a disabled display writes nothing", () => {
  const f = fake();
  const p = createProgress(false, "Generating", f.io);
  p.update(1, 2);
  p.done();
  assert.deepEqual(f.lines, []);
});
