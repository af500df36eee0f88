/**
 * Messages at the edges name what is wrong in one sentence: where a chain of
 * symbolic links ends, a loop of links, a `--report` link to nothing, a damaged CSV
 * row (file, line, field counts), and the Deno permission that is missing. Oracles:
 * the subprocess's exit code and stderr, and the files as a strict CSV parser and
 * the file system see them.
 */
import assert from "node:assert/strict";
import { generateTemp, readCsv, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

const PERMS = ["--allow-read", "--allow-write", "--allow-env"];

function assertOneLine(stderr: string, what: string): void {
  assert.equal(stderr.split("\n").length, 2, `${what}: ${stderr}`);
  assert.doesNotMatch(stderr, /os error|Uncaught|\n\s+at /, what);
}

Deno.test("symbolic links that lead nowhere are named as such: chain end, loop, --report link", async () => {
  const ds = generateTemp({ sessions: 10, users: 5, seed: 4 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-links-" });
  try {
    Deno.symlinkSync("nowhere", `${tmp}/dang`);
    Deno.symlinkSync("dang", `${tmp}/dang2`);
    Deno.symlinkSync("loopB", `${tmp}/loopA`);
    Deno.symlinkSync("loopA", `${tmp}/loopB`);

    const chain = runMain(PERMS, ["--sessions", "2", "--out", `${tmp}/dang2`]);
    assert.equal(chain.code, 2, chain.stderr);
    assertOneLine(chain.stderr, "chain");
    assert.equal(
      chain.stderr,
      `error: Output folder "${tmp}/dang2" is a symbolic link to "dang", which is a symbolic link to "nowhere", which does not exist; create that folder or choose another --out\n`,
    );

    // The other cases in this process: the same runCli, without the start-up.
    const loop = await runCliInProcess([
      ...["--sessions", "2", "--out", `${tmp}/loopA`],
    ]);
    assert.equal(loop.code, 2, loop.stderr);
    assertOneLine(loop.stderr, "loop");
    assert.match(
      loop.stderr,
      /^error: Output folder ".*\/loopA" is a loop of symbolic links \(".*\/loopA" -> "loopB" -> "loopA"\); choose another --out\n$/,
    );

    // verify and validate of a loop: exit 2, one line (verify used to crash).
    for (const cmd of ["verify", "validate"]) {
      const r = await runCliInProcess([cmd, `${tmp}/loopA`]);
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assertOneLine(r.stderr, cmd);
      assert.match(r.stderr, /is a loop of symbolic links/, cmd);
    }
    const v = await runCliInProcess(["verify", `${tmp}/dang2`]);
    assert.equal(v.code, 2, v.stderr);
    assert.match(
      v.stderr,
      /"dang", which is a symbolic link to "nowhere", which does not exist\n$/,
    );

    // --report naming a link to nothing: the verdict's exit code, a warning naming it.
    Deno.symlinkSync("nothere", `${tmp}/rlink`);
    const rep = await runCliInProcess([
      "validate",
      ds.dir,
      "--report",
      `${tmp}/rlink`,
    ]);
    assert.equal(rep.code, 0, rep.stderr);
    assertOneLine(rep.stderr, "--report");
    assert.equal(
      rep.stderr,
      `warning: Cannot write the validation report "${tmp}/rlink": "${tmp}/rlink" is a symbolic link to "nothere", which does not exist; write the report to another folder with --report DIR\n`,
    );
    assert.ok(Deno.lstatSync(`${tmp}/rlink`).isSymlink);
    assert.throws(() => Deno.lstatSync(`${tmp}/nothere`), Deno.errors.NotFound);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a damaged row of star/dim_user.csv: the folder, file, line and both field counts", () => {
  const ds = generateTemp({
    sessions: 20,
    users: 12,
    seed: 6,
    formats: ["star"],
  });
  try {
    const rel = "star/dim_user.csv";
    const path = `${ds.dir}/${rel}`;
    const header = readCsv(path).header.length;
    const lines = Deno.readTextFileSync(path).split("\n");
    for (
      const [line, row, fields] of [[12, "x", 1], [
        3,
        `${lines[2]},y`,
        header + 1,
      ]] as const
    ) {
      const damaged = [...lines];
      damaged[line - 1] = row;
      Deno.writeTextFileSync(path, damaged.join("\n"));
      const r = runMain(PERMS, ["validate", ds.dir, "--report", `${ds.dir}/r`]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        `error: Cannot validate "${path}" line ${line}: ${fields} field${
          fields === 1 ? "" : "s"
        } where the header has ${header} (a damaged file)\n`,
      );
    }
  } finally {
    ds.cleanup();
  }
});

Deno.test("a missing Deno permission names itself and its flag, even under -P", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-perm-" });
  try {
    // -P with another --allow-read: the default read of "." no longer applies.
    const r = runMain(["-P", `--allow-read=${tmp}`], ["--sessions", "2"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr.split("\n").filter((l) => l.startsWith("error:")).join("\n"),
      'error: Cannot read config "config.yaml": Deno has no read access to it (grant it with --allow-read=config.yaml)',
    );
    assert.doesNotMatch(r.stderr, /run with -P/);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
