/**
 * Byte-identical output across runs, time zones, locales and the current date
 * (docs/design.md §6): three subprocess runs (under TZ=UTC, under TZ=Asia/Kolkata with a
 * German locale, and under TZ=Australia/Sydney, whose daylight saving time the users'
 * own zones must not pick up from the machine), and an in-process run with the clock
 * moved 400 days ahead.
 */
import assert from "node:assert/strict";
import { generateTemp, listFiles, ROOT, withClockShifted } from "./helpers.ts";

function run(out: string, env: Record<string, string>): void {
  const r = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      `--allow-write=${out}.partial,${out}`,
      "--allow-env",
      "main.ts",
      "--sessions",
      "400",
      "--users",
      "120",
      "--seed",
      "99",
      "--out",
      out,
      "--quiet",
    ],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
}

function assertSameTree(a: string, b: string): void {
  const fa = listFiles(a), fb = listFiles(b);
  assert.deepEqual(fa, fb);
  assert.ok(fa.length >= 26, `only ${fa.length} files`);
  for (const f of fa) {
    assert.deepEqual(
      Deno.readFileSync(`${a}/${f}`),
      Deno.readFileSync(`${b}/${f}`),
      `${f} differs`,
    );
  }
}

Deno.test("runs under TZ=UTC, TZ=Asia/Kolkata with de_DE, and TZ=Australia/Sydney give identical bytes", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-det-" });
  try {
    run(`${tmp}/a`, { TZ: "UTC", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" });
    run(`${tmp}/b`, {
      TZ: "Asia/Kolkata",
      LANG: "de_DE.UTF-8",
      LC_ALL: "de_DE.UTF-8",
    });
    run(`${tmp}/c`, {
      TZ: "Australia/Sydney",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
    });
    assertSameTree(`${tmp}/a`, `${tmp}/b`);
    assertSameTree(`${tmp}/a`, `${tmp}/c`);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("output does not depend on the current date", () => {
  const a = generateTemp({ sessions: 300, users: 80, seed: 5 });
  const b = withClockShifted(
    400 * 86_400_000,
    () => generateTemp({ sessions: 300, users: 80, seed: 5 }),
  );
  try {
    assertSameTree(a.dir, b.dir);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

Deno.test("a different seed gives different data", () => {
  const a = generateTemp({ sessions: 50, users: 20, seed: 1 });
  const b = generateTemp({ sessions: 50, users: 20, seed: 2 });
  try {
    assert.notEqual(a.manifest.fingerprint, b.manifest.fingerprint);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

Deno.test("the star and snowflake files do not depend on which other formats are written", () => {
  const all = generateTemp({ sessions: 200, users: 40, seed: 3 });
  const star = generateTemp({
    sessions: 200,
    users: 40,
    seed: 3,
    formats: ["star"],
  });
  const snow = generateTemp({
    sessions: 200,
    users: 40,
    seed: 3,
    formats: ["snowflake", "raw"],
  });
  try {
    for (
      const [one, folder] of [[star, "star"], [snow, "snowflake"]] as const
    ) {
      for (const f of listFiles(`${one.dir}/${folder}`)) {
        assert.deepEqual(
          Deno.readFileSync(`${one.dir}/${folder}/${f}`),
          Deno.readFileSync(`${all.dir}/${folder}/${f}`),
          `${folder}/${f}`,
        );
      }
    }
    assert.deepEqual(
      Deno.readFileSync(`${snow.dir}/raw/turns.jsonl`),
      Deno.readFileSync(`${all.dir}/raw/turns.jsonl`),
    );
  } finally {
    all.cleanup();
    star.cleanup();
    snow.cleanup();
  }
});
