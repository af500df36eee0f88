/**
 * The command line end to end, as a user runs it: help, version, exit codes, the
 * refusal to overwrite, --force, --formats, and the atomic output folder.
 */
import assert from "node:assert/strict";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";
import { StagedOutput } from "../lib/output_dir.ts";
import { UsageError } from "../lib/errors.ts";
import { runCliInProcess } from "./cli_in_process.ts";

function cli(args: string[], writable?: string) {
  const allow = writable
    ? [`--allow-write=${writable},${writable}.partial`]
    : [];
  return runMain(["--allow-read", ...allow, "--allow-env"], args);
}

Deno.test("--help explains every flag; --version prints the version", () => {
  const h = cli(["--help"]);
  assert.equal(h.code, 0);
  for (
    const flag of [
      "--sessions",
      "--users",
      "--seed",
      "--config",
      "--out",
      "--formats",
      "--force",
      "--quiet",
      "--help",
      "--version",
      "--runs",
      "--warmup",
      "--db",
      "--postgres",
    ]
  ) {
    assert.ok(h.stdout.includes(flag), flag);
  }
  const v = cli(["--version"]);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^chatsynth \d+\.\d+\.\d+\n$/);
});

Deno.test("usage errors exit 2 with one sentence and no stack trace", async () => {
  for (
    const [i, [args, pattern]] of ([
      [["--sessions", "abc"], /--sessions.*"abc"/],
      [["--frobnicate"], /frobnicate/],
      [["--formats", "raw,csv"], /--formats.*"csv"/],
      [["--config", "nope.yaml"], /nope\.yaml.*no such file/],
      [["bogus"], /bogus/],
      [["bench", "--runs", "0"], /--runs.*"0"/],
      [["verify", "--db", "x.duckdb"], /--db does not apply to verify/],
    ] as [string[], RegExp][]).entries()
  ) {
    // The first in a subprocess (the process's exit code and stderr), the others
    // in this process (the same runCli, without the start-up).
    const r = i === 0 ? cli(args) : await runCliInProcess(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /^error: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "stack trace printed");
  }
});

Deno.test("a dataset folder is refused without --force and replaced with it", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-cli-" });
  const out = `${tmp}/ds`;
  try {
    const args = ["--sessions", "30", "--users", "10", "--out", out];
    assert.equal(cli([...args, "--formats", "raw"], out).code, 0);
    // The later runs in this process: the same runCli, without the start-up.
    const refused = await runCliInProcess(args);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not empty.*--force/);
    assert.deepEqual(listFiles(`${out}/raw`), ["turns.jsonl"]);
    const forced = await runCliInProcess([
      ...args,
      "--formats",
      "star",
      "--force",
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /Wrote 30 sessions/);
    assert.ok(!listFiles(out).some((f) => f.startsWith("raw/")));
    assert.ok(listFiles(out).includes("manifest.json"));
    assert.deepEqual(listFiles(tmp).filter((f) => !f.startsWith("ds/")), []);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("--formats writes only the chosen representations; --quiet prints nothing", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-cli-" });
  const out = `${tmp}/ds`;
  try {
    const r = cli([
      "--sessions",
      "20",
      "--users",
      "5",
      "--formats",
      "star",
      "--out",
      out,
      "--quiet",
    ], out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const files = listFiles(out);
    assert.ok(
      files.every((f) => !f.startsWith("raw/") && !f.startsWith("snowflake/")),
    );
    assert.ok(files.includes("star/fact_turn.csv"));
    const m = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
    assert.deepEqual(m.formats, ["star"]);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("writing outside the permitted folder is a clear error, not a stack trace", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-cli-" });
  try {
    const r = cli(["--sessions", "5", "--users", "2", "--out", `${tmp}/x`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot .*Deno has no permission for this path/);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("the README's recipe for writing elsewhere works with exactly its flags", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-elsewhere-" });
  const d = `${tmp}/ds`;
  try {
    const readme = Deno.readTextFileSync(`${ROOT}/README.md`);
    const m =
      /deno run (--allow-read=\S+) (--allow-write=\S+) \\\n\s+(--allow-env=\S+) main\.ts --out \/data\/ds/
        .exec(readme);
    assert.ok(m, "README recipe not found");
    const flags = [m[1], m[2], m[3]].map((f) => f.replaceAll("/data/ds", d));
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...flags,
          "main.ts",
          "--out",
          d,
          "--sessions",
          "20",
          "--users",
          "5",
          "--force",
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).outputSync();
    const first = run();
    assert.equal(first.code, 0, new TextDecoder().decode(first.stderr));
    const again = run();
    assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
    assert.ok(Deno.statSync(`${d}/manifest.json`).isFile);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a permission a dependency needs but was not granted is exit 2, no stack trace", () => {
  const r = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read=.", "main.ts", "--sessions", "5"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const err = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 2, err);
  // Names the permission and the flag that grants exactly it.
  assert.match(
    err,
    /^error: Deno has no (\w+) access to "([^"]+)"; grant it with --allow-\1=\2 /m,
  );
  assert.doesNotMatch(err, /\n\s+at /);
});

Deno.test("staged output: a failed run leaves no complete-looking folder and keeps the old one", () => {
  const ds = generateTemp({ sessions: 5, users: 2, formats: ["raw"] });
  const tmp = ds.dir.slice(0, ds.dir.lastIndexOf("/"));
  const target = ds.dir;
  const old = listFiles(tmp);
  try {
    const staged = new StagedOutput(target, true);
    assert.match(staged.staging, /\/out\.partial\/run-\d+-[0-9a-f]{8}$/);
    Deno.writeTextFileSync(staged.path("half.csv"), "a,b\n");
    // The run fails here: its staging folder goes, the old dataset stays.
    staged.abort();
    assert.deepEqual(listFiles(tmp), old);
    // A leftover of a killed run is reported and kept, never deleted by another run.
    Deno.mkdirSync(`${target}.partial/run-1-deadbeef`, { recursive: true });
    Deno.writeTextFileSync(`${target}.partial/run-1-deadbeef/stale`, "x");
    const again = new StagedOutput(target, true);
    assert.deepEqual(again.leftovers, [`${target}.partial/run-1-deadbeef`]);
    Deno.writeTextFileSync(again.path("new.csv"), "x\n");
    again.commit();
    assert.deepEqual(listFiles(tmp), [
      "out.partial/run-1-deadbeef/stale",
      "out/new.csv",
    ]);
    Deno.removeSync(`${target}.partial`, { recursive: true });
    // Without force a non-empty target is refused; a file target is refused.
    assert.throws(() => new StagedOutput(target, false), UsageError);
    Deno.writeTextFileSync(`${tmp}/file`, "x");
    assert.throws(() => new StagedOutput(`${tmp}/file`, true), UsageError);
    // An empty existing folder is fine without force.
    Deno.mkdirSync(`${tmp}/empty`);
    const e = new StagedOutput(`${tmp}/empty`, false);
    e.commit();
    assert.ok(Deno.statSync(`${tmp}/empty`).isDirectory);
    assert.ok(!listFiles(tmp).some((f) => f.startsWith("empty.partial")));
  } finally {
    ds.cleanup();
  }
});

Deno.test("concurrent runs: a target filled meanwhile is not replaced without --force", () => {
  const ds = generateTemp({ sessions: 5, users: 2, formats: ["raw"] });
  const manifest = Deno.readTextFileSync(`${ds.dir}/manifest.json`);
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-race-" });
  try {
    const target = `${tmp}/ds`;
    const a = new StagedOutput(target, false);
    const b = new StagedOutput(target, false);
    assert.notEqual(a.staging, b.staging);
    Deno.writeTextFileSync(a.path("manifest.json"), manifest);
    Deno.writeTextFileSync(b.path("manifest.json"), manifest);
    Deno.writeTextFileSync(b.path("SHA256SUMS"), "B\n");
    a.commit();
    assert.throws(
      () => b.commit(),
      (e: Error) =>
        /changed while this run was writing and now is not empty/.test(
          e.message,
        ),
    );
    assert.deepEqual(listFiles(tmp), ["ds/manifest.json"]);
    // With force the later run replaces the earlier one whole.
    const c = new StagedOutput(target, true);
    Deno.writeTextFileSync(c.path("manifest.json"), manifest);
    Deno.writeTextFileSync(c.path("SHA256SUMS"), "C\n");
    c.commit();
    assert.deepEqual(listFiles(tmp), ["ds/SHA256SUMS", "ds/manifest.json"]);
    assert.equal(Deno.readTextFileSync(`${target}/SHA256SUMS`), "C\n");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
    ds.cleanup();
  }
});
