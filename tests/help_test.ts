/**
 * `--help` lists every file a run writes, checked against the files an actual run
 * leaves on disk; its permission recipe runs in a shell exactly as printed.
 */
import assert from "node:assert/strict";
import { listFiles, ROOT, runMain } from "./helpers.ts";
import { REPORT_FILES } from "../lib/manifest/read_manifest.ts";

const help = runMain(["--allow-read", "--allow-env"], ["--help"]);

/**
 * The help's file list, as paths: a line `  star/  a.csv b.csv` lists files in
 * `star/`, `  metadata:  x y` files at the top, and a line indented further
 * continues the line above.
 */
function helpFiles(): Map<string, string[]> {
  assert.equal(help.code, 0, help.stderr);
  const lines = help.stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Files a run writes"));
  assert.ok(start >= 0, "no file list in --help");
  const rows = new Map<string, string[]>();
  let label = "";
  for (const line of lines.slice(start + 1)) {
    if (line === "") break;
    if (!line.startsWith("  ")) continue; // the heading's second line
    const words = line.trim().split(/\s+/);
    if (!line.startsWith("   ")) label = words.shift()!;
    const prefix = label.endsWith("/") ? label : "";
    rows.set(label, [
      ...(rows.get(label) ?? []),
      ...words.map((w) => prefix + w),
    ]);
  }
  return rows;
}

Deno.test("--help lists exactly the files generate --validate writes", () => {
  const rows = helpFiles();
  assert.deepEqual([...rows.keys()], [
    "raw/",
    "star/",
    "snowflake/",
    "metadata:",
    "validate:",
    "bench:",
  ]);
  // bench's reports are written by bench, not generate; verify ignores them by name.
  assert.deepEqual(rows.get("bench:"), ["bench.json", "bench.md", "bench.svg"]);
  for (const f of rows.get("bench:")!) assert.ok(REPORT_FILES.includes(f), f);
  rows.delete("bench:");
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-help-" });
  try {
    const run = (out: string, extra: string[]) =>
      runMain(
        ["--allow-read", "--allow-env", `--allow-write=${tmp}`],
        ["--sessions", "20", "--users", "5", "--out", out, ...extra],
      );
    const all = run(`${tmp}/all`, ["--validate"]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(listFiles(`${tmp}/all`), [...rows.values()].flat().sort());
    // One format: its folder's files and the metadata, nothing else.
    const star = run(`${tmp}/star`, ["--formats", "star"]);
    assert.equal(star.code, 0, star.stderr);
    assert.deepEqual(
      listFiles(`${tmp}/star`),
      [...rows.get("star/")!, ...rows.get("metadata:")!].sort(),
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("the permission recipe in --help runs in sh as printed, on two lines", () => {
  const lines = help.stdout.split("\n");
  const at = lines.findIndex((l) => l.trimStart().startsWith("deno run --"));
  assert.ok(at >= 0, "no recipe in --help");
  // The recipe continues with a backslash at the end of its first line.
  const recipe = lines.slice(at, at + 2).join("\n");
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-help-" });
  try {
    const script = recipe.trim().replace(/^deno /, '"$DENO" ').replaceAll(
      "DIR",
      `${tmp}/ds`,
    ) + " --sessions 5 --users 2";
    const r = new Deno.Command("sh", {
      args: ["-c", script],
      cwd: ROOT,
      env: { DENO: Deno.execPath(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    assert.ok(Deno.statSync(`${tmp}/ds/manifest.json`).isFile);
    assert.ok(lines[at].length <= 80 && lines[at + 1].length <= 80, recipe);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
