/**
 * Output that cannot be written (a full disk, here `/dev/full`, which fails every write
 * with ENOSPC) is an I/O error, never a crash: one line on stderr naming the stream
 * and the OS error, exit code 2 where the command would have given 0, and a failed
 * check keeps its own code. Standard error that cannot be written is dropped and the
 * exit code kept. Oracles: bash's exit status and the stderr text.
 */
import assert from "node:assert/strict";
import { ROOT } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

// Asked of the shell: Deno itself needs --allow-all to stat a device.
const hasDevFull = new Deno.Command("bash", {
  args: ["-c", "test -c /dev/full"],
}).outputSync().success;

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Run main.ts under bash with `redirect` appended (e.g. `>/dev/full`). */
function shell(
  perms: string[],
  args: string[],
  redirect: string,
): { code: number; stderr: string } {
  const cmd = [Deno.execPath(), "run", ...perms, "main.ts", ...args].map(q)
    .join(" ");
  const r = new Deno.Command("bash", {
    args: ["-c", `${cmd} ${redirect}`],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

const ENOSPC_LINE =
  /^error: cannot write to standard output: No space left on device \(os error 28\)\n$/;

Deno.test({
  name:
    "stdout on a full device: one error line, exit 2 (or the failed check's 1)",
  ignore: !hasDevFull,
  async fn() {
    const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-full-" });
    const out = `${tmp}/ds`;
    try {
      const perms = ["--allow-read", `--allow-write=${tmp}`, "--allow-env"];
      // Set-up and the final check in this process (the same runCli, without the
      // start-up); every run onto /dev/full in a subprocess.
      const g = await runCliInProcess([
        ...["--sessions", "20", "--users", "10", "--out", out],
      ]);
      assert.equal(g.code, 0, g.stderr);
      const cases: [string, string[], number][] = [
        ["--help", ["--help"], 2],
        ["verify", ["verify", out], 2],
        ["validate", ["validate", out, "--report", `${tmp}/rep`], 2],
        ["generate", [
          ...["--sessions", "20", "--users", "10", "--out", `${tmp}/ds3`],
        ], 2],
      ];
      for (const [what, args, code] of cases) {
        const r = shell(perms, args, ">/dev/full");
        assert.equal(r.code, code, `${what}: ${r.stderr}`);
        assert.match(r.stderr, ENOSPC_LINE, what);
      }
      // The generated dataset is complete even though its summary was lost.
      assert.equal((await runCliInProcess(["verify", `${tmp}/ds3`])).code, 0);

      // A failing verify keeps its exit code 1.
      const path = `${out}/star/dim_intent.csv`;
      Deno.writeTextFileSync(path, Deno.readTextFileSync(path) + "x\n");
      const bad = shell(perms, ["verify", out], ">/dev/full");
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr, ENOSPC_LINE);
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "stderr on a full device: the message is dropped, the exit code kept",
  ignore: !hasDevFull,
  fn() {
    const perms = ["--allow-read", "--allow-env"];
    const usage = shell(perms, ["verify", "nonexist-folder"], "2>/dev/full");
    assert.equal(usage.code, 2);
    const both = shell(perms, ["--help"], ">/dev/full 2>/dev/full");
    assert.equal(both.code, 2);
  },
});
