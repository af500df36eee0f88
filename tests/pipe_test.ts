/**
 * A closed pipe is not an error: when the reader of stdout or stderr goes away
 * (`| head -1`, `| true`), the command keeps its real exit code and prints no stack
 * trace. Oracles: bash's PIPESTATUS (the exit code of the first command of the
 * pipeline) and the stderr text.
 */
import assert from "node:assert/strict";
import { ROOT } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";

/** `bash -c`: the pipeline's first command's exit code, and stderr. */
function pipeline(script: string): { code: number; stderr: string } {
  const r = new Deno.Command("bash", {
    args: ["-c", `${script}; exit "\${PIPESTATUS[0]}"`],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function deno(perms: string[], args: string[]): string {
  return [Deno.execPath(), "run", ...perms, "main.ts", ...args].map(q).join(
    " ",
  );
}

function assertClean(what: string, stderr: string): void {
  assert.doesNotMatch(stderr, /Uncaught|BrokenPipe|\n\s+at /, what);
}

Deno.test("verify, validate, --help and generate piped into a reader that quits keep their exit codes", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-pipe-" });
  const out = `${tmp}/ds`;
  try {
    const perms = [
      "--allow-read",
      `--allow-write=${out},${out}.partial`,
      "--allow-env",
    ];
    // The dataset in this process (the same runCli, without the start-up); every
    // pipeline runs main.ts in its own process.
    const g = await runCliInProcess([
      ...["--sessions", "300", "--users", "100", "--out", out],
    ]);
    assert.equal(g.code, 0, g.stderr);

    const cases: [string, string, number][] = [
      // `true` never reads: every write to stdout meets a closed pipe.
      ["verify | true", `${deno(perms, ["verify", out])} | true`, 0],
      ["verify | head -1", `${deno(perms, ["verify", out])} | head -1`, 0],
      ["validate | true", `${deno(perms, ["validate", out])} | true`, 0],
      ["--help | head -1", `${deno(perms, ["--help"])} | head -1`, 0],
      ["--help | true", `${deno(perms, ["--help"])} | true`, 0],
      ["--version | true", `${deno(perms, ["--version"])} | true`, 0],
      [
        "generate | head -c1",
        `${
          deno(perms, ["--sessions", "50", "--out", out, "--force"])
        } | head -c1`,
        0,
      ],
      [
        "generate | true",
        `${deno(perms, ["--sessions", "50", "--out", out, "--force"])} | true`,
        0,
      ],
      // stderr closed too: the usage error is lost, its exit code is not.
      ["usage error 2>&1 | true", `${deno(perms, ["--bogus"])} 2>&1 | true`, 2],
    ];
    for (const [what, script, code] of cases) {
      const r = pipeline(script);
      assert.equal(r.code, code, `${what}: ${r.stderr}`);
      assertClean(what, r.stderr);
    }

    // A failing verify keeps exit code 1 with stdout closed.
    const path = `${out}/star/dim_intent.csv`;
    Deno.writeTextFileSync(path, Deno.readTextFileSync(path) + "x\n");
    const bad = pipeline(`${deno(perms, ["verify", out])} | true`);
    assert.equal(bad.code, 1, bad.stderr);
    assertClean("failing verify | true", bad.stderr);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
