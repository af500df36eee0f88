/**
 * Line endings: a checkout made with `core.autocrlf=true` (the Windows default) has
 * every committed file byte for byte (so the config and lock digests in manifests
 * and the golden MANIFEST.md hold), and a config file saved with CRLF line endings
 * gives the same data files as the LF one, while the manifest honestly records the
 * CRLF bytes and their SHA-256 and `verify` and `--from-manifest` still reproduce it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";

const decoder = new TextDecoder();

/** Run a program to completion, with a minimal environment (no GIT_DIR from a hook). */
function run(
  cmd: string,
  args: string[],
  cwd = ROOT,
): { code: number; stdout: Uint8Array; stderr: string } {
  const r = new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      LC_ALL: "C",
    },
  }).outputSync();
  return { code: r.code, stdout: r.stdout, stderr: decoder.decode(r.stderr) };
}

function ok(cmd: string, args: string[], cwd = ROOT): Uint8Array {
  const r = run(cmd, args, cwd);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** `sha256sum FILE`'s hex digest. */
function sha256sum(path: string): string {
  return decoder.decode(ok("sha256sum", ["-b", path])).slice(0, 64);
}

Deno.test({
  name:
    "a checkout with core.autocrlf=true has every committed file's exact bytes",
  // Only a git checkout has something to clone (a source tarball has no .git).
  ignore: !existsSync(`${ROOT}/.git`),
  fn() {
    const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-crlf-" });
    try {
      const clone = `${tmp}/clone`;
      // safe.directory: CI may run as another user than the checkout's owner.
      ok("git", [
        "-c",
        "safe.directory=*",
        "-c",
        "core.autocrlf=true",
        "clone",
        "--quiet",
        ROOT,
        clone,
      ]);
      const git = (...args: string[]) =>
        decoder.decode(
          ok("git", [
            "-c",
            "safe.directory=*",
            "-c",
            "core.autocrlf=true",
            ...args,
          ], clone),
        );
      // Every file's blob id (git's own hash of its committed bytes) against the
      // hash of the bytes checked out, without any conversion.
      const staged = git("ls-files", "-s", "-z").split("\0").filter(Boolean)
        .map((l) => {
          const [meta, path] = l.split("\t");
          return { path, blob: meta.split(" ")[1], mode: meta.split(" ")[0] };
        }).filter((f) => f.mode !== "120000" && f.mode !== "160000");
      assert.ok(staged.length > 20, `${staged.length} files in the clone`);
      const worktree = git(
        "hash-object",
        "--no-filters",
        "--",
        ...staged.map((f) => f.path),
      ).trimEnd().split("\n");
      const changed = staged.filter((f, i) => worktree[i] !== f.blob)
        .map((f) => f.path);
      assert.deepEqual(
        changed,
        [],
        "checked out with other bytes than committed",
      );
      // The two files whose SHA-256 every manifest records, by the independent tool.
      for (const name of ["config.yaml", "deno.lock"]) {
        const committed = `${tmp}/committed-${name}`;
        Deno.writeFileSync(
          committed,
          ok("git", ["cat-file", "blob", `HEAD:${name}`], clone),
        );
        assert.equal(sha256sum(`${clone}/${name}`), sha256sum(committed), name);
        assert.ok(
          !Deno.readTextFileSync(`${clone}/${name}`).includes("\r"),
          name,
        );
      }
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
});
