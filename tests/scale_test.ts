/**
 * Scaling out (docs/design.md §12): any `--workers` count writes the same bytes; the N
 * parts of `--shard K/N`, generated as separate processes in any order, merge into
 * the single run's folder file for file and byte for byte (verify passes on it); and
 * merge refuses parts that are incomplete, duplicated, mismatched or altered.
 *
 * The oracle is the single run's own files, compared byte for byte, and `sha256sum`.
 */
import assert from "node:assert/strict";
import { listFiles, ROOT, runMain } from "./helpers.ts";
import { runStepsAsync } from "../lib/steps.ts";
import { generateSteps } from "../lib/generate.ts";
import { loadConfig } from "../lib/config/load.ts";
import { mergeSteps } from "../lib/shard/merge.ts";
import { partRows, SESSION_BLOCK } from "../lib/shard/blocks.ts";

/** Read and write under `dir` only, plus the project (as a user would grant). */
function perms(dir: string): string[] {
  return [
    `--allow-read=${ROOT},${dir}`,
    `--allow-write=${dir}`,
    "--allow-env",
    "--allow-sys",
    "--allow-ffi",
  ];
}

/** Every file under `dir` with its bytes, by relative path. */
function snapshot(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of listFiles(dir)) out.set(f, Deno.readFileSync(`${dir}/${f}`));
  return out;
}

/** Assert two folders hold the same files with the same bytes. */
function assertSameFolder(a: string, b: string): void {
  const x = snapshot(a), y = snapshot(b);
  assert.deepEqual([...y.keys()].sort(), [...x.keys()].sort());
  for (const [path, bytes] of x) {
    assert.ok(
      bytes.length === y.get(path)!.length &&
        bytes.every((v, i) => v === y.get(path)![i]),
      `${path} differs between ${a} and ${b}`,
    );
  }
}

/** `sha256sum -c SHA256SUMS` in `dir` (an independent implementation). */
function sha256sumCheck(dir: string): void {
  const r = new Deno.Command("sha256sum", {
    args: ["-c", "--quiet", "SHA256SUMS"],
    cwd: dir,
  }).outputSync();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stdout));
}

function gen(dir: string, out: string, args: string[]) {
  const r = runMain(perms(dir), [...args, "--out", out, "--quiet"], {
    RUST_BACKTRACE: "",
  });
  assert.equal(r.code, 0, r.stderr);
  return r;
}

/** Fisher–Yates with a fixed LCG: a shuffled order that is the same every run. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// 25,000 sessions are 4 blocks of 8,192 (the last 424): 4 parts hold one each. Star
// and snowflake: CSV headers, and fact files shared by two paths (raw is merged in
// the next test).
const INPUTS = [
  "--sessions",
  "25000",
  "--users",
  "3000",
  "--seed",
  "11",
  "--formats",
  "star,snowflake",
];

Deno.test("--workers 1, 2 and 3 write the same bytes (text and Parquet)", () => {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-workers-" });
  try {
    const small = [
      "--sessions",
      "3500",
      "--users",
      "2500",
      "--encoding",
      "text,parquet",
    ];
    for (const w of [1, 2, 3]) {
      gen(dir, `${dir}/w${w}`, [...small, "--workers", String(w)]);
    }
    assertSameFolder(`${dir}/w1`, `${dir}/w2`);
    assertSameFolder(`${dir}/w1`, `${dir}/w3`);
    sha256sumCheck(`${dir}/w3`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("4 parts as separate processes, generated and merged in shuffled order, equal the single run; verify passes", () => {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-shards-" });
  try {
    gen(dir, `${dir}/single`, [...INPUTS, "--workers", "1"]);
    const order = shuffled([1, 2, 3, 4], 7);
    assert.notDeepEqual(order, [1, 2, 3, 4]);
    for (const k of order) {
      gen(dir, `${dir}/part-${k}`, [...INPUTS, "--shard", `${k}/4`]);
      sha256sumCheck(`${dir}/part-${k}`);
    }
    // Every part holds sessions: the split is real.
    for (let k = 1; k <= 4; k++) {
      const m = JSON.parse(Deno.readTextFileSync(`${dir}/part-${k}/part.json`));
      assert.deepEqual(m.part, { index: k, count: 4 });
      assert.ok(m.counts.sessions > 0, `part ${k} holds no session`);
    }
    const args = [
      "merge",
      ...shuffled([1, 2, 3, 4], 3).map((k) => `${dir}/part-${k}`),
    ];
    const r = runMain(perms(dir), [...args, "--out", `${dir}/merged`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Merged 4 parts into .* \(25,000 sessions, /);
    assertSameFolder(`${dir}/single`, `${dir}/merged`);
    sha256sumCheck(`${dir}/merged`);
    const v = runMain(perms(dir), ["verify", `${dir}/merged`]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Parts 1..n of a small dataset written in this process (fast: no subprocess). */
async function partsInProcess(
  dir: string,
  n: number,
  overrides: Record<string, unknown>,
): Promise<string[]> {
  const loaded = loadConfig(`${ROOT}/config.yaml`);
  const out: string[] = [];
  for (let k = 1; k <= n; k++) {
    const path = `${dir}/p${n}-${k}`;
    await runStepsAsync(generateSteps({
      loaded,
      overrides: { ...overrides, out: path },
      force: false,
      part: { index: k, count: n },
    }));
    out.push(path);
  }
  return out;
}

Deno.test("parts merge into the single run for N = 1, 2, 3 and N larger than the sessions (empty parts), text and Parquet", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-nparts-" });
  try {
    const loaded = loadConfig(`${ROOT}/config.yaml`);
    for (
      const [sessions, users, counts, formats] of [
        // 2 blocks: N = 3 leaves a part empty; N = 1 is the whole dataset as one part.
        [9_000, 300, [1, 2, 3], ["raw"]],
        [10, 25, [12], ["raw", "star", "snowflake"]],
      ] as const
    ) {
      const overrides = {
        sessions,
        users,
        seed: 5,
        formats: [...formats],
        encodings: ["text" as const, "parquet" as const],
      };
      const single = `${dir}/single-${sessions}`;
      await runStepsAsync(generateSteps({
        loaded,
        overrides: { ...overrides, out: single },
        force: false,
      }));
      for (const n of counts) {
        const parts = await partsInProcess(dir, n, overrides);
        // The sessions of the parts: contiguous, disjoint, covering.
        let next = 0;
        for (let k = 1; k <= n; k++) {
          const [a, b] = partRows(sessions, SESSION_BLOCK, {
            index: k,
            count: n,
          });
          assert.equal(a, Math.min(next, sessions));
          next = b;
        }
        assert.equal(next, sessions);
        const merged = `${dir}/merged-${sessions}-${n}`;
        await runStepsAsync(mergeSteps({ parts, out: merged, force: false }));
        assertSameFolder(single, merged);
        for (const p of parts) Deno.removeSync(p, { recursive: true });
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("merge refuses incomplete, duplicated, mismatched and altered parts: exit 2, one sentence, nothing written", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-badparts-" });
  try {
    const base = {
      sessions: 9000,
      users: 200,
      seed: 3,
      // Star and snowflake: their fact files are one file under two paths.
      formats: ["star" as const, "snowflake" as const],
    };
    const [p1, p2] = await partsInProcess(dir, 2, base);
    const other = await partsInProcess(`${dir}`, 3, { ...base, seed: 4 });
    const copy = (from: string, to: string) => {
      Deno.mkdirSync(to);
      for (const f of listFiles(from)) {
        const dst = `${to}/${f}`;
        Deno.mkdirSync(dst.slice(0, dst.lastIndexOf("/")), { recursive: true });
        Deno.copyFileSync(`${from}/${f}`, dst);
      }
    };
    // Part 2 of the seed-4 run, claiming to be of 2 parts: another seed.
    const seed4 = `${dir}/seed4`;
    copy(other[1], seed4);
    const m4 = JSON.parse(Deno.readTextFileSync(`${seed4}/part.json`));
    m4.part = { index: 2, count: 2 };
    Deno.writeTextFileSync(`${seed4}/part.json`, JSON.stringify(m4));
    // Part 2 with another generator version recorded.
    const version = `${dir}/version`;
    copy(p2, version);
    const mv = JSON.parse(Deno.readTextFileSync(`${version}/part.json`));
    mv.generator.version = "0.0.1";
    Deno.writeTextFileSync(`${version}/part.json`, JSON.stringify(mv));
    // Part 2 in other encodings.
    const [, parquet2] = await partsInProcess(`${dir}/pq`, 2, {
      ...base,
      encodings: ["text", "parquet"],
    });
    // Part 2 with a data file altered after it was written: star's fact file, the
    // second path of a file shared with snowflake (merge reads the first and
    // checks this one against part.json).
    const altered = `${dir}/altered`;
    copy(p2, altered);
    const f = `${altered}/star/fact_session.csv`;
    const bytes = Deno.readFileSync(f);
    const at = bytes.indexOf(10) + 1; // the first digit of the first data row
    bytes[at] = bytes[at] === 0x37 ? 0x38 : 0x37;
    Deno.writeFileSync(f, bytes);
    // Part 2 whose part.json counts 5 more turns than its files hold.
    const counts = `${dir}/counts`;
    copy(p2, counts);
    const mc = JSON.parse(Deno.readTextFileSync(`${counts}/part.json`));
    mc.counts.turns += 5;
    Deno.writeTextFileSync(`${counts}/part.json`, JSON.stringify(mc));
    // Part 2 with a folder where a data file should be.
    const folder = `${dir}/folder`;
    copy(p2, folder);
    Deno.removeSync(`${folder}/star/dim_user.csv`);
    Deno.mkdirSync(`${folder}/star/dim_user.csv`);
    // Part 1 claiming to be one of 999,999,999 parts.
    const many = `${dir}/many`;
    copy(p1, many);
    const mm = JSON.parse(Deno.readTextFileSync(`${many}/part.json`));
    mm.part.count = 999_999_999;
    Deno.writeTextFileSync(`${many}/part.json`, JSON.stringify(mm));
    const cases: [string[], RegExp][] = [
      [[p1], /part 2 of 2 is missing \(given 1 part: 1\)/],
      [[p1, p1], /are both part 1 of 2/],
      [[p1, other[2]], /is part 3 of 3, but .* is part 1 of 2/],
      [[p1, seed4], /another seed than .* \(4, not 3\)/],
      [[p1, version], /another generator version/],
      [
        [p1, altered],
        /star\/fact_session\.csv" is not the file its part\.json lists/,
      ],
      [
        [p1, parquet2],
        /another set of encodings .* \(\["text","parquet"\], not \["text"\]\)/,
      ],
      [[p1, `${dir}`], /holds no part\.json, so it is not a part folder/],
      [[p1, counts], /part\.json files do not add up .*counts\.turns/],
      [[p1, folder], /star\/dim_user\.csv" is not a regular file/],
      [[many], /names no part K of N with 1 <= K <= N <= 100000/],
    ];
    for (const [parts, why] of cases) {
      const out = `${dir}/out`;
      const r = runMain(perms(dir), ["merge", ...parts, "--out", out]);
      assert.equal(r.code, 2, `${parts}: ${r.stderr}`);
      const lines = r.stderr.split("\n").filter((l) =>
        l && !l.includes("Warning")
      );
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^error: Cannot merge/);
      assert.match(lines[0], why);
      assert.ok(!lines[0].includes("    at "), "no stack trace");
      for (const name of [out, `${out}.partial`]) {
        assert.throws(() => Deno.statSync(name), Deno.errors.NotFound, name);
      }
    }
    // The output may not be a part, nor inside one.
    for (const out of [p2, `${p2}/merged`]) {
      const r = runMain(perms(dir), ["merge", p1, p2, "--out", out, "--force"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Cannot merge into .* the part folder/);
    }
    assert.ok(Deno.statSync(`${p2}/part.json`).isFile, "part 2 is intact");
    // A part is not a dataset: verify and --from-manifest say so.
    const v = runMain(perms(dir), ["verify", p1]);
    assert.equal(v.code, 2, v.stderr);
    assert.match(v.stderr, /it is a part folder \(part\.json\)/);
    const fm = runMain(perms(dir), [
      "--from-manifest",
      `${p1}/part.json`,
      "--out",
      `${dir}/again`,
    ]);
    assert.equal(fm.code, 2, fm.stderr);
    assert.match(
      fm.stderr,
      /it is the manifest of part 1 of 2, not of a dataset/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--workers and --shard refuse bad values and combinations with one sentence", () => {
  for (
    const [args, why] of [
      [["--workers", "0"], /--workers: expected an integer from 1 to 256/],
      [["--workers", "two"], /--workers: expected an integer/],
      [["--shard", "0/4"], /--shard must be K\/N with 1 <= K <= N/],
      [["--shard", "5/4"], /received "5\/4"/],
      [["--shard", "1of4"], /--shard must be K\/N/],
      [["--shard", "1/2", "--validate"], /cannot be combined with --validate/],
      [["merge", "a"], /merge needs --out DIR/],
      [["merge", "--out", "x"], /merge takes the part folders/],
      [
        ["merge", "a", "--out", "x", "--seed", "3"],
        /--seed does not apply to merge/,
      ],
      [["verify", "--workers", "2"], /--workers does not apply to verify/],
    ] as const
  ) {
    const r = runMain(["--allow-read", "--allow-env"], [...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, why);
  }
});

Deno.test("--force replaces a part folder (part.json, SHA256SUMS and its files) but not a folder with other files", () => {
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-partforce-" });
  try {
    const args = ["--sessions", "30", "--users", "5", "--shard", "1/2"];
    gen(dir, `${dir}/p`, args);
    gen(dir, `${dir}/p`, [...args, "--seed", "9", "--force"]);
    const m = JSON.parse(Deno.readTextFileSync(`${dir}/p/part.json`));
    assert.equal(m.seed, 9);
    Deno.writeTextFileSync(`${dir}/p/notes.txt`, "mine");
    const r = runMain(perms(dir), [...args, "--out", `${dir}/p`, "--force"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /holds "notes\.txt", which chatsynth did not write/);
    assert.equal(Deno.readTextFileSync(`${dir}/p/notes.txt`), "mine");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--shard allows at most 100,000 parts", () => {
  const r = runMain(["--allow-read", "--allow-env"], [
    "--shard",
    "1/100001",
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--shard allows at most 100000 parts/);
});
