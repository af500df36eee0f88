/**
 * The scale-out operations files (tools/k8s, tools/slurm, tools/parallel) and the
 * DuckDB views over part folders (sql/parts/duckdb): the Kubernetes manifests parse
 * as YAML into an Indexed Job whose completions equal the N of its `--shard K/N`; the
 * shell scripts pass `bash -n`, the Slurm array covers 1..N; every command line
 * parses with the CLI's own parser and all three describe the same dataset; and the
 * reference queries over three parts read in place answer as over a single run
 * (docs/design.md §12).
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { DuckDBInstance } from "@duckdb/node-api";
import { type CliArgs, parseCli } from "../lib/cli/args.ts";
import { loadDuckDb } from "../lib/workload/duckdb_load.ts";
import { querySql, REFERENCE_QUERIES } from "../lib/workload/query_set.ts";
import type { Representation } from "../lib/workload/representation.ts";
import { splitStatements } from "../lib/workload/sql_text.ts";
import { partsSqlFiles } from "../tools/parts_sql.ts";
import { ROOT } from "./helpers.ts";

/** Run a program; its exit code and output. */
function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const r = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const d = new TextDecoder();
  return {
    code: r.code,
    stdout: d.decode(r.stdout),
    stderr: d.decode(r.stderr),
  };
}

/** Whether a program is on PATH (asked of the shell, not assumed). */
function onPath(name: string): boolean {
  return run("bash", ["-c", `command -v ${name}`]).code === 0;
}

/**
 * The chatsynth arguments of the one line of `script` that runs `main.ts`: the
 * words after `main.ts`, split at blanks, double quotes removed and `$NAME`
 * replaced from `vars` (enough for these files, which quote only whole words).
 */
function mainArgv(
  script: string,
  vars: Record<string, string>,
): { argv: string[]; flags: string[] } {
  const lines = script.split("\n").filter((l) =>
    /main\.ts\s/.test(l) && !l.trimStart().startsWith("#")
  );
  assert.equal(lines.length, 1, `one line runs main.ts:\n${lines.join("\n")}`);
  const words = lines[0].trim().split(/\s+/).map((w) => w.replaceAll('"', ""));
  const at = words.findIndex((w) => w.endsWith("main.ts"));
  const expand = (w: string) =>
    w.replace(/\$\{?([A-Z_]+)(?::-[^}]*)?\}?/g, (_, name: string) => {
      assert.ok(name in vars, `no value for $${name} in ${w}`);
      return vars[name];
    });
  return {
    argv: words.slice(at + 1).map(expand),
    flags: words.slice(0, at).map((w) =>
      w.replace(/\$\{?([A-Z_]+)\}?/g, (m, name: string) => vars[name] ?? m)
    ),
  };
}

/** What every operations file must agree on. */
function datasetOf(cli: CliArgs) {
  return {
    seed: cli.overrides.seed,
    sessions: cli.overrides.sessions,
    users: cli.overrides.users,
    formats: cli.overrides.formats,
    encodings: cli.overrides.encodings,
    count: cli.shard?.count,
  };
}

const K8S_PARTS = `${ROOT}/tools/k8s/chatsynth-parts.yaml`;
const K8S_MERGE = `${ROOT}/tools/k8s/chatsynth-merge.yaml`;
const SLURM_PARTS = `${ROOT}/tools/slurm/chatsynth-parts.sbatch`;
const SLURM_MERGE = `${ROOT}/tools/slurm/chatsynth-merge.sbatch`;
const PARALLEL = `${ROOT}/tools/parallel/parts.sh`;

// deno-lint-ignore no-explicit-any
type Doc = any;

function yamlDocs(path: string): Doc[] {
  return parseAllDocuments(Deno.readTextFileSync(path)).map((d) => {
    assert.deepEqual(d.errors, [], `${path}: ${d.errors.join("; ")}`);
    return d.toJS();
  });
}

/** The Kubernetes parts Job's dataset (and checks that make it an Indexed Job). */
function k8sDataset() {
  const docs = yamlDocs(K8S_PARTS);
  const jobs = docs.filter((d) => d.kind === "Job");
  assert.equal(jobs.length, 1);
  const job = jobs[0];
  assert.equal(job.apiVersion, "batch/v1");
  assert.equal(job.spec.completionMode, "Indexed");
  const n = job.spec.completions;
  assert.ok(Number.isInteger(n) && n >= 1);
  assert.ok(job.spec.parallelism >= 1 && job.spec.parallelism <= n);
  const claim = docs.find((d) => d.kind === "PersistentVolumeClaim");
  assert.deepEqual(claim.spec.accessModes, ["ReadWriteMany"]);
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, "Never");
  assert.equal(
    pod.volumes[0].persistentVolumeClaim.claimName,
    claim.metadata.name,
  );
  const c = pod.containers[0];
  assert.deepEqual(c.command, ["/bin/sh", "-c"]);
  const script: string = c.args[0];
  const syntax = run("sh", ["-n", "-c", script]);
  assert.equal(syntax.code, 0, syntax.stderr);
  // K is the 0-based completion index plus one.
  assert.match(script, /K=\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/);
  const { argv, flags } = mainArgv(script, {
    K: "1",
    OUT: "/data/parts/part-1",
  });
  const cli = parseCli(argv);
  assert.equal(cli.command, "generate");
  assert.deepEqual(cli.shard, { index: 1, count: n });
  assert.equal(cli.overrides.out, "/data/parts/part-1");
  assert.ok(cli.overrides.out!.startsWith(c.volumeMounts[0].mountPath + "/"));
  assert.ok(flags.includes(`--allow-write=${c.volumeMounts[0].mountPath}`));
  return { n, dataset: datasetOf(cli), claim: claim.metadata.name };
}

Deno.test("Kubernetes: an Indexed Job whose completions equal its --shard N, and a merge Job over N parts", () => {
  const { n, dataset, claim } = k8sDataset();
  assert.equal(dataset.count, n);
  const merge = yamlDocs(K8S_MERGE).filter((d) => d.kind === "Job");
  assert.equal(merge.length, 1);
  const pod = merge[0].spec.template.spec;
  assert.equal(pod.volumes[0].persistentVolumeClaim.claimName, claim);
  const script: string = pod.containers[0].args[0];
  assert.equal(run("sh", ["-n", "-c", script]).code, 0);
  const mergeLine = script.split("\n").find((l) => /main\.ts merge /.test(l))!;
  const { argv } = mainArgv(mergeLine, {});
  const cli = parseCli(argv);
  assert.equal(cli.command, "merge");
  assert.deepEqual(
    cli.positionals,
    Array.from({ length: n }, (_, i) => `/data/parts/part-${i + 1}`),
  );
  assert.match(script, /main\.ts verify \/data\/dataset$/m);
});

Deno.test("Slurm: bash -n passes, the array is 1..N with N of --shard, the merge names N parts", () => {
  for (const f of [SLURM_PARTS, SLURM_MERGE]) {
    const r = run("bash", ["-n", f]);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
  }
  const text = Deno.readTextFileSync(SLURM_PARTS);
  const array = /^#SBATCH --array=1-(\d+)$/m.exec(text);
  assert.ok(array, "an #SBATCH --array=1-N line");
  const { argv } = mainArgv(text, {
    K: "1",
    OUT: "/d/parts/part-1",
    DATA: "/d",
    SLURM_CPUS_PER_TASK: "2",
  });
  const cli = parseCli(argv);
  assert.deepEqual(cli.shard, { index: 1, count: Number(array[1]) });
  assert.match(text, /^K=\$SLURM_ARRAY_TASK_ID$/m);
  const merge = Deno.readTextFileSync(SLURM_MERGE);
  assert.equal(/^N=(\d+)$/m.exec(merge)?.[1], array[1]);
  assert.deepEqual(datasetOf(cli), k8sDataset().dataset);
});

Deno.test("GNU parallel script: bash -n passes; its dry run gives N part commands and a merge the CLI parses, same dataset as k8s and Slurm", () => {
  assert.equal(run("bash", ["-n", PARALLEL]).code, 0);
  const r = run("bash", [PARALLEL], {
    DRY_RUN: "1",
    DATA: "/d",
    PATH: Deno.env.get("PATH") ?? "",
  });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  const partLines = lines.filter((l) => l.includes("--shard"));
  const n = partLines.length;
  const k8s = k8sDataset().dataset;
  assert.equal(n, k8s.count);
  partLines.forEach((line, i) => {
    const cli = parseCli(
      mainArgv(line.replaceAll(";", " ; "), {}).argv.filter(
        (w) => !/^[;}]+$/.test(w),
      ),
    );
    assert.deepEqual(cli.shard, { index: i + 1, count: n });
    assert.equal(cli.overrides.out, `/d/parts/part-${i + 1}`);
    assert.deepEqual(datasetOf(cli), k8s);
  });
  const merge = parseCli(
    mainArgv(lines.find((l) => l.includes(" merge "))!, {}).argv,
  );
  assert.equal(merge.command, "merge");
  assert.equal(merge.positionals.length, n);
  assert.equal(merge.overrides.out, "/d/dataset");
});

const HAS_PARALLEL = onPath("parallel");
if (!HAS_PARALLEL) {
  console.log(
    "scale_ops_test: skipping the local GNU parallel run: `parallel` is not on PATH (Debian package parallel)",
  );
}
Deno.test({
  name: HAS_PARALLEL
    ? "GNU parallel, LOCAL=1: 3 parts, merged and verified"
    : "GNU parallel, LOCAL=1: skipped, GNU parallel is not installed",
  ignore: !HAS_PARALLEL,
  fn() {
    const data = Deno.makeTempDirSync({ prefix: "chatsynth-parallel-" });
    try {
      const r = run("bash", [PARALLEL], {
        LOCAL: "1",
        JOBS: "2",
        N: "3",
        SESSIONS: "20000",
        USERS: "2000",
        FORMATS: "star",
        DATA: data,
        DENO: Deno.execPath(),
        PATH: Deno.env.get("PATH") ?? "",
        NO_COLOR: "1",
      });
      // The script ends with verify: exit 0 means the merged dataset regenerates
      // to the same bytes.
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /verify: OK/);
    } finally {
      Deno.removeSync(data, { recursive: true });
    }
  },
});

Deno.test("sql/parts/duckdb holds exactly what tools/parts_sql.ts derives", () => {
  for (const [path, text] of Object.entries(partsSqlFiles())) {
    assert.equal(
      Deno.readTextFileSync(`${ROOT}/sql/${path}`),
      text,
      `sql/${path} is stale: run tools/parts_sql.ts`,
    );
  }
  const committed = [...Deno.readDirSync(`${ROOT}/sql/parts/duckdb`)].map((e) =>
    `parts/duckdb/${e.name}`
  ).sort();
  assert.deepEqual(committed, Object.keys(partsSqlFiles()).sort());
});

/** Every answer of `ids` on representation `rep`, as DuckDB's JSON rendering. */
async function answers(
  setUp: (c: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<void>,
  reps: Representation[],
  ids: string[],
): Promise<Record<string, unknown>> {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    await setUp(c);
    const out: Record<string, unknown> = {};
    for (const rep of reps) {
      for (const id of ids) {
        const q = REFERENCE_QUERIES.find((r) => r.id === id)!;
        const r = await c.runAndReadAll(querySql(q, rep));
        out[`${id} ${rep}`] = {
          columns: r.columnNames(),
          rows: r.getRowsJson(),
        };
      }
    }
    return out;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

Deno.test("DuckDB views over 3 parts (CSV, JSONL, Parquet) answer the reference queries as the single run does", async () => {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-parts-" });
  const perms = [
    "--allow-read",
    `--allow-write=${parent}`,
    "--allow-env=NO_COLOR,TERM,LOG_TOKENS,LOG_STREAM",
  ];
  const inputs = ["--sessions", "20000", "--users", "2000", "--seed", "1212"];
  // Two generator processes at a time, one thread each (the parts are
  // independent runs; the bytes do not depend on the worker count).
  const gen = async (runs: string[][]) => {
    const queue = [...runs];
    const next = async (): Promise<void> => {
      const args = queue.shift();
      if (!args) return;
      const r = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...perms, "main.ts", ...inputs, ...args, "--quiet"],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
      await next();
    };
    await Promise.all([next(), next()]);
  };
  try {
    // The oracles: ordinary runs (text raw and star; Parquet star), loaded with
    // the repository's load scripts into tables with keys enforced. Text parts
    // (raw and star) and Parquet parts (star), each set in its own parts/ folder,
    // as the views expect; 20,000 sessions are 3 blocks, 2,000 users one block
    // (parts 2 and 3 hold header-only or row-less dim_user files).
    const text = ["--formats", "raw,star", "--workers", "1"];
    const parquet = [
      "--formats",
      "star",
      "--encoding",
      "parquet",
      "--workers",
      "1",
    ];
    await gen([
      [...text, "--out", `${parent}/single-text`],
      [...parquet, "--out", `${parent}/single-parquet`],
      ...[1, 2, 3].flatMap((k) => [
        [
          ...text,
          "--shard",
          `${k}/3`,
          "--out",
          `${parent}/text/parts/part-${k}`,
        ],
        [
          ...parquet,
          "--shard",
          `${k}/3`,
          "--out",
          `${parent}/parquet/parts/part-${k}`,
        ],
      ]),
    ]);
    const dimUser = Deno.readTextFileSync(
      `${parent}/text/parts/part-3/star/dim_user.csv`,
    );
    assert.equal(
      dimUser.split("\n").length,
      2,
      "part 3 has dim_user's header only",
    );

    const ids = ["q01", "q05", "q07"];
    const views =
      (root: string, files: string[]) =>
      async (c: Awaited<ReturnType<DuckDBInstance["connect"]>>) => {
        for (const f of files) {
          const text = Deno.readTextFileSync(`${ROOT}/sql/parts/duckdb/${f}`)
            .replaceAll("'parts/", `'${root}/parts/`);
          for (const s of splitStatements(text)) await c.run(s);
        }
      };
    const single =
      (encoding: "text" | "parquet", reps: Representation[]) =>
      async (c: Awaited<ReturnType<DuckDBInstance["connect"]>>) => {
        for (const rep of reps) {
          await loadDuckDb(c, `${parent}/single-${encoding}`, rep, encoding);
        }
      };
    const textWant = await answers(single("text", ["raw", "star"]), [
      "raw",
      "star",
    ], ids);
    const textGot = await answers(
      views(`${parent}/text`, ["raw.sql", "star.sql"]),
      ["raw", "star"],
      ids,
    );
    assert.deepEqual(textGot, textWant);
    const pqWant = await answers(single("parquet", ["star"]), ["star"], ids);
    const pqGot = await answers(
      views(`${parent}/parquet`, ["star_parquet.sql"]),
      ["star"],
      ids,
    );
    assert.deepEqual(pqGot, pqWant);
    // Not vacuous: q01 counts every turn of the 20,000 sessions.
    const q01 = textWant["q01 star"] as { rows: string[][] };
    assert.ok(q01.rows.length > 1);
  } finally {
    Deno.removeSync(parent, { recursive: true });
  }
});
