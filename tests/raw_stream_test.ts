import assert from "node:assert/strict";
import { StreamFactory } from "../lib/random/stream.ts";
import { ROOT } from "./helpers.ts";

async function run(args: string[]) {
  return await new Deno.Command(Deno.execPath(), {
    args: ["run", `${ROOT}/tools/raw_stream.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
}

/** The bytes read back as little-endian unsigned 32-bit integers, by DataView. */
function words(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from(
    { length: bytes.length / 4 },
    (_, i) => view.getUint32(4 * i, true),
  );
}

Deno.test("unit mode: one stream's values, little-endian, exactly --count of them", async () => {
  const { code, stdout } = await run([
    "--unit",
    "5",
    "--count",
    "40000",
    "--seed",
    "7",
  ]);
  assert.equal(code, 0);
  assert.equal(stdout.length, 4 * 40000);
  const rng = new StreamFactory(7).stream("session", 5);
  const got = words(stdout);
  for (let i = 0; i < got.length; i++) {
    assert.equal((got[i] + 0.5) / 2 ** 32, rng.next(), `value ${i}`);
  }
});

Deno.test("interleaved mode: draw j of every unit of a block, block after block", async () => {
  const { code, stdout } = await run([
    "--mode",
    "interleaved",
    "--units",
    "3",
    "--draws",
    "2",
    "--count",
    "14",
    "--stream",
    "user",
  ]);
  assert.equal(code, 0);
  const f = new StreamFactory(20251130);
  const s = [0, 1, 2, 3, 4, 5].map((u) => f.stream("user", u));
  const expected = [
    s[0],
    s[1],
    s[2],
    s[0],
    s[1],
    s[2], // units 0-2, draws 0 then 1
    s[3],
    s[4],
    s[5],
    s[3],
    s[4],
    s[5], // units 3-5
    f.stream("user", 6),
    f.stream("user", 7),
  ].map((r) => r.next());
  assert.deepEqual(words(stdout).map((x) => (x + 0.5) / 2 ** 32), expected);
});

Deno.test("a usage error exits 2 with one line naming the flag", async () => {
  const { code, stdout, stderr } = await run(["--mode", "blocks"]);
  assert.equal(code, 2);
  assert.equal(stdout.length, 0);
  assert.match(new TextDecoder().decode(stderr), /--mode/);
});
