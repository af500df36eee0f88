/**
 * Config errors that point at the mistake: an unknown key is reported before any
 * other error, at its line, with the closest valid key; the keys a flag can supply
 * (seed, sessions, users, out, formats) may be missing from the file when the flag
 * is given, and a key missing from both is named together with its flag.
 */
import assert from "node:assert/strict";
import { closestName, editDistance } from "../lib/config/closest.ts";
import { loadConfig, parseConfig } from "../lib/config/load.ts";
import { type Overrides, runGenerate } from "../lib/generate.ts";
import { UsageError } from "../lib/errors.ts";
import { ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

const BASE = Deno.readTextFileSync(`${ROOT}/config.yaml`);
const FILE = "config.yaml";

/** `text` with the single line starting with `from` replaced by `to`. */
function edit(from: string, to: string, text = BASE): string {
  const lines = text.split("\n");
  const hits = lines.flatMap((l, i) => l.startsWith(from) ? [i] : []);
  assert.equal(hits.length, 1, `edit target ${JSON.stringify(from)}`);
  lines[hits[0]] = to;
  return lines.join("\n");
}

/** 1-based line of the single line starting with `start`. */
function lineOf(text: string, start: string): number {
  const lines = text.split("\n");
  const hits = lines.flatMap((l, i) => l.startsWith(start) ? [i + 1] : []);
  assert.equal(hits.length, 1, `line ${JSON.stringify(start)}`);
  return hits[0];
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  assert.fail("expected a UsageError");
}

// --- the edit distance, against its definition ---------------------------------------

/** Optimal string alignment distance straight from its recursive definition. */
function osaByDefinition(a: string, b: string): number {
  if (a === "") return b.length;
  if (b === "") return a.length;
  const i = a.length, j = b.length;
  let d = Math.min(
    osaByDefinition(a.slice(0, -1), b) + 1,
    osaByDefinition(a, b.slice(0, -1)) + 1,
    osaByDefinition(a.slice(0, -1), b.slice(0, -1)) +
      (a[i - 1] === b[j - 1] ? 0 : 1),
  );
  if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
    d = Math.min(d, osaByDefinition(a.slice(0, -2), b.slice(0, -2)) + 1);
  }
  return d;
}

Deno.test("editDistance: textbook values and every pair of short strings", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("abc", "abc"), 0);
  assert.equal(editDistance("sesions", "sessions"), 1); // deletion
  assert.equal(editDistance("sesisons", "sessions"), 1); // adjacent swap
  // Optimal string alignment edits no substring twice: "ca" → "abc" takes 3, where
  // unrestricted Damerau–Levenshtein takes 2.
  assert.equal(editDistance("ca", "abc"), 3);
  const words = [""];
  for (let n = 0; n < 3; n++) {
    for (const w of [...words]) {
      for (const c of "abc") if (w.length === n) words.push(w + c);
    }
  }
  assert.equal(words.length, 1 + 3 + 9 + 27);
  for (const a of words) {
    for (const b of words) {
      assert.equal(editDistance(a, b), osaByDefinition(a, b), `${a} / ${b}`);
    }
  }
});

Deno.test("closestName: within a third of the word's length, case-blind, first wins", () => {
  assert.equal(
    closestName("sesions", ["seed", "sessions", "users"]),
    "sessions",
  );
  assert.equal(closestName("Sessions", ["seed", "sessions"]), "sessions");
  assert.equal(closestName("median", ["mu", "sigma"]), undefined);
  assert.equal(closestName("sessions", ["sessions"]), undefined);
  // "abcdef" allows 2 edits: "abcxyz" (3) is too far, "abxdey" (2) is not.
  assert.equal(closestName("abcdef", ["abcxyz"]), undefined);
  assert.equal(closestName("abcdef", ["abcxyz", "abxdey"]), "abxdey");
  // A short word still gets one edit.
  assert.equal(closestName("mu", ["m"]), "m");
  assert.equal(closestName("ab", ["ax", "ay"]), "ax");
});

// --- unknown keys: reported first, at their line, with a suggestion ---------------------

Deno.test("the typo `sesions:` is reported at its line with `sessions` suggested", () => {
  const t = edit("sessions: 1000", "sesions: 1000");
  assert.equal(
    message(() => parseConfig(t, FILE)),
    `${FILE}:${
      lineOf(t, "sesions:")
    }: unknown key "sesions"; did you mean \`sessions\`?`,
  );
});

Deno.test("an unknown key is reported before a wrong type and a missing key", () => {
  // seed (a wrong type) comes before the typo in the file; calendar is missing.
  let t = edit("seed: 20251130", 'seed: "x"');
  t = edit("sessions: 1000", "sesions: 1000", t);
  t = edit("calendar:", "kalendar:", t);
  assert.ok(lineOf(t, "seed:") < lineOf(t, "sesions:"));
  assert.equal(
    message(() => parseConfig(t, FILE)),
    `${FILE}:${
      lineOf(t, "sesions:")
    }: unknown key "sesions"; did you mean \`sessions\`?`,
  );
});

Deno.test("of several unknown keys, the first in the file is reported", () => {
  // A nested typo below a top-level one (zod lists the nested one first).
  let t = edit("  start:", '  strat: "2025-01-01"');
  t = edit("users: 500", "userz: 500", t);
  assert.ok(lineOf(t, "userz:") < lineOf(t, "  strat:"));
  assert.equal(
    message(() => parseConfig(t, FILE)),
    `${FILE}:${
      lineOf(t, "userz:")
    }: unknown key "userz"; did you mean \`users\`?`,
  );
  const nested = edit("  start:", '  strat: "2025-01-01"');
  assert.equal(
    message(() => parseConfig(nested, FILE)),
    `${FILE}:${
      lineOf(nested, "  strat:")
    }: unknown key "calendar.strat"; did you mean \`start\`?`,
  );
});

Deno.test("unknown keys inside list items and maps get suggestions too", () => {
  const item = edit(
    "    - { name: Android,",
    "    - { name: Android, platform: mobile, probabilty: 0.55 }",
  );
  assert.equal(
    message(() => parseConfig(item, FILE)),
    `${FILE}:${
      lineOf(item, "    - { name: Android,")
    }: unknown key "population.devices[0].probabilty"; did you mean \`probability\`?`,
  );
  const swapped = edit("users: 500", "usres: 500");
  assert.match(
    message(() => parseConfig(swapped, FILE)),
    /: unknown key "usres"; did you mean `users`\?$/,
  );
  const row = edit(
    "  Android: {",
    "  Android: { web: 0.15, mobile_app: 0.50, mesenger: 0.15, whatsapp: 0.20 }",
  );
  assert.equal(
    message(() => parseConfig(row, FILE)),
    `${FILE}:${
      lineOf(row, "  Android: {")
    }: channel_given_device.Android.mesenger: "mesenger" is not a channel in channels; did you mean \`messenger\`?`,
  );
});

Deno.test("an unknown key's line is right in a CRLF file and for a number key", () => {
  const t = edit("sessions: 1000", "sesions: 1000");
  assert.equal(
    message(() => parseConfig(t.replaceAll("\n", "\r\n"), FILE)),
    message(() => parseConfig(t, FILE)),
  );
  const n = edit("users: 500", "users: 500\n1: 5");
  assert.equal(
    message(() => parseConfig(n, FILE)),
    `${FILE}:${lineOf(n, "1: 5")}: unknown key "1" (valid keys here: ${
      // The default config spells out every top-level key, in order.
      BASE.split("\n").filter((l) => /^[a-z_]+:/.test(l))
        .map((l) => l.split(":")[0]).join(", ")})`,
  );
});

// --- keys a flag supplies ------------------------------------------------------------

/** The line of each key a flag can supply, in the default config. */
const FLAGS = {
  seed: "seed: 20251130",
  sessions: "sessions: 1000",
  users: "users: 500",
  out: "out: output",
  formats: "formats: [raw, star, snowflake]",
} as const;

/** The default config without the lines of `keys`. */
function without(keys: (keyof typeof FLAGS)[]): string {
  let t = BASE;
  for (const k of keys) t = edit(FLAGS[k], "", t);
  return t;
}

function sha256sumCheck(dir: string): number {
  return new Deno.Command("sha256sum", {
    args: ["-c", "--strict", "--quiet", "SHA256SUMS"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).outputSync().code;
}

Deno.test("a config without seed, sessions, users, out and formats works when the flags give them", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-flags-" });
  try {
    const path = `${tmp}/partial.yaml`;
    Deno.writeTextFileSync(
      path,
      without(Object.keys(FLAGS) as (keyof typeof FLAGS)[]),
    );
    const perms = (out: string) => [
      "--allow-read",
      `--allow-write=${out},${out}.partial`,
      "--allow-env",
    ];
    const flags = (config: string, out: string) => [
      "--config",
      config,
      "--seed",
      "7",
      "--sessions",
      "30",
      "--users",
      "12",
      "--formats",
      "star,raw",
      "--out",
      out,
      "--quiet",
    ];
    const a = runMain(perms(`${tmp}/a`), flags(path, `${tmp}/a`));
    assert.equal(a.code, 0, a.stderr);
    assert.equal(sha256sumCheck(`${tmp}/a`), 0);
    const m = JSON.parse(Deno.readTextFileSync(`${tmp}/a/manifest.json`));
    assert.deepEqual(
      [m.seed, m.sessions, m.users, m.formats],
      [7, 30, 12, ["raw", "star"]],
    );
    assert.equal(m.config.text, Deno.readTextFileSync(path));
    // verify regenerates it from the manifest, whose config has none of the five
    // (verify and the second run in this process: the same runCli, no start-up).
    const v = await runCliInProcess(["verify", "--quiet", `${tmp}/a`]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    // The same flags over the full config.yaml give the same data files.
    const b = await runCliInProcess(flags(`${ROOT}/config.yaml`, `${tmp}/b`));
    assert.equal(b.code, 0, b.stderr);
    const dataSums = (dir: string) =>
      Deno.readTextFileSync(`${dir}/SHA256SUMS`).split("\n").filter((l) =>
        l.includes("/")
      );
    assert.ok(dataSums(`${tmp}/a`).length >= 9, "raw and star files");
    assert.deepEqual(dataSums(`${tmp}/a`), dataSums(`${tmp}/b`));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a key neither in the file nor given as a flag is named with its flag", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-flags-" });
  try {
    for (const key of Object.keys(FLAGS) as (keyof typeof FLAGS)[]) {
      const path = `${tmp}/no-${key}.yaml`;
      Deno.writeTextFileSync(path, without([key]));
      const loaded = loadConfig(path);
      const given: Overrides = {
        seed: 3,
        sessions: 3,
        users: 2,
        formats: ["raw"],
        out: `${tmp}/out-${key}`,
      };
      // Every other flag given: the missing one is named, with its flag.
      const { [key]: _, ...others } = given;
      assert.equal(
        message(() => runGenerate({ loaded, overrides: others, force: false })),
        `${path}: ${key} is required; set it in the file or give --${key}`,
      );
      // With its flag too, it generates.
      runGenerate({ loaded, overrides: given, force: false });
      assert.ok(Deno.statSync(`${tmp}/out-${key}/manifest.json`).isFile);
    }
    // The command line: exit code 2, one line, every missing key and flag named,
    // nothing written.
    const path = `${tmp}/bare.yaml`;
    Deno.writeTextFileSync(path, without(["seed", "sessions", "out"]));
    const r = runMain(["--allow-read", "--allow-env"], [
      "--config",
      path,
      "--users",
      "5",
    ]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `error: ${path}: seed, sessions and out are required; set them in the file or give --seed, --sessions and --out\n`,
    );
    assert.equal(r.stdout, "");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("the typo `sesions:` with --sessions 100 still names the typo (exit 2, nothing written)", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-flags-" });
  try {
    const path = `${tmp}/typo.yaml`;
    const t = edit("sessions: 1000", "sesions: 1000");
    Deno.writeTextFileSync(path, t);
    const out = `${tmp}/out`;
    const r = runMain(
      ["--allow-read", `--allow-write=${out},${out}.partial`, "--allow-env"],
      ["--config", path, "--sessions", "100", "--out", out],
    );
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `error: ${path}:${
        lineOf(t, "sesions:")
      }: unknown key "sesions"; did you mean \`sessions\`?\n`,
    );
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), [
      "typo.yaml",
    ]);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

// --- keys that are empty, null or hold control characters ----------------------------

Deno.test("an empty, null or control-character key is named at its line, escaped, on one line (exit 2)", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-keys-" });
  try {
    const VALID = `(valid keys here: ${
      BASE.split("\n").filter((l) => /^[a-z_]+:/.test(l))
        .map((l) => l.split(":")[0]).join(", ")
    })`;
    // [what is added after `users: 500`, the line starting it, the message after "line: "]
    const cases: [string, string, string][] = [
      [`"": 1`, `"": 1`, `unknown key "" ${VALID}`],
      ["~: 1", "~: 1", `unknown key "" ${VALID}`],
      ["null: 1", "null: 1", `unknown key "" ${VALID}`],
      [`"a\\nb": 1`, `"a\\nb"`, `unknown key "a\\nb" ${VALID}`],
      [`"a\\e[31mred": 1`, `"a\\e`, `unknown key "a\\u001b[31mred" ${VALID}`],
    ];
    // The first case runs in a subprocess (the process's exit code and stderr), the
    // others in this process (the same runCli, without a second of start-up each).
    const run = async (text: string, subprocess = false) => {
      const path = `${tmp}/c.yaml`;
      Deno.writeTextFileSync(path, text);
      const args = ["--config", path];
      return {
        path,
        r: subprocess
          ? runMain(["--allow-read", "--allow-env"], args)
          : await runCliInProcess(args),
      };
    };
    for (const [i, [added, start, expected]] of cases.entries()) {
      const t = edit("users: 500", `users: 500\n${added}`);
      const { path, r } = await run(t, i === 0);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        `error: ${path}:${lineOf(t, start)}: ${expected}\n`,
        added,
      );
      assert.ok(!r.stderr.includes("\x1b"), "a raw ESC reached the terminal");
    }
    // Inside a map: the key in bracket form after its parent's path.
    const f = BASE.replace(
      "fallback: { threshold:",
      `fallback: { "": 2, threshold:`,
    );
    const { path, r } = await run(f);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `error: ${path}:${
        lineOf(f, "fallback:")
      }: unknown key fallback[""] (valid keys here: threshold, noise_sd)\n`,
    );
    // A user-defined name with control characters, in a key path and in a value.
    const d = edit(
      "  iOS: {",
      `  "i\\eOS": { web: 0.15, mobile_app: 0.55, messenger: 0.15, whatsapp: 0.15 }`,
      edit(
        "    - { name: iOS,",
        `    - { name: "i\\eOS", platform: mobile, probability: 0.30 }`,
      ),
    );
    const noRow = await run(d.replace(`  "i\\eOS": {`, `  "iOS": {`));
    assert.equal(noRow.r.code, 2, noRow.r.stderr);
    assert.equal(
      noRow.r.stderr,
      `error: ${noRow.path}:${
        lineOf(d, "channel_given_device:")
      }: channel_given_device: has no row for device "i\\u001bOS"\n`,
    );
    const bad = await run(
      d.replace(`web: 0.15, mobile_app: 0.55`, `web: 0.25, mobile_app: 0.55`),
    );
    assert.equal(bad.r.code, 2, bad.r.stderr);
    assert.equal(
      bad.r.stderr,
      `error: ${bad.path}:${
        lineOf(d, `  "i\\eOS"`)
      }: channel_given_device["i\\u001bOS"]: probabilities must sum to 1, got 1.1\n`,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

// --- reserved names as keys and exchange ids -------------------------------------------

/** `text` with a line `add` inserted after the single line equal to `after`. */
function insertAfter(after: string, add: string, text = BASE): string {
  const lines = text.split("\n");
  const hits = lines.flatMap((l, i) => l === after ? [i] : []);
  assert.equal(hits.length, 1, `insert target ${JSON.stringify(after)}`);
  lines.splice(hits[0] + 1, 0, add);
  return lines.join("\n");
}

/**
 * Run the CLI on config `text`; returns its exit code and stderr, checking nothing
 * was written. In a subprocess by default; `inProcess` runs the same runCli in this
 * process (no start-up, but the test's permissions).
 */
async function runConfig(
  text: string,
  inProcess = false,
): Promise<{ code: number; stderr: string; path: string }> {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-reserved-" });
  try {
    const path = `${tmp}/c.yaml`;
    Deno.writeTextFileSync(path, text);
    const out = `${tmp}/out`;
    const args = [
      ...["--config", path, "--sessions", "20", "--users", "5", "--out", out],
    ];
    const r = inProcess ? await runCliInProcess(args) : runMain(
      ["--allow-read", `--allow-write=${out},${out}.partial`, "--allow-env"],
      args,
    );
    assert.equal(r.stdout, "");
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), ["c.yaml"]);
    return { code: r.code, stderr: r.stderr.replaceAll(path, "CONFIG"), path };
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}

Deno.test("a map key __proto__, constructor or prototype is an error at its line (exit 2), like any other bad key", async () => {
  // [line after which a key is added, the added line with KEY in it, key path]
  const cases: [string, string, string][] = [
    ["  text:", "    KEY: {foo: 1}", "dialogue.text.KEY"],
    ["channel_given_device:", "  KEY: { web: 1 }", "channel_given_device.KEY"],
  ];
  for (const [after, add, keyPath] of cases) {
    // The same line with an ordinary unknown name is refused (the oracle): the
    // reserved names must not be let through where it is.
    const control = await runConfig(
      insertAfter(after, add.replace("KEY", "xx")),
      true,
    );
    assert.equal(control.code, 2, control.stderr);
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const t = insertAfter(after, add.replace("KEY", key));
      const line = lineOf(t, add.replace("KEY", key));
      const expected = `key "${
        keyPath.replace("KEY", key)
      }" is reserved; choose another name`;
      // Through the CLI once (exit 2, one line); the other names in process.
      if (key === "__proto__") {
        const r = await runConfig(t);
        assert.equal(r.code, 2, `${key}: ${r.stderr}`);
        assert.equal(r.stderr, `error: CONFIG:${line}: ${expected}\n`);
      } else {
        assert.equal(
          message(() => parseConfig(t, FILE)),
          `${FILE}:${line}: ${expected}`,
        );
      }
    }
  }
  // In a fixed map too, and in parseConfig directly.
  const t = insertAfter("population:", "  __proto__: 1");
  assert.equal(
    message(() => parseConfig(t, FILE)),
    `${FILE}:${
      lineOf(t, "  __proto__: 1")
    }: key "population.__proto__" is reserved; choose another name`,
  );
});

Deno.test("an exchange id __proto__ or prototype is refused as reserved, not as lacking its wording (exit 2)", async () => {
  // The escalation exchange renamed, together with its wording in every language:
  // the first reserved key in the file is the wording key of the first language.
  const renamed = BASE.replace("- { id: agent,", "- { id: __proto__,")
    .replaceAll("\n        agent:\n", "\n        __proto__:\n");
  assert.equal(renamed.split("\n        __proto__:\n").length, 7);
  const first = renamed.split("\n").indexOf("        __proto__:") + 1;
  const r = await runConfig(renamed);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `error: CONFIG:${first}: key "dialogue.text.en.exchanges.__proto__" is reserved; choose another name\n`,
  );
  assert.doesNotMatch(r.stderr, /lacks the wording/);
  // An id alone (its wording keys left as they are) is named at the id's line.
  const id = BASE.replace("- { id: agent,", "- { id: prototype,");
  const index = id.split("\n").filter((l) =>
    /^ {4}- \{?\s*id:|^ {8}id:/.test(l)
  )
    .findIndex((l) => l.includes("prototype"));
  const m = message(() => parseConfig(id, FILE));
  assert.equal(
    m,
    `${FILE}:${
      lineOf(id, "    - { id: prototype,")
    }: dialogue.exchanges[${index}].id: "prototype" is reserved; choose another name`,
  );
});
