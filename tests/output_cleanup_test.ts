/**
 * A run that fails or is interrupted leaves the file system as it found it: the
 * parent folders it created for `--out` are removed again (only those, only when
 * empty), and a commit whose final rename fails moves the previous dataset back into
 * place. Oracles: the file system, `sha256sum -c` and the subprocess's exit code.
 */
import assert from "node:assert/strict";
import {
  claimOtherDataset,
  generateTemp,
  listFiles,
  ROOT,
  runMain,
} from "./helpers.ts";
import { StagedOutput } from "../lib/output_dir.ts";
import { UsageError } from "../lib/errors.ts";
import { runCliInProcess } from "./cli_in_process.ts";

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
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

Deno.test("a failing run removes the parent folders it created for --out, and only those", async () => {
  const ds = generateTemp({ sessions: 10, users: 5, seed: 2 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-parents-" });
  try {
    // A (self-consistent) manifest whose fingerprint the regeneration cannot match:
    // the run writes the whole dataset into its staging folder, then fails (exit 1)
    // and aborts.
    const m = JSON.parse(Deno.readTextFileSync(`${ds.dir}/manifest.json`));
    claimOtherDataset(m);
    Deno.writeTextFileSync(`${tmp}/manifest.json`, JSON.stringify(m));
    Deno.mkdirSync(`${tmp}/work/kept`, { recursive: true });
    // The first run in a subprocess (the process's exit code), the others in this
    // process (the same runCli, without the start-up).
    for (
      const [i, out] of [
        `${tmp}/work/newa/newb/ds`, // newa and newb created by the run
        `${tmp}/work/kept/newc/ds`, // newc created, kept (and its file) not
      ].entries()
    ) {
      Deno.writeTextFileSync(`${tmp}/work/kept/mine.txt`, "mine\n");
      const args = ["--from-manifest", `${tmp}/manifest.json`, "--out", out];
      const r = i === 0 ? runMain(["-A"], args) : await runCliInProcess(args);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(listFiles(`${tmp}/work`), ["kept/mine.txt"], out);
    }
    // An empty folder the run did not create stays.
    Deno.removeSync(`${tmp}/work/kept/mine.txt`);
    const r = await runCliInProcess([
      "--from-manifest",
      `${tmp}/manifest.json`,
      "--out",
      `${tmp}/work/kept/ds`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(Deno.statSync(`${tmp}/work/kept`).isDirectory);
    assert.deepEqual([...Deno.readDirSync(`${tmp}/work/kept`)], []);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("SIGINT while writing into new parent folders: exit 130, the folders are gone", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-parents-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", "main.ts", "--sessions", "2000000", "--formats"],
        ...["star", "--out", `${tmp}/newa/newb/ds`],
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Signal once the run's own staging folder exists (polled on the file system).
    const partial = `${tmp}/newa/newb/ds.partial`;
    const deadline = Date.now() + 60_000;
    while (
      !(exists(partial) && [...Deno.readDirSync(partial)].length > 0) &&
      Date.now() < deadline
    ) await new Promise((r) => setTimeout(r, 50));
    assert.ok(exists(partial), "the run never created its staging folder");
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    assert.equal(code, 130, new TextDecoder().decode(stderr));
    assert.deepEqual([...Deno.readDirSync(tmp)], []);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("commit: when the new dataset cannot be renamed into place, the old one is moved back", () => {
  const old = generateTemp({
    sessions: 10,
    users: 5,
    seed: 1,
    formats: ["raw"],
  });
  const fresh = generateTemp({
    sessions: 12,
    users: 5,
    seed: 2,
    formats: ["raw"],
  });
  try {
    const target = old.dir;
    const before = Deno.readTextFileSync(`${target}/SHA256SUMS`);
    for (const restoreFails of [false, true]) {
      const staged = new StagedOutput(target, true);
      for (const f of listFiles(fresh.dir)) {
        Deno.mkdirSync(staged.path(f.slice(0, f.lastIndexOf("/") + 1) || "."), {
          recursive: true,
        });
        Deno.copyFileSync(`${fresh.dir}/${f}`, staged.path(f));
      }
      // The first rename (old dataset aside) succeeds; the second fails, as a full
      // or read-only file system would make it; optionally the way back fails too.
      let calls = 0;
      staged.rename = (from, to) => {
        calls++;
        if (calls === 2 || (restoreFails && calls === 3)) {
          throw new Deno.errors.PermissionDenied("simulated rename failure");
        }
        Deno.renameSync(from, to);
      };
      assert.throws(() => staged.commit(), (e: Error) => {
        assert.ok(e instanceof UsageError, e.message);
        assert.match(
          e.message,
          /^Cannot move the dataset into ".*": permission denied/,
        );
        if (restoreFails) {
          assert.match(
            e.message,
            /the previous dataset could not be moved back and is in ".*-replaced"/,
          );
        }
        return true;
      });
      if (!restoreFails) {
        // The old dataset is back in place, intact; no staging folder is left.
        assert.equal(Deno.readTextFileSync(`${target}/SHA256SUMS`), before);
        assert.ok(sha256sumOk(target));
        assert.ok(!exists(`${target}.partial`));
      } else {
        // Not lost: it is where the message says, intact.
        assert.ok(!exists(target));
        const aside = [...Deno.readDirSync(`${target}.partial`)].map((e) =>
          e.name
        );
        assert.equal(aside.length, 1);
        assert.match(aside[0], /-replaced$/);
        const kept = `${target}.partial/${aside[0]}`;
        assert.equal(Deno.readTextFileSync(`${kept}/SHA256SUMS`), before);
        assert.ok(sha256sumOk(kept));
      }
    }
  } finally {
    old.cleanup();
    fresh.cleanup();
  }
});
