/**
 * The output folder is safe: `--force` replaces only an empty folder or a chatsynth
 * dataset and nothing else, never the current, home, root or config folder; a
 * symlinked `--out` is written where the link points; and the messages name folders
 * without doubled slashes and count with the right noun form. Every check goes
 * through the file system, `sha256sum -c` or the subprocess's exit code.
 */
import assert from "node:assert/strict";
import { listFiles, ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { StagedOutput } from "../lib/output_dir.ts";
import { UsageError } from "../lib/errors.ts";

const ALL = ["-A"];
const SMALL = ["--sessions", "20", "--users", "5", "--formats", "raw"];

/**
 * Every entry below `dir` (hidden ones included) with its bytes, or the text of a
 * symbolic link (never followed), for before/after comparisons.
 */
function snapshot(dir: string, prefix = ""): [string, string][] {
  const out: [string, string][] = [];
  for (const e of Deno.readDirSync(prefix ? `${dir}/${prefix}` : dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isSymlink) {
      out.push([rel, `-> ${Deno.readLinkSync(`${dir}/${rel}`)}`]);
    } else if (e.isDirectory) out.push([`${rel}/`, ""], ...snapshot(dir, rel));
    else out.push([rel, Deno.readTextFileSync(`${dir}/${rel}`)]);
  }
  return out.sort((a, b) => a[0] < b[0] ? -1 : 1);
}

/** `sha256sum -c SHA256SUMS` run in `dir`: the independent integrity verdict. */
function sha256sumOk(dir: string): boolean {
  return new Deno.Command("sha256sum", {
    args: ["-c", "--quiet", "SHA256SUMS"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).outputSync().success;
}

function assertRefused(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  const lines = r.stderr.split("\n").filter((l) => l && !/Warning/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "stack trace printed");
}

/** A copy of the project (source, lock, config, a `.git` and a notes file). */
function projectCopy(parent: string): string {
  const repo = `${parent}/repo`;
  Deno.mkdirSync(`${repo}/.git`, { recursive: true });
  for (const f of ["main.ts", "deno.json", "deno.lock", "config.yaml"]) {
    Deno.copyFileSync(`${ROOT}/${f}`, `${repo}/${f}`);
  }
  const cp = new Deno.Command("cp", { args: ["-R", `${ROOT}/lib`, repo] })
    .outputSync();
  assert.ok(cp.success);
  Deno.writeTextFileSync(`${repo}/.git/HEAD`, "ref: refs/heads/main\n");
  Deno.writeTextFileSync(`${repo}/notes.txt`, "my notes\n");
  return repo;
}

Deno.test("--force never replaces the current folder or a folder containing it", () => {
  const tmp = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "chatsynth-force-" }),
  );
  try {
    const repo = projectCopy(tmp);
    Deno.symlinkSync(repo, `${tmp}/alias`);
    Deno.symlinkSync(tmp, `${tmp}/up`);
    const before = snapshot(tmp);
    for (
      const out of [
        repo,
        `${repo}/`,
        ".",
        "..",
        `${tmp}/alias`,
        `${tmp}/up/repo`,
      ]
    ) {
      const r = runMain(ALL, [...SMALL, "--out", out, "--force"], {}, repo);
      assertRefused(r, /current folder/);
      assert.match(r.stderr, /never replaces it/);
    }
    // Nothing was touched: every file as before, no staging folder anywhere.
    assert.deepEqual(snapshot(tmp), before);
    assert.deepEqual(
      [...Deno.readDirSync(tmp)].map((e) => e.name).sort(),
      ["alias", "repo", "up"],
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("--force never replaces the home folder, the root or the config file's folder", () => {
  const tmp = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "chatsynth-force-" }),
  );
  try {
    const home = `${tmp}/home`;
    Deno.mkdirSync(home);
    Deno.writeTextFileSync(`${home}/.profile`, "# mine\n");
    const cfg = `${tmp}/cfg`;
    Deno.mkdirSync(cfg);
    Deno.copyFileSync(`${ROOT}/config.yaml`, `${cfg}/config.yaml`);
    const before = snapshot(tmp);
    // HOME moved; Deno's cache stays where it is.
    const denoDir = Deno.env.get("DENO_DIR") ??
      `${Deno.env.get("HOME")}/.cache/deno`;
    const h = runMain(ALL, [...SMALL, "--out", home, "--force"], {
      HOME: home,
      DENO_DIR: denoDir,
    });
    assertRefused(h, /is the home folder/);
    const c = runMain(ALL, [
      ...SMALL,
      "--config",
      `${cfg}/config.yaml`,
      "--out",
      `${cfg}/`,
      "--force",
    ]);
    assertRefused(c, /config file/);
    // The root: writing is granted only inside the temporary folder, so even a
    // failed check could not change anything outside it.
    const root = runMain(
      ["--allow-read", "--allow-env", `--allow-write=${tmp}`],
      [...SMALL, "--out", "/", "--force"],
    );
    assertRefused(root, /"\/" is the root folder/);
    assert.deepEqual(snapshot(tmp), before);
    assert.deepEqual(
      [...Deno.readDirSync(tmp)].map((e) => e.name).sort(),
      ["cfg", "home"],
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("--force refuses a dataset folder holding anything chatsynth did not write, naming it", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-force-" });
  const ds = `${tmp}/ds`;
  // The first refusal runs in a subprocess (the process's exit code and stderr), the
  // other runs in this process (the same runCli, without a second of start-up each).
  try {
    assert.equal((await runCliInProcess([...SMALL, "--out", ds])).code, 0);
    const cases: [() => void, () => void, RegExp][] = [
      [
        () => Deno.writeTextFileSync(`${ds}/notes.txt`, "mine\n"),
        () => Deno.removeSync(`${ds}/notes.txt`),
        /holds "notes\.txt", which chatsynth did not write/,
      ],
      [
        () => Deno.mkdirSync(`${ds}/raw/more`),
        () => Deno.removeSync(`${ds}/raw/more`),
        /holds the folder "raw\/more"/,
      ],
      [
        () => Deno.symlinkSync("/etc/hostname", `${ds}/star`),
        () => Deno.removeSync(`${ds}/star`),
        /holds "star", a symbolic link/,
      ],
    ];
    for (const [i, [add, remove, pattern]] of cases.entries()) {
      add();
      const before = snapshot(ds);
      const args = [...SMALL, "--out", ds, "--force"];
      const r = i === 0 ? runMain(ALL, args) : await runCliInProcess(args);
      assertRefused(r, pattern);
      assert.deepEqual(snapshot(ds), before);
      assert.ok(sha256sumOk(ds), "the old dataset is intact");
      assert.deepEqual(listFiles(tmp).filter((f) => !f.startsWith("ds/")), []);
      remove();
    }
    // A manifest of another generator, or no usable manifest: not a dataset.
    const m = JSON.parse(Deno.readTextFileSync(`${ds}/manifest.json`));
    const original = Deno.readTextFileSync(`${ds}/manifest.json`);
    m.generator.name = "othergen";
    Deno.writeTextFileSync(`${ds}/manifest.json`, JSON.stringify(m));
    assertRefused(
      await runCliInProcess([...SMALL, "--out", ds, "--force"]),
      /manifest\.json of another generator \("othergen"\)/,
    );
    Deno.writeTextFileSync(`${ds}/manifest.json`, "{");
    assertRefused(
      await runCliInProcess([...SMALL, "--out", ds, "--force"]),
      /not a usable chatsynth manifest/,
    );
    Deno.writeTextFileSync(`${ds}/manifest.json`, original);
    // A validation.md chatsynth did not write stays (refused, as any foreign file).
    Deno.writeTextFileSync(`${ds}/validation.md`, "# report\n");
    assertRefused(
      await runCliInProcess([...SMALL, "--out", ds, "--force", "--seed", "9"]),
      /holds "validation\.md", which is not a report chatsynth wrote/,
    );
    assert.equal(Deno.readTextFileSync(`${ds}/validation.md`), "# report\n");
    Deno.removeSync(`${ds}/validation.md`);
    // The reports chatsynth writes beside a dataset go with it.
    assert.equal((await runCliInProcess(["validate", ds])).code, 0);
    assert.ok(listFiles(ds).includes("validation.md"));
    const ok = await runCliInProcess([
      ...SMALL,
      "--out",
      ds,
      "--force",
      "--seed",
      "9",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!listFiles(ds).includes("validation.md"));
    assert.ok(!listFiles(ds).includes("validation.json"));
    assert.ok(sha256sumOk(ds));
    assert.equal(
      JSON.parse(Deno.readTextFileSync(`${ds}/manifest.json`)).seed,
      9,
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a symlinked --out is written where it points; the link stays a link", async () => {
  const tmp = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "chatsynth-link-" }),
  );
  try {
    const target = `${tmp}/disk/data`;
    Deno.mkdirSync(target, { recursive: true });
    Deno.mkdirSync(`${tmp}/proj`);
    Deno.symlinkSync("../disk/data", `${tmp}/proj/out`);
    const first = runMain(ALL, [...SMALL, "--out", `${tmp}/proj/out`]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(Deno.lstatSync(`${tmp}/proj/out`).isSymlink);
    assert.ok(sha256sumOk(target));
    assert.deepEqual(listFiles(`${target}/raw`), ["turns.jsonl"]);
    // --force onto the non-empty target replaces its files, none stay behind (this
    // and the runs below in this process: the same runCli, without the start-up).
    const again = await runCliInProcess([
      "--sessions",
      "20",
      "--users",
      "5",
      "--formats",
      "star",
      "--out",
      `${tmp}/proj/out/`,
      "--force",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(Deno.lstatSync(`${tmp}/proj/out`).isSymlink);
    assert.ok(sha256sumOk(target));
    assert.ok(!listFiles(target).some((f) => f.startsWith("raw/")));
    // Staging happened beside the target and left nothing behind.
    assert.deepEqual(
      [...Deno.readDirSync(`${tmp}/disk`)].map((e) => e.name),
      ["data"],
    );
    assert.deepEqual(
      [...Deno.readDirSync(`${tmp}/proj`)].map((e) => e.name),
      ["out"],
    );
    // A link to nothing is refused and left as it is.
    Deno.symlinkSync("nowhere", `${tmp}/proj/dangling`);
    assertRefused(
      await runCliInProcess([...SMALL, "--out", `${tmp}/proj/dangling`]),
      /symbolic link to "nowhere", which does not exist/,
    );
    assert.ok(Deno.lstatSync(`${tmp}/proj/dangling`).isSymlink);
    assert.deepEqual(
      [...Deno.readDirSync(`${tmp}/proj`)].map((e) => e.name).sort(),
      ["dangling", "out"],
    );
    // A path whose parent is a link: written inside the link's target folder.
    Deno.symlinkSync(`${tmp}/disk`, `${tmp}/alias`);
    const viaParent = await runCliInProcess([
      ...SMALL,
      "--out",
      `${tmp}/alias/ds`,
    ]);
    assert.equal(viaParent.code, 0, viaParent.stderr);
    assert.ok(sha256sumOk(`${tmp}/disk/ds`));
    assert.deepEqual(
      [...Deno.readDirSync(`${tmp}/disk`)].map((e) => e.name).sort(),
      ["data", "ds"],
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("--from-manifest with --force: its own dataset folder yes, any other folder no", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-fromm-" });
  const ds = `${tmp}/ds`;
  const mine = `${tmp}/mine`;
  try {
    assert.equal((await runCliInProcess([...SMALL, "--out", ds])).code, 0);
    Deno.mkdirSync(mine);
    Deno.writeTextFileSync(`${mine}/thesis.tex`, "\\section{}\n");
    const refused = runMain(ALL, [
      "--from-manifest",
      `${ds}/manifest.json`,
      "--out",
      mine,
      "--force",
    ]);
    assertRefused(refused, /holds "thesis\.tex" and no manifest\.json/);
    assert.deepEqual(listFiles(mine), ["thesis.tex"]);
    // In this process: the same runCli, without a second of start-up.
    const again = await runCliInProcess([
      ...["--from-manifest", ds, "--out", ds, "--force"],
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Reproduced/);
    assert.ok(sha256sumOk(ds));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("the folder is checked again at commit time; a refusal there touches nothing", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-commit-" });
  try {
    const target = `${tmp}/ds`;
    Deno.mkdirSync(target);
    const staged = new StagedOutput(target, true);
    Deno.writeTextFileSync(staged.path("manifest.json"), "{}\n");
    // Someone puts a file into the (empty) target while the run is writing.
    Deno.writeTextFileSync(`${target}/notes.txt`, "mine\n");
    assert.throws(
      () => staged.commit(),
      (e: Error) =>
        e instanceof UsageError &&
        /changed while this run was writing.*"notes\.txt"/.test(e.message),
    );
    assert.deepEqual(listFiles(tmp), ["ds/notes.txt"]);
    assert.equal(Deno.readTextFileSync(`${target}/notes.txt`), "mine\n");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a trailing . is resolved to the folder it names; a symlinked staging folder is refused", () => {
  const tmp = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "chatsynth-dots-" }),
  );
  try {
    Deno.mkdirSync(`${tmp}/ds`);
    const staged = new StagedOutput(`${tmp}/ds/.`, false);
    // Staged beside ds, not inside it (where the final rename could not work).
    assert.equal(staged.workRoot, `${tmp}/ds.partial`);
    staged.abort();
    assert.deepEqual(
      [...Deno.readDirSync(tmp)].map((e) => e.name),
      ["ds"],
    );
    Deno.mkdirSync(`${tmp}/elsewhere`);
    Deno.symlinkSync(`${tmp}/elsewhere`, `${tmp}/out.partial`);
    assert.throws(
      () => new StagedOutput(`${tmp}/out`, false),
      (e: Error) =>
        e instanceof UsageError &&
        /"[^"]*out\.partial" exists and is a symbolic link/.test(e.message),
    );
    assert.deepEqual(listFiles(`${tmp}/elsewhere`), []);
    assert.ok(!listFiles(tmp).some((f) => f.startsWith("out/")));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("messages name folders without doubled slashes and count in the singular for one", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-words-" });
  const ds = `${tmp}/ds`;
  try {
    const g = runMain(ALL, [
      "--sessions",
      "1",
      "--users",
      "1",
      "--formats",
      "raw",
      "--out",
      `${ds}//`,
      "--validate",
    ]);
    assert.ok(g.code === 0 || g.code === 1, g.stderr);
    // The counts the message must state, from the file system.
    const turns = Deno.readTextFileSync(`${ds}/raw/turns.jsonl`).split("\n")
      .length - 1;
    const dataFiles = listFiles(ds).filter((f) => f.startsWith("raw/"));
    assert.equal(dataFiles.length, 1);
    const turnWord = turns === 1 ? "1 turn" : `${turns} turns`;
    assert.ok(
      g.stdout.includes(
        `Wrote 1 session, ${turnWord}, 1 user to ${ds}/ (raw; 1 file, `,
      ),
      g.stdout,
    );
    assert.ok(
      g.stdout.includes(
        `Report: ${ds}/validation.md, ${ds}/validation.json and ${ds}/report.html`,
      ),
      g.stdout,
    );
    const report = Deno.readTextFileSync(`${ds}/validation.md`);
    assert.ok(
      report.includes(`seed 20251130, 1 session, 1 user, ${turnWord} (`),
    );
    // In this process: the same runCli, without a second of start-up.
    const v = await runCliInProcess(["verify", `${ds}///`]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    // Checked for integrity: every file but manifest.json and the reports.
    const metadata = listFiles(ds).filter((f) =>
      !f.startsWith("raw/") && !f.startsWith("validation.") &&
      f !== "report.html" && f !== "manifest.json"
    ).length;
    assert.ok(v.stdout.includes(`Integrity: files in ${ds}/ against`));
    assert.ok(v.stdout.includes("(seed 20251130, 1 session, 1 user, raw)"));
    assert.ok(
      v.stdout.includes(
        `verify: OK, ${metadata + 1} files intact and 1 data file reproduced`,
      ),
      v.stdout,
    );
    for (const out of [g.stdout, g.stderr, v.stdout, v.stderr, report]) {
      assert.doesNotMatch(out, /[^:]\/\/|\b1 (files|sessions|users)\b|\(s\)/);
    }
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
