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

Deno.test("a CRLF copy of config.yaml gives the same data files, and verify and --from-manifest reproduce it", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-crlf-" });
  const counts = { sessions: 40, users: 15 };
  const lf = generateTemp(counts);
  try {
    const lfText = Deno.readTextFileSync(`${ROOT}/config.yaml`);
    assert.ok(!lfText.includes("\r"), "config.yaml is checked out with LF");
    const crlfPath = `${tmp}/config.yaml`;
    Deno.writeTextFileSync(crlfPath, lfText.replaceAll("\n", "\r\n"));
    const crlf = generateTemp(counts, crlfPath);
    try {
      // The data files: the same names and the same bytes, compared on disk.
      const data = (dir: string) =>
        listFiles(dir).filter((f) => f.includes("/"));
      assert.deepEqual(data(crlf.dir), data(lf.dir));
      assert.ok(data(lf.dir).length >= 26, "raw, star and snowflake files");
      for (const f of data(lf.dir)) {
        assert.deepEqual(
          Deno.readFileSync(`${crlf.dir}/${f}`),
          Deno.readFileSync(`${lf.dir}/${f}`),
          f,
        );
      }
      // The manifest records the config as it is: CRLF text, and the SHA-256 the
      // independent tool computes for the CRLF file (not the LF one's).
      const m = JSON.parse(Deno.readTextFileSync(`${crlf.dir}/manifest.json`));
      assert.equal(m.config.text, Deno.readTextFileSync(crlfPath));
      assert.equal(m.config.sha256, sha256sum(crlfPath));
      assert.notEqual(m.config.sha256, sha256sum(`${ROOT}/config.yaml`));
      ok("sha256sum", ["-c", "--strict", "--quiet", "SHA256SUMS"], crlf.dir);
      // verify regenerates from the recorded CRLF text; --from-manifest rebuilds it.
      const perms = [
        "--allow-read",
        `--allow-write=${tmp}/again,${tmp}/again.partial`,
        "--allow-env",
      ];
      const v = runMain(perms, ["verify", "--quiet", crlf.dir]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      const again = runMain(perms, [
        "--from-manifest",
        `${crlf.dir}/manifest.json`,
        "--out",
        `${tmp}/again`,
        "--quiet",
      ]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal(
        Deno.readTextFileSync(`${tmp}/again/SHA256SUMS`),
        Deno.readTextFileSync(`${crlf.dir}/SHA256SUMS`),
      );
    } finally {
      crlf.cleanup();
    }
  } finally {
    lf.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});
