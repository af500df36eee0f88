/**
 * `validate` always shows its verdict: the verdict and summary go to stdout before
 * the report is written; a report that cannot be written is a warning naming the
 * path and the permission to add, and the exit code is still the verdict;
 * `--report DIR` puts the report elsewhere. A skipped check says why, and no report
 * (Markdown, JSON, terminal) shows NaN, undefined or null.
 */
import assert from "node:assert/strict";
import { generateTemp, listFiles, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { parseCli } from "../lib/cli/args.ts";
import { UsageError } from "../lib/errors.ts";

/** Read access everywhere, write access only to `writable` (none when empty). */
function validateAs(writable: string[], args: string[]) {
  return runMain([
    "--allow-read",
    "--allow-env",
    ...(writable.length ? [`--allow-write=${writable.join(",")}`] : []),
  ], args);
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

const NO_VALUE = /\bNaN\b|\bundefined\b|\bnull\b/;

Deno.test("validate of a folder it may not write: verdict on stdout, warning naming path and permission, exit 0", () => {
  const ds = generateTemp({ sessions: 300, users: 100, seed: 7 });
  try {
    const r = validateAs([], ["validate", ds.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^validate: PASS, /m);
    assert.match(
      r.stderr,
      new RegExp(
        `^warning: Cannot write the validation report "${ds.dir}/validation\\.md": .*--allow-write=${ds.dir} .*--report DIR\\n`,
        "m",
      ),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, "stack trace printed");
    assert.doesNotMatch(r.stderr, /^error:/m);
    assert.ok(!exists(`${ds.dir}/validation.md`));
    assert.ok(!exists(`${ds.dir}/validation.json`));
  } finally {
    ds.cleanup();
  }
});

Deno.test("a failing dataset in a folder it may not write: FAIL verdict shown, warning, exit 1", () => {
  const ds = generateTemp({ sessions: 300, users: 100, seed: 7 });
  try {
    // One turn more in the manifest than in the files: an exact rule fails.
    const path = `${ds.dir}/manifest.json`;
    const m = JSON.parse(Deno.readTextFileSync(path));
    m.counts.turns += 1;
    Deno.writeTextFileSync(path, JSON.stringify(m, null, 2) + "\n");
    const r = validateAs([], ["validate", ds.dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^FAIL {2}turns read equal the manifest's count/m);
    assert.match(r.stdout, /^validate: FAIL, /m);
    assert.match(r.stderr, /^warning: Cannot write the validation report /m);
    assert.ok(!exists(`${ds.dir}/validation.md`));
  } finally {
    ds.cleanup();
  }
});

Deno.test("--report DIR writes the report into DIR (created), nothing into the dataset folder", () => {
  const ds = generateTemp({ sessions: 300, users: 100, seed: 7 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-" });
  try {
    const before = listFiles(ds.dir);
    const dest = `${tmp}/reports/today`;
    const r = validateAs([tmp], ["validate", ds.dir, "--report", `${dest}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.includes("warning"), false, r.stderr);
    assert.deepEqual(listFiles(tmp), [
      "reports/today/report.html",
      "reports/today/validation.json",
      "reports/today/validation.md",
    ]);
    const json = JSON.parse(
      Deno.readTextFileSync(`${dest}/validation.json`),
    );
    assert.equal(json.pass, true);
    assert.match(
      Deno.readTextFileSync(`${dest}/validation.md`),
      /^# chatsynth validation report\n/,
    );
    assert.deepEqual(listFiles(ds.dir), before);
    assert.match(r.stdout, /^validate: PASS, /m);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("--report naming a file, not a folder: a warning naming it, the file untouched, exit 0", () => {
  const ds = generateTemp({ sessions: 3, users: 2, seed: 1 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-" });
  try {
    const file = `${tmp}/notes.txt`;
    Deno.writeTextFileSync(file, "keep\n");
    const r = validateAs([tmp], ["validate", ds.dir, "--report", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^validate: PASS, /m);
    assert.equal(
      r.stderr,
      `warning: Cannot write the validation report "${file}/validation.md": "${file}" is not a folder; write the report to another folder with --report DIR\n`,
    );
    assert.equal(Deno.readTextFileSync(file), "keep\n");
    assert.deepEqual(listFiles(tmp), ["notes.txt"]);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("generate --validate --report DIR: the dataset in --out, the report in DIR", () => {
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-" });
  try {
    const r = validateAs([tmp], [
      "--sessions",
      "20",
      "--users",
      "5",
      "--out",
      `${tmp}/ds`,
      "--validate",
      "--report",
      `${tmp}/rep`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listFiles(`${tmp}/rep`), [
      "report.html",
      "validation.json",
      "validation.md",
    ]);
    assert.ok(
      listFiles(`${tmp}/ds`).every((f) =>
        !f.startsWith("validation") && f !== "report.html"
      ),
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("a tiny dataset: skipped checks give their reason; no NaN, undefined or null in any report", async () => {
  const ds = generateTemp({ sessions: 3, users: 2, seed: 20251130 });
  try {
    const r = await runCliInProcess(["validate", ds.dir]);
    assert.equal(r.code, 0, r.stderr);
    const md = Deno.readTextFileSync(`${ds.dir}/validation.md`);
    const jsonText = Deno.readTextFileSync(`${ds.dir}/validation.json`);
    for (
      const [what, text] of [
        ["validation.md", md],
        ["validation.json", jsonText],
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ]
    ) {
      assert.doesNotMatch(text, NO_VALUE, `${what}: ${NO_VALUE.exec(text)}`);
    }
    const json = JSON.parse(jsonText);
    const skipped = json.checks.filter((c: { skipped?: string }) =>
      c.skipped !== undefined
    );
    assert.ok(skipped.length > 0, "no check was skipped");
    // Among them a check with one value (no sample variance) and one with none.
    assert.ok(skipped.some((c: { n: number }) => c.n === 1));
    assert.ok(skipped.some((c: { n: number }) => c.n === 0));
    const rows = md.split("\n").filter((l) => l.startsWith("| "));
    for (const c of skipped) {
      assert.equal(typeof c.skipped, "string");
      assert.ok(c.skipped.length > 0);
      assert.equal(c.pass, true);
      // The Markdown row: cells split on unescaped "|".
      const row = rows
        .map((l) =>
          l.slice(2, -2).split(/(?<!\\) \| /).map((x) =>
            x.replaceAll("\\|", "|")
          )
        )
        .find((cells) =>
          cells[0] === c.quantity && cells[1] === c.test &&
          cells[7].startsWith("skipped")
        );
      assert.ok(row, `${c.quantity} / ${c.test}: no skipped row`);
      assert.equal(row[7], `skipped (${c.skipped})`);
      // No statistic or p-value is shown for a test that did not run.
      assert.deepEqual([row[2], row[5], row[6]], ["—", "—", "—"]);
      assert.ok(
        r.stdout.includes(
          `SKIP  ${c.quantity}: ${c.test} skipped, ${c.skipped}`,
        ),
        `${c.quantity}: no SKIP line`,
      );
    }
    const ran = json.checks.length - skipped.length;
    assert.match(
      r.stdout,
      new RegExp(
        `^validate: PASS, ${ran}/${ran} statistical checks \\(${skipped.length} more skipped\\)`,
        "m",
      ),
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("parseCli: --report for validate and generate --validate only, never empty", () => {
  assert.equal(parseCli(["validate", "d", "--report", "r"]).report, "r");
  assert.equal(parseCli(["--validate", "--report=r"]).report, "r");
  assert.equal(parseCli(["validate"]).report, undefined);
  for (
    const [argv, message] of [
      [
        ["verify", "--report", "r"],
        "--report does not apply to verify: only validate writes a report",
      ],
      [
        ["--report", "r"],
        '--report "r" applies only with --validate: it names the validation report\'s folder',
      ],
      [
        ["validate", "--report", ""],
        "Invalid value for --report: the folder name is empty",
      ],
      [
        ["validate", "--report", "a", "--report", "b"],
        "--report is given more than once; give it once",
      ],
    ] as [string[], string][]
  ) {
    assert.throws(
      () => parseCli(argv),
      (e) => e instanceof UsageError && e.message === message,
      argv.join(" "),
    );
  }
});

Deno.test("Holm's family is the checks that ran: skipped checks do not inflate the adjustment", async () => {
  // Tiny datasets skip some checks; the test needs one where some adjusted p-value is
  // below 1 (else every family size gives 1), so it tries seeds until one does.
  let tried = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const ds = generateTemp({ sessions: 40, users: 30, seed });
    try {
      const r = await runCliInProcess(["validate", ds.dir]);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const json = JSON.parse(
        Deno.readTextFileSync(`${ds.dir}/validation.json`),
      );
      type C = { pValue: number; pAdjusted: number; skipped?: string };
      const ran: C[] = json.checks.filter((c: C) => c.skipped === undefined);
      const skipped = json.checks.length - ran.length;
      if (skipped === 0 || ran.every((c) => c.pAdjusted === 1)) continue;
      tried++;
      // Holm (1979), written out: sort ascending, q_(k) = max_{j<=k} min(1, (m-j) p_(j)).
      const m = ran.length;
      const order = ran.map((_, i) => i).sort((a, b) =>
        ran[a].pValue - ran[b].pValue
      );
      let running = 0;
      order.forEach((i, k) => {
        running = Math.max(running, Math.min(1, (m - k) * ran[i].pValue));
        assert.ok(
          Math.abs(ran[i].pAdjusted - running) <= 1e-12 * Math.max(1, running),
          `seed ${seed}: adjusted ${
            ran[i].pAdjusted
          }, Holm over the ${m} checks that ran gives ${running}`,
        );
      });
      break;
    } finally {
      ds.cleanup();
    }
  }
  assert.ok(tried > 0, "no seed gave an adjusted p-value below 1");
});

Deno.test("--report never replaces a validation.md, .json or report.html chatsynth did not write: warning naming it, nothing written, exit = verdict", async () => {
  const ds = generateTemp({ sessions: 20, users: 10, seed: 3 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-" });
  try {
    const sha = (path: string) =>
      new TextDecoder().decode(
        new Deno.Command("sha256sum", { args: [path], stdout: "piped" })
          .outputSync().stdout,
      ).slice(0, 64);
    const foreign: [string, string][] = [
      ["validation.md", "my notes\n"],
      ["validation.md", "# chatsynth validation report (my copy, edited)\n"],
      ["validation.json", "my notes\n"],
      ["validation.json", '{"pass": true}\n'],
      ["validation.json", "[]\n"],
      ["report.html", "my notes\n"],
      ["report.html", "<!DOCTYPE html>\n<html><body>My page</body></html>\n"],
    ];
    // The first case in a subprocess (the process's exit code and stderr), the
    // others in this process (the same runCli, without a second of start-up each).
    for (const [i, [name, text]] of foreign.entries()) {
      const dir = `${tmp}/r`;
      Deno.mkdirSync(dir, { recursive: true });
      Deno.writeTextFileSync(`${dir}/${name}`, text);
      const before = sha(`${dir}/${name}`);
      // Without the page but for the report.html cases (its rendering is not
      // what is tested here; validation.md and .json are checked all the same).
      const args = [
        "validate",
        ds.dir,
        "--report",
        dir,
        ...(name === "report.html" ? [] : ["--no-html"]),
      ];
      const r = i === 0 ? validateAs([tmp], args) : await runCliInProcess(args);
      assert.equal(r.code, 0, `${name} ${text}: ${r.stderr}`);
      assert.match(r.stdout, /^validate: PASS, /m);
      assert.match(
        r.stderr,
        new RegExp(
          `^warning: Cannot write the validation report "${dir}/${
            name.replace(".", "\\.")
          }": it exists and is not a report chatsynth wrote`,
          "m",
        ),
        `${name} ${text}`,
      );
      assert.equal(sha(`${dir}/${name}`), before, `${name} ${text}`);
      assert.deepEqual(listFiles(dir), [name], `${name} ${text}`);
      Deno.removeSync(dir, { recursive: true });
    }

    // The dataset folder's own reports follow the same rule.
    Deno.writeTextFileSync(`${ds.dir}/validation.md`, "my notes\n");
    const own = await runCliInProcess(["validate", ds.dir]);
    assert.equal(own.code, 0, own.stderr);
    assert.match(
      own.stderr,
      /^warning: .*validation\.md": it exists and is not/m,
    );
    assert.equal(
      Deno.readTextFileSync(`${ds.dir}/validation.md`),
      "my notes\n",
    );
    assert.ok(!exists(`${ds.dir}/validation.json`));

    // Nor does generate --force remove it with the dataset around it.
    const again = await runCliInProcess([
      ...["--sessions", "20", "--users", "10", "--seed", "3"],
      ...["--out", ds.dir, "--force"],
    ]);
    assert.equal(again.code, 2, again.stderr);
    assert.match(
      again.stderr,
      /holds "validation\.md", which is not a report chatsynth wrote/,
    );
    assert.equal(
      Deno.readTextFileSync(`${ds.dir}/validation.md`),
      "my notes\n",
    );
    Deno.removeSync(`${ds.dir}/validation.md`);
    assert.equal((await runCliInProcess(["validate", ds.dir])).code, 0);
    const replaced = runMain([
      "--allow-read",
      "--allow-env",
      `--allow-write=${ds.dir},${ds.dir}.partial`,
    ], [
      ...["--sessions", "20", "--users", "10", "--seed", "3"],
      ...["--out", ds.dir, "--force"],
    ]);
    assert.equal(replaced.code, 0, replaced.stderr);

    // A report chatsynth wrote is replaced: run twice into the same folder.
    const dir = `${tmp}/ours`;
    for (let i = 0; i < 2; i++) {
      const r = await runCliInProcess(["validate", ds.dir, "--report", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
    }
    assert.deepEqual(listFiles(dir), [
      "report.html",
      "validation.json",
      "validation.md",
    ]);
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("validate names the data files it did not read (the other representations)", async () => {
  // The failing input: a corrupted snowflake/ or raw/ file beside star/ passed with
  // no word that those files were never read.
  const ds = generateTemp({ sessions: 40, users: 20, seed: 3 });
  try {
    const r = await runCliInProcess(["validate", ds.dir]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const others = [
      "raw/turns.jsonl",
      ...listFiles(`${ds.dir}/snowflake`).map((f) => `snowflake/${f}`),
    ].sort();
    const json = JSON.parse(
      Deno.readTextFileSync(`${ds.dir}/validation.json`),
    );
    assert.deepEqual([...json.dataset.notRead].sort(), others);
    for (const f of json.dataset.files) assert.ok(f.path.startsWith("star/"));
    assert.match(
      r.stdout,
      new RegExp(
        `^not read: ${others.length} data files of the manifest `,
        "m",
      ),
    );
    const md = Deno.readTextFileSync(`${ds.dir}/validation.md`);
    assert.ok(md.includes("Not read ("));
    assert.ok(md.includes("snowflake/fact_turn.csv"));
  } finally {
    ds.cleanup();
  }
});

Deno.test("--no-html: validation.md and .json only; an earlier report.html of ours removed, anyone else's kept; refused where it does not apply", async () => {
  const ds = generateTemp({ sessions: 20, users: 10, seed: 5 });
  const tmp = Deno.makeTempDirSync({ prefix: "chatsynth-report-" });
  try {
    const mine = `${tmp}/mine`;
    assert.equal(
      (await runCliInProcess(["validate", ds.dir, "--report", mine])).code,
      0,
    );
    assert.deepEqual(listFiles(mine), [
      "report.html",
      "validation.json",
      "validation.md",
    ]);
    const r = await runCliInProcess([
      "validate",
      ds.dir,
      "--report",
      mine,
      "--no-html",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(
      r.stdout,
      /^Report: .*validation\.md and .*validation\.json$/m,
    );
    assert.deepEqual(listFiles(mine), ["validation.json", "validation.md"]);
    // Somebody else's report.html is neither removed nor a reason to refuse.
    const theirs = `${tmp}/theirs`;
    Deno.mkdirSync(theirs);
    Deno.writeTextFileSync(
      `${theirs}/report.html`,
      "<!DOCTYPE html>\n<p>mine</p>\n",
    );
    const t = await runCliInProcess([
      "validate",
      ds.dir,
      "--report",
      theirs,
      "--no-html",
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stderr, "");
    assert.equal(
      Deno.readTextFileSync(`${theirs}/report.html`),
      "<!DOCTYPE html>\n<p>mine</p>\n",
    );
    assert.deepEqual(listFiles(theirs), [
      "report.html",
      "validation.json",
      "validation.md",
    ]);
    for (
      const argv of [["verify", ds.dir, "--no-html"], [
        "bench",
        ds.dir,
        "--no-html",
      ], ["--sessions", "3", "--no-html"]]
    ) {
      const bad = await runCliInProcess(argv);
      assert.equal(bad.code, 2, argv.join(" "));
      assert.equal(
        bad.stderr,
        "error: --no-html applies only to validate and generate --validate: it leaves out report.html\n",
      );
    }
  } finally {
    ds.cleanup();
    Deno.removeSync(tmp, { recursive: true });
  }
});
