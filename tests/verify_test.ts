/**
 * `verify` (docs/design.md §6.3): a fresh dataset verifies; every kind of damage is named,
 * and agrees with the independent `sha256sum -c`; verification does not depend on the
 * time zone, locale or clock; unusable manifests exit 2.
 */
import assert from "node:assert/strict";
import {
  generateTemp,
  listFiles,
  ROOT,
  runMain,
  withClockShifted,
} from "./helpers.ts";
import {
  formatVerifyReport,
  verifyDataset,
  type VerifyReport,
} from "../lib/verify.ts";
import { UsageError } from "../lib/errors.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { manifestMarkdown, sha256sums } from "../lib/manifest/manifest.ts";
import { dataPackageJson } from "../lib/manifest/datapackage.ts";

function sha256sumFailures(dir: string): string[] {
  const r = new Deno.Command("sha256sum", {
    args: ["-c", "--quiet", "SHA256SUMS"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  return new TextDecoder().decode(r.stdout).split("\n").filter((l) => l)
    .map((l) => l.replace(/: FAILED.*$/, "")).sort();
}

function bad(r: VerifyReport): string[] {
  return [...r.integrity, ...r.reproduction].filter((c) => c.status !== "ok")
    .map((c) => `${c.status} ${c.path}`);
}

function verifyCli(dir: string, env: Record<string, string> = {}) {
  return runMain(["--allow-read", "--allow-env"], ["verify", dir], env);
}

Deno.test("a fresh dataset verifies, with the command-line output and exit 0", () => {
  const ds = generateTemp({ sessions: 150, users: 40, seed: 8 });
  try {
    const r = verifyDataset(ds.dir);
    assert.equal(r.ok, true, formatVerifyReport(r));
    assert.equal(r.reproduction.length, ds.manifest.files.length);
    const cli = verifyCli(ds.dir, {
      TZ: "America/St_Johns",
      LC_ALL: "tr_TR.UTF-8",
    });
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^ {2}ok {8}star\/fact_turn\.csv$/m);
    assert.match(
      cli.stdout,
      /^verify: OK, 31 files intact and 28 data files reproduced/m,
    );
    assert.deepEqual(sha256sumFailures(ds.dir), []);
  } finally {
    ds.cleanup();
  }
});

Deno.test("a one-byte change in any data file is named, with its first differing line", () => {
  const ds = generateTemp({ sessions: 60, users: 20, seed: 9 });
  try {
    for (const f of ds.manifest.files) {
      const p = `${ds.dir}/${f.path}`;
      const original = Deno.readFileSync(p);
      const changed = original.slice();
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at] === 0x41 ? 0x42 : 0x41;
      Deno.writeFileSync(p, changed);
      try {
        const r = verifyDataset(ds.dir);
        assert.equal(r.ok, false);
        assert.deepEqual(bad(r), [`mismatch ${f.path}`], f.path);
        assert.deepEqual(sha256sumFailures(ds.dir), [f.path]);
        assert.equal(r.differences.length, 1);
        const d = r.differences[0];
        assert.equal(d.path, f.path);
        const lineNo =
          new TextDecoder().decode(original.subarray(0, at)).split("\n").length;
        assert.equal(d.line, lineNo, f.path);
        assert.notEqual(d.expected, d.found);
        assert.match(formatVerifyReport(r), /versions all match the manifest/);
      } finally {
        Deno.writeFileSync(p, original);
      }
    }
    assert.equal(verifyDataset(ds.dir).ok, true);
  } finally {
    ds.cleanup();
  }
});

Deno.test("deleted, added and changed metadata files are named; reports are ignored", () => {
  const ds = generateTemp({ sessions: 40, users: 10, seed: 10 });
  try {
    Deno.removeSync(`${ds.dir}/star/dim_device.csv`);
    Deno.writeTextFileSync(`${ds.dir}/star/notes.csv`, "a\n");
    Deno.writeTextFileSync(`${ds.dir}/validation.md`, "# report\n");
    const md = Deno.readTextFileSync(`${ds.dir}/MANIFEST.md`);
    Deno.writeTextFileSync(`${ds.dir}/MANIFEST.md`, md.replace("seed", "sead"));
    const r = verifyDataset(ds.dir);
    assert.deepEqual(bad(r).sort(), [
      "extra star/notes.csv",
      "mismatch MANIFEST.md",
      "missing star/dim_device.csv",
    ]);
    // sha256sum -c agrees on the listed files (it does not look for extra files).
    const failures = sha256sumFailures(ds.dir);
    assert.deepEqual(failures, ["MANIFEST.md", "star/dim_device.csv"]);
  } finally {
    ds.cleanup();
  }
});

Deno.test("verification passes under another TZ, locale and a clock a day later", () => {
  const ds = generateTemp({ sessions: 80, users: 20, seed: 12 });
  try {
    assert.equal(
      withClockShifted(86_400_000, () => verifyDataset(ds.dir)).ok,
      true,
    );
    const cli = verifyCli(ds.dir, {
      TZ: "Pacific/Chatham",
      LC_ALL: "de_DE.UTF-8",
    });
    assert.equal(cli.code, 0, cli.stdout);
  } finally {
    ds.cleanup();
  }
});

Deno.test("a manifest from another generator version is reported as such", () => {
  const ds = generateTemp({ sessions: 30, users: 10, seed: 13 });
  try {
    const p = `${ds.dir}/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(p));
    m.generator.version = "0.0.1";
    m.dependencies.prando = "5.0.0";
    Deno.writeTextFileSync(p, JSON.stringify(m, null, 2) + "\n");
    const r = verifyDataset(ds.dir);
    // MANIFEST.md and datapackage.json show the versions; SHA256SUMS records the
    // original manifest.json.
    assert.deepEqual(bad(r), [
      "mismatch MANIFEST.md",
      "mismatch datapackage.json",
      "mismatch SHA256SUMS",
    ]);
    const text = formatVerifyReport(r);
    assert.match(
      text,
      /generator version: manifest 0\.0\.1, this run \d+\.\d+\.\d+/,
    );
    assert.match(text, /prando: manifest 5\.0\.0, this run 6\.0\.1/);
    // Same data, metadata rewritten consistently: the dataset reproduces, and a note
    // still names the differing versions.
    Deno.writeTextFileSync(`${ds.dir}/MANIFEST.md`, manifestMarkdown(m));
    Deno.writeTextFileSync(`${ds.dir}/datapackage.json`, dataPackageJson(m));
    const digest = (name: string) => {
      const out = new Deno.Command("sha256sum", {
        args: [name],
        cwd: ds.dir,
        stdout: "piped",
      })
        .outputSync();
      return new TextDecoder().decode(out.stdout).slice(0, 64);
    };
    const meta = ["manifest.json", "MANIFEST.md", "datapackage.json"].map((
      path,
    ) => ({
      path,
      bytes: 0,
      rows: 0,
      sha256: digest(path),
    }));
    Deno.writeTextFileSync(
      `${ds.dir}/SHA256SUMS`,
      sha256sums([...m.files, ...meta]),
    );
    const r2 = verifyDataset(ds.dir);
    assert.equal(r2.ok, true, formatVerifyReport(r2));
    assert.match(
      formatVerifyReport(r2),
      /Note: the dataset reproduces, but .*\n.*generator version: manifest 0\.0\.1/,
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("a dataset that does not reproduce is caught even when its sums are consistent", () => {
  const ds = generateTemp({ sessions: 30, users: 10, seed: 14 });
  try {
    // Tamper with the recorded seed: integrity can still pass, reproduction cannot.
    const p = `${ds.dir}/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(p));
    m.seed = 15;
    m.parameters.seed = 15;
    Deno.writeTextFileSync(p, JSON.stringify(m, null, 2) + "\n");
    const r = verifyDataset(ds.dir);
    assert.equal(r.ok, false);
    assert.ok(
      r.reproduction.some((c) =>
        c.status === "mismatch" && c.path === "star/fact_turn.csv"
      ),
    );
    assert.ok(
      r.differences.some((d) =>
        d.path === "star/fact_turn.csv" && d.line === 2
      ),
    );
    // Parameters that are not the config text plus the recorded overrides are a problem.
    m.parameters.latency_ms.mu = 7;
    Deno.writeTextFileSync(p, JSON.stringify(m, null, 2) + "\n");
    assert.match(
      verifyDataset(ds.dir).reproductionErrors.join(";"),
      /parameters in manifest\.json are not its config text/,
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("unusable input exits 2: no manifest, malformed, CRLF, absolute or backslashed paths", async () => {
  const ds = generateTemp({ sessions: 10, users: 5, seed: 16 });
  const p = `${ds.dir}/manifest.json`;
  const original = Deno.readTextFileSync(p);
  const cases: [string, RegExp][] = [
    ["{not json", /not valid JSON/],
    [original.replaceAll("\n", "\r\n"), /CR line endings/],
    [
      original.replace('"path": "raw/turns.jsonl"', '"path": "/etc/passwd"'),
      /absolute path/,
    ],
    [
      original.replace(
        '"path": "raw/turns.jsonl"',
        '"path": "raw\\\\turns.jsonl"',
      ),
      /backslash/,
    ],
    [
      original.replace('"path": "raw/turns.jsonl"', '"path": "../turns.jsonl"'),
      /not a plain relative path/,
    ],
    [
      original.replace('"manifest_version": 1', '"manifest_version": 9'),
      /manifest_version/,
    ],
    [original.replace(/"files": \[/, '"filez": ['), /"files" must be a list/],
  ];
  try {
    for (const [text, pattern] of cases) {
      Deno.writeTextFileSync(p, text);
      assert.throws(() => verifyDataset(ds.dir), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, pattern);
        return true;
      });
    }
    Deno.writeTextFileSync(p, cases[1][0]);
    const cli = verifyCli(ds.dir);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /^error: Cannot use manifest .*CR line endings/m);
    // The other two in this process: the same runCli, without the start-up.
    Deno.removeSync(p);
    const none = await runCliInProcess(["verify", ds.dir]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No manifest\.json in/);
    const missingDir = await runCliInProcess(["verify", `${ds.dir}/nope`]);
    assert.equal(missingDir.code, 2);
  } finally {
    ds.cleanup();
  }
});

Deno.test("verify rejects generation flags and extra folders", async () => {
  for (
    const [i, args] of [["verify", "a", "b"], ["verify", "--sessions", "3"], [
      "verify",
      "--force",
    ]].entries()
  ) {
    // The first in a subprocess, the others in this process (the same runCli).
    const code = i === 0
      ? new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-env", "main.ts", ...args],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).outputSync().code
      : (await runCliInProcess(args)).code;
    assert.equal(code, 2, args.join(" "));
  }
  void listFiles;
});

Deno.test("generate --from-manifest rebuilds a dataset from its manifest.json alone", async () => {
  const ds = generateTemp({
    sessions: 120,
    users: 30,
    seed: 31,
    formats: ["star", "raw"],
  });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-fromm-" });
  try {
    Deno.copyFileSync(`${ds.dir}/manifest.json`, `${tmp}/manifest.json`);
    const run = (args: string[]) =>
      runMain(["--allow-read", `--allow-write=${tmp}`, "--allow-env"], args);
    const r = run([
      "--from-manifest",
      `${tmp}/manifest.json`,
      "--out",
      `${tmp}/rebuilt`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Reproduced: the fingerprint matches/,
    );
    for (const f of ds.manifest.files) {
      assert.deepEqual(
        Deno.readFileSync(`${tmp}/rebuilt/${f.path}`),
        Deno.readFileSync(`${ds.dir}/${f.path}`),
        f.path,
      );
    }
    assert.equal(verifyDataset(`${tmp}/rebuilt`).ok, true);
    // In this process: the same runCli, without the start-up.
    const bad = await runCliInProcess([
      "--from-manifest",
      tmp,
      "--seed",
      "3",
      "--out",
      `${tmp}/x`,
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--seed cannot be combined with --from-manifest/,
    );
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a one-byte change in a metadata file is named too", () => {
  const ds = generateTemp({ sessions: 20, users: 8, seed: 33 });
  try {
    for (const name of ["MANIFEST.md", "datapackage.json", "SHA256SUMS"]) {
      const p = `${ds.dir}/${name}`;
      const original = Deno.readFileSync(p);
      const changed = original.slice();
      changed[10] ^= 1;
      Deno.writeFileSync(p, changed);
      try {
        assert.deepEqual(
          bad(verifyDataset(ds.dir)),
          [`mismatch ${name}`],
          name,
        );
      } finally {
        Deno.writeFileSync(p, original);
      }
    }
    // manifest.json itself: SHA256SUMS records its digest.
    const p = `${ds.dir}/manifest.json`;
    const text = Deno.readTextFileSync(p);
    Deno.writeTextFileSync(p, text.replace('"bytes": ', '"bytes":  '));
    assert.deepEqual(bad(verifyDataset(ds.dir)), ["mismatch SHA256SUMS"]);
    assert.deepEqual(sha256sumFailures(ds.dir), ["manifest.json"]);
  } finally {
    ds.cleanup();
  }
});

Deno.test("a dataset folder Deno may not read exits 2 naming it and --allow-read", () => {
  const ds = generateTemp({ sessions: 20, users: 5, seed: 3 });
  try {
    // The project folder is readable, the dataset's temporary folder is not.
    const cli = runMain([`--allow-read=${ROOT}`, "--allow-env"], [
      "verify",
      ds.dir,
    ]);
    assert.equal(cli.code, 2, cli.stdout + cli.stderr);
    assert.equal(
      cli.stderr,
      `error: Cannot read "${ds.dir}": permission denied (grant --allow-read for it)\n`,
    );
  } finally {
    ds.cleanup();
  }
});
