/**
 * Inputs that once crashed, hung or misled verify, validate and --from-manifest
 * (found by adversarial testing), pinned to their fixed behaviour.
 */
import assert from "node:assert/strict";
import {
  claimOtherDataset,
  generateTemp,
  listFiles,
  readCsv,
  ROOT,
  runMain,
} from "./helpers.ts";
import { verifyDataset, type VerifyReport } from "../lib/verify.ts";
import { validateDataset } from "../lib/validate/validate.ts";
import { UsageError } from "../lib/errors.ts";
import { runCliInProcess } from "./cli_in_process.ts";

const perms = (dir: string) => [
  "--allow-read",
  `--allow-write=${dir},${dir}.partial`,
  "--allow-env",
];

function bad(r: VerifyReport): string[] {
  return [...r.integrity, ...r.reproduction].filter((c) => c.status !== "ok")
    .map((c) => `${c.status} ${c.path}${c.detail ? ` (${c.detail})` : ""}`);
}

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void) {
  const p = `${dir}/manifest.json`;
  const m = JSON.parse(Deno.readTextFileSync(p));
  edit(m);
  Deno.writeTextFileSync(p, JSON.stringify(m, null, 2) + "\n");
}

Deno.test("verify reads only regular files inside the folder: FIFO, symlink, folder", () => {
  const ds = generateTemp({ sessions: 20, users: 5, seed: 41 });
  try {
    const fifo = `${ds.dir}/star/dim_user.csv`;
    Deno.removeSync(fifo);
    const mk = new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    assert.equal(mk.code, 0);
    Deno.removeSync(`${ds.dir}/star/dim_device.csv`);
    Deno.symlinkSync("/etc/passwd", `${ds.dir}/star/dim_device.csv`);
    Deno.removeSync(`${ds.dir}/MANIFEST.md`);
    Deno.mkdirSync(`${ds.dir}/MANIFEST.md`);
    const r = verifyDataset(ds.dir);
    assert.deepEqual(bad(r).sort(), [
      "mismatch MANIFEST.md (a folder, not a regular file)",
      "mismatch star/dim_device.csv (a symbolic link, not a regular file)",
      "mismatch star/dim_user.csv (not a regular file (a FIFO, socket or device))",
    ]);
    assert.ok(!r.differences.some((d) => (d.found ?? "").includes("root:")));
  } finally {
    ds.cleanup();
  }
});

Deno.test("unusable manifests and folders are exit-2 errors, not crashes", async () => {
  const ds = generateTemp({ sessions: 20, users: 5, seed: 42 });
  const p = `${ds.dir}/manifest.json`;
  const original = Deno.readTextFileSync(p);
  try {
    const cases: [(m: Record<string, unknown>) => void, RegExp][] = [
      [
        (m) => ((m.files as { path: string }[])[0].path = "notes.txt"),
        /not a \.csv, \.jsonl, \.parquet file in a format folder/,
      ],
      [(m) => delete m.counts, /"counts" must be an object/],
      [(m) => (m.users = 0), /"users" must be an integer from 1/],
      [(m) => (m.sessions = 1e15), /"sessions" must be an integer from 1/],
      [
        (m) => (m.formats = ["raw", "bogus"]),
        /"formats" must be a non-empty list/,
      ],
    ];
    for (const [edit, pattern] of cases) {
      Deno.writeTextFileSync(p, original);
      editManifest(ds.dir, edit);
      assert.throws(() => verifyDataset(ds.dir), (e: Error) => {
        assert.ok(e instanceof UsageError, e.message);
        assert.match(e.message, pattern);
        return true;
      });
    }
    Deno.writeTextFileSync(p, original);
    const file = runMain(perms(ds.dir), [
      "verify",
      `${ds.dir}/raw/turns.jsonl`,
    ]);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /is a file, not a dataset folder/);
    // In this process: the same runCli, without the start-up.
    const empty = await runCliInProcess(["verify", ""]);
    assert.equal(empty.code, 2);
  } finally {
    ds.cleanup();
  }
});

Deno.test("validate: damaged files are exit 2; count mismatches and tampering fail", async () => {
  const ds = generateTemp({ sessions: 60, users: 20, seed: 43 });
  const save = (rel: string) => Deno.readFileSync(`${ds.dir}/${rel}`);
  try {
    // A fact file cut mid-line.
    const ft = save("star/fact_turn.csv");
    Deno.writeFileSync(
      `${ds.dir}/star/fact_turn.csv`,
      ft.subarray(0, ft.length - 30),
    );
    await assert.rejects(
      () => validateDataset(ds.dir),
      /a row has \d+ fields, the header 16/,
    );
    Deno.writeFileSync(`${ds.dir}/star/fact_turn.csv`, ft);
    // A dim_user row with an extra column.
    const du = save("star/dim_user.csv");
    const lines = new TextDecoder().decode(du).split("\n");
    lines[3] += ",extra";
    Deno.writeTextFileSync(`${ds.dir}/star/dim_user.csv`, lines.join("\n"));
    await assert.rejects(() => validateDataset(ds.dir), UsageError);
    // An empty dim_user: the users rule fails instead of passing silently.
    Deno.writeTextFileSync(
      `${ds.dir}/star/dim_user.csv`,
      new TextDecoder().decode(du).split("\n")[0] + "\n",
    );
    const r = await validateDataset(ds.dir);
    assert.equal(r.pass, false);
    assert.ok(
      r.rules.some((x) => !x.pass && x.rule.startsWith("users read equal")),
    );
    Deno.writeFileSync(`${ds.dir}/star/dim_user.csv`, du);
    // A missing fact file.
    Deno.renameSync(`${ds.dir}/star/fact_session.csv`, `${ds.dir}/fs.bak`);
    await assert.rejects(
      () => validateDataset(ds.dir),
      /star\/fact_session\.csv is missing/,
    );
    Deno.renameSync(`${ds.dir}/fs.bak`, `${ds.dir}/star/fact_session.csv`);
    // Parameters that are not the config text: a failed rule.
    editManifest(ds.dir, (m) => ((m.parameters as { seed: number }).seed = 1));
    const t = await validateDataset(ds.dir);
    assert.ok(
      t.rules.some((x) =>
        !x.pass && x.rule.startsWith("manifest inputs agree")
      ),
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("validate neither writes through nor replaces a symlinked report: a warning, exit = verdict", () => {
  const ds = generateTemp({ sessions: 30, users: 10, seed: 44 });
  const victim = Deno.makeTempFileSync();
  try {
    Deno.writeTextFileSync(victim, "keep me\n");
    Deno.symlinkSync(victim, `${ds.dir}/validation.md`);
    const r = runMain(perms(ds.dir), ["validate", ds.dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(Deno.readTextFileSync(victim), "keep me\n");
    // Not a report chatsynth wrote: left as it is, and nothing written beside it.
    assert.ok(Deno.lstatSync(`${ds.dir}/validation.md`).isSymlink);
    assert.match(
      r.stderr,
      /^warning: Cannot write the validation report ".*\/validation\.md": it is a symbolic link, and is not a report chatsynth wrote/m,
    );
    assert.ok(!listFiles(ds.dir).includes("validation.json"));
  } finally {
    ds.cleanup();
    Deno.removeSync(victim);
  }
});

Deno.test("--from-manifest: any file name; a different fingerprint replaces nothing", async () => {
  const ds = generateTemp({ sessions: 30, users: 10, seed: 45 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-fm-" });
  try {
    Deno.copyFileSync(`${ds.dir}/manifest.json`, `${tmp}/mymanifest.json`);
    const ok = runMain(perms(tmp), [
      "--from-manifest",
      `${tmp}/mymanifest.json`,
      "--out",
      `${tmp}/a`,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    // The refusals in this process: the same runCli, without the start-up.
    const missing = await runCliInProcess([
      "--from-manifest",
      `${tmp}/nope.json`,
      "--out",
      `${tmp}/b`,
    ]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /No manifest at ".*nope\.json": no such file or folder/,
    );
    // A wrong fingerprint: exit 1 and the target (here the original) is untouched.
    const before = listFiles(ds.dir).map((
      f,
    ) => [f, Deno.readTextFileSync(`${ds.dir}/${f}`)]);
    editManifest(
      ds.dir,
      (m) => claimOtherDataset(m as Parameters<typeof claimOtherDataset>[0]),
    );
    const after = listFiles(ds.dir).map((
      f,
    ) => [f, Deno.readTextFileSync(`${ds.dir}/${f}`)]);
    const wrong = await runCliInProcess([
      "--from-manifest",
      ds.dir,
      "--out",
      ds.dir,
      "--force",
    ]);
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(
      wrong.stderr,
      /differs from the manifest's.*nothing was written/,
    );
    assert.deepEqual(
      listFiles(ds.dir).map((
        f,
      ) => [f, Deno.readTextFileSync(`${ds.dir}/${f}`)]),
      after,
    );
    assert.equal(before.length, after.length);
    // A config text that no longer matches its SHA-256: unusable input.
    editManifest(
      ds.dir,
      (m) => ((m.config as { text: string }).text += "\n# edited\n"),
    );
    const tampered = await runCliInProcess([
      "--from-manifest",
      ds.dir,
      "--out",
      `${tmp}/c`,
    ]);
    assert.equal(tampered.code, 2);
    assert.match(tampered.stderr, /does not match its recorded SHA-256/);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a manifest whose counts contradict its file rows is refused at once (exit 2), not regenerated for months", () => {
  const ds = generateTemp({ sessions: 20, users: 10, seed: 5 });
  const p = `${ds.dir}/manifest.json`;
  const original = Deno.readTextFileSync(p);
  try {
    // Rows as a strict parser counts them on disk: the manifest listed these.
    const rows = (f: string) => readCsv(`${ds.dir}/${f}`).rows.length;
    const sessionRows = rows("snowflake/fact_session.csv");
    const userRows = rows("snowflake/dim_user.csv");
    const huge = 100_000_000_000;
    type Counts = {
      sessions: number;
      users: number;
      counts: Record<string, number>;
      parameters: Record<string, number>;
    };
    const cases: [(m: Counts) => void, RegExp][] = [
      [
        (m) => {
          m.sessions = m.counts.sessions = m.parameters.sessions = huge;
        },
        new RegExp(
          `"snowflake/fact_session\\.csv" with ${sessionRows} rows, but counts\\.sessions is ${huge}$`,
        ),
      ],
      [
        (m) => (m.sessions = huge),
        /"sessions" is 100000000000, but counts\.sessions is 20$/,
      ],
      [
        (m) => {
          m.users = m.counts.users = 7;
        },
        new RegExp(
          `"snowflake/dim_user\\.csv" with ${userRows} rows, but counts\\.users is 7$`,
        ),
      ],
      [
        (m) => (m.counts.turns += 1),
        /"raw\/turns\.jsonl" with \d+ rows, but counts\.turns is \d+$/,
      ],
    ];
    for (const [edit, pattern] of cases) {
      Deno.writeTextFileSync(p, original);
      editManifest(ds.dir, (m) => edit(m as unknown as Counts));
      // A time limit, so that a regression fails instead of hanging the suite.
      const run = (args: string[]) => {
        const r = new Deno.Command("timeout", {
          args: [
            "120",
            Deno.execPath(),
            "run",
            ...perms(ds.dir),
            "main.ts",
            ...args,
          ],
          cwd: ROOT,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).outputSync();
        return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
      };
      const v = run(["verify", ds.dir]);
      assert.equal(v.code, 2, v.stderr);
      assert.match(v.stderr.trimEnd(), pattern);
      assert.match(
        v.stderr,
        /^error: Cannot verify ".*": manifest\.json is damaged, /,
      );
      assert.equal(v.stderr.split("\n").length, 2, v.stderr);
      const g = run(["--from-manifest", ds.dir, "--out", `${ds.dir}/../again`]);
      assert.equal(g.code, 2, g.stderr);
      assert.match(g.stderr.trimEnd(), pattern);
      assert.equal(
        listFiles(`${ds.dir}/..`).some((f) => f.startsWith("again")),
        false,
      );
    }
  } finally {
    ds.cleanup();
  }
});
