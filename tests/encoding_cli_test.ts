/**
 * `--encoding` end to end: a Parquet dataset is fingerprinted and reproduced from
 * its manifest alone; older manifests (no recorded encodings) still mean text; the
 * config key works like the flag.
 */
import assert from "node:assert/strict";
import { ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

function tmp(): string {
  return Deno.makeTempDirSync({ prefix: "chatsynth-enc-" });
}

function perms(dir: string): string[] {
  return [
    `--allow-read=${ROOT},${dir}`,
    `--allow-write=${dir}`,
    "--allow-env",
  ];
}

/** `sha256sum -c` of a dataset folder, by the tool itself. */
function sha256sumCheck(dir: string): number {
  return new Deno.Command("sha256sum", {
    args: ["-c", "--strict", "--quiet", "SHA256SUMS"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).outputSync().code;
}

Deno.test("--from-manifest of a Parquet dataset rebuilds the same Parquet bytes", () => {
  const dir = tmp();
  try {
    const a = runMain(perms(dir), [
      "--sessions=150",
      "--users=40",
      "--encoding=parquet",
      "--formats=raw,star",
      `--out=${dir}/a`,
      "--quiet",
    ]);
    assert.equal(a.code, 0, a.stderr);
    const m = JSON.parse(Deno.readTextFileSync(`${dir}/a/manifest.json`));
    assert.deepEqual(m.parameters.encodings, ["parquet"]);
    assert.ok(
      m.files.every((f: { path: string }) => f.path.endsWith(".parquet")),
    );
    assert.match(m.writers.parquet, /^chatsynth version /);
    assert.equal(sha256sumCheck(`${dir}/a`), 0);
    const b = runMain(perms(dir), [
      `--from-manifest=${dir}/a/manifest.json`,
      `--out=${dir}/b`,
      "--quiet",
    ]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(
      Deno.readTextFileSync(`${dir}/b/SHA256SUMS`),
      Deno.readTextFileSync(`${dir}/a/SHA256SUMS`),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a manifest without recorded encodings (written before them) regenerates as text", async () => {
  const dir = tmp();
  try {
    const a = runMain(perms(dir), [
      "--sessions=20",
      "--users=5",
      `--out=${dir}/a`,
      "--quiet",
    ]);
    assert.equal(a.code, 0, a.stderr);
    const path = `${dir}/a/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(path));
    delete m.parameters.encodings;
    Deno.writeTextFileSync(path, JSON.stringify(m, null, 2) + "\n");
    // In this process: the same runCli, without the start-up.
    const b = await runCliInProcess([
      `--from-manifest=${path}`,
      `--out=${dir}/b`,
      "--quiet",
    ]);
    assert.equal(b.code, 0, b.stderr);
    const again = JSON.parse(Deno.readTextFileSync(`${dir}/b/manifest.json`));
    assert.equal(again.fingerprint, m.fingerprint);
    assert.deepEqual(again.parameters.encodings, ["text"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the config's encodings key works as the flag does, and the flag wins", () => {
  const dir = tmp();
  try {
    const config = Deno.readTextFileSync(`${ROOT}/config.yaml`).replace(
      /^encodings:.*$/m,
      "encodings: [text, parquet]",
    );
    assert.match(config, /^encodings: \[text, parquet\]$/m);
    Deno.writeTextFileSync(`${dir}/c.yaml`, config);
    const run = (out: string, extra: string[] = []) =>
      runMain(perms(dir), [
        `--config=${dir}/c.yaml`,
        "--sessions=10",
        "--users=4",
        "--formats=star",
        `--out=${dir}/${out}`,
        "--quiet",
        ...extra,
      ]);
    const both = run("both");
    assert.equal(both.code, 0, both.stderr);
    const names = [...Deno.readDirSync(`${dir}/both/star`)].map((e) => e.name);
    assert.ok(
      names.includes("fact_turn.csv") && names.includes("fact_turn.parquet"),
    );
    const text = run("text", ["--encoding=text"]);
    assert.equal(text.code, 0, text.stderr);
    const only = [...Deno.readDirSync(`${dir}/text/star`)].map((e) => e.name);
    assert.ok(only.every((n) => n.endsWith(".csv")), only.join(" "));
    // The CSV bytes do not depend on whether Parquet is written beside them.
    assert.equal(
      Deno.readTextFileSync(`${dir}/both/star/fact_turn.csv`),
      Deno.readTextFileSync(`${dir}/text/star/fact_turn.csv`),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an unknown encoding in the config is refused naming it (exit 2)", () => {
  const dir = tmp();
  try {
    const config = Deno.readTextFileSync(`${ROOT}/config.yaml`).replace(
      /^encodings:.*$/m,
      "encodings: [text, orc]",
    );
    Deno.writeTextFileSync(`${dir}/c.yaml`, config);
    const r = runMain(perms(dir), [`--config=${dir}/c.yaml`, `--out=${dir}/o`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /c\.yaml:\d+: encodings\[1\] must be text or parquet \(got "orc"\)/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("Parquet without read access to the writer's thread module: exit 2, one line, nothing left (generate and verify)", () => {
  const dir = tmp();
  try {
    // A dataset to verify, made with full permissions.
    const made = runMain(perms(dir), [
      "--sessions=20",
      "--users=5",
      "--formats=star",
      "--encoding=parquet",
      `--out=${dir}/ds`,
      "--quiet",
    ]);
    assert.equal(made.code, 0, made.stderr);
    // Reading only what a text run needs: not lib/encoding/parquet_worker.ts.
    const narrow = [
      `--allow-read=${dir},${ROOT}/config.yaml,${ROOT}/deno.json,${ROOT}/deno.lock`,
      `--allow-write=${dir}`,
      "--allow-env",
    ];
    for (
      const args of [
        [
          "--sessions=20",
          "--users=5",
          "--encoding=parquet",
          `--out=${dir}/new`,
        ],
        ["verify", `${dir}/ds`],
      ]
    ) {
      const r = runMain(narrow, args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^error: Cannot write Parquet: the writer's thread needs read access to .*parquet_worker\.ts \(give --allow-read the program's folder as well\)\n$/,
      );
    }
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["ds"],
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a manifest whose recorded encodings are malformed or contradict its files is refused before regenerating (exit 2)", async () => {
  const dir = tmp();
  try {
    const made = await runCliInProcess([
      "--sessions=10",
      "--users=3",
      "--formats=star",
      `--out=${dir}/ds`,
      "--quiet",
    ]);
    assert.equal(made.code, 0, made.stderr);
    const path = `${dir}/ds/manifest.json`;
    const original = Deno.readTextFileSync(path);
    const cases: [unknown, RegExp][] = [
      ["parquet", /"parameters\.encodings" must be a non-empty list/],
      [[], /"parameters\.encodings" must be a non-empty list/],
      [["text", "text"], /"parameters\.encodings" must be a non-empty list/],
      [["csv"], /"parameters\.encodings" must be a non-empty list/],
      // The files are CSV, the manifest says Parquet only.
      [
        ["parquet"],
        /is a csv file, but the manifest records the encodings parquet/,
      ],
    ];
    for (const [encodings, pattern] of cases) {
      const m = JSON.parse(original);
      m.parameters.encodings = encodings;
      Deno.writeTextFileSync(path, JSON.stringify(m, null, 2) + "\n");
      // verify for every case; validate (which reads the same manifest) once.
      const commands = pattern === cases[0][1] && encodings === cases[0][0]
        ? [["verify", `${dir}/ds`], ["validate", `${dir}/ds`]]
        : [["verify", `${dir}/ds`]];
      // The first verify in a subprocess (the process's exit code and stderr), the
      // others in this process (the same runCli, without the start-up).
      for (const args of commands) {
        const r = encodings === cases[0][0] && args[0] === "verify"
          ? runMain(perms(dir), args)
          : await runCliInProcess(args);
        assert.equal(
          r.code,
          2,
          `${JSON.stringify(encodings)} ${args[0]}: ${r.stderr}`,
        );
        assert.match(r.stderr, pattern);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config: an encoding listed twice, and a lone surrogate in any text, are refused at their line", async () => {
  const { parseConfig } = await import("../lib/config/load.ts");
  const base = Deno.readTextFileSync(`${ROOT}/config.yaml`);
  const twice = base.replace(
    /^encodings:.*$/m,
    "encodings: [parquet, parquet]",
  );
  assert.throws(
    () => parseConfig(twice, "c.yaml"),
    /^UsageError: c\.yaml:\d+: encodings: lists an encoding twice$/,
  );
  // A lone high surrogate (YAML escape) in a reply: JSON Lines would keep it,
  // UTF-8 (Parquet) cannot: the two encodings would disagree.
  const lone = base.replace('"Hello."', '"Hello\\ud800."');
  assert.notEqual(lone, base);
  assert.throws(
    () => parseConfig(lone, "c.yaml"),
    /^UsageError: c\.yaml:\d+: dialogue\.text\.en\.exchanges\.greet\.user\[1\]: holds half of a surrogate pair/,
  );
  // A whole pair (an emoji) is fine.
  const pair = base.replace('"Hello."', '"Hello \\ud83d\\ude00."');
  parseConfig(pair, "c.yaml");
});

Deno.test("the summary line names Parquet, and says nothing new for text alone", () => {
  const dir = tmp();
  try {
    const run = (encoding: string) =>
      runMain(perms(dir), [
        "--sessions=5",
        "--users=2",
        "--formats=star",
        `--encoding=${encoding}`,
        `--out=${dir}/${encoding.replace(",", "-")}`,
      ]);
    assert.match(
      run("text,parquet").stdout,
      /\(star as text and Parquet; 18 files, /,
    );
    assert.match(run("parquet").stdout, /\(star as Parquet; 9 files, /);
    assert.match(run("text").stdout, /\(star; 9 files, /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
