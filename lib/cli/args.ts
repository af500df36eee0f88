/**
 * Command-line parsing (the `@std/cli` role, done with Node's built-in
 * `util.parseArgs`, strict: unknown flags and missing values are errors).
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  ENCODING_CHOICES,
  type EncodingChoice,
  type Format,
  FORMATS,
  MAX_SEED,
  MAX_SESSIONS,
  MAX_USERS,
} from "../config/schema.ts";
import { UsageError } from "../errors.ts";
import { parsePart, type Part } from "../shard/blocks.ts";
import type { Overrides } from "../config/effective.ts";
import { FORMAT_FILES } from "../schema/tables.ts";
import {
  BENCH_FILES,
  METADATA_FILES,
  VALIDATION_FILES,
} from "../manifest/read_manifest.ts";

/** Commands (docs/design.md §2). */
export const COMMANDS = [
  "generate",
  "verify",
  "validate",
  "bench",
  "merge",
] as const;
/** Largest `--workers`. */
export const MAX_WORKERS = 256;
/** One command. */
export type Command = typeof COMMANDS[number];

/** A parsed command line. */
export interface CliArgs {
  /** The command; `generate` when none is given. */
  command: Command;
  /** `-h`, `--help`: print the help text and exit. */
  help: boolean;
  /** `-V`, `--version`: print the generator version and exit. */
  version: boolean;
  /** `-q`, `--quiet`: print nothing but errors. */
  quiet: boolean;
  /**
   * `--force`: replace an output folder that holds a chatsynth dataset (generate), or
   * an existing `--db` file (bench).
   */
  force: boolean;
  /** `generate --validate`: validate right after generating. */
  validate: boolean;
  /** `generate --from-manifest PATH`: the inputs of an existing dataset. */
  fromManifest?: string;
  /**
   * `--report DIR` (validate, generate --validate): the folder for validation.md,
   * validation.json and report.html instead of the dataset folder; created when
   * missing.
   */
  report?: string;
  /**
   * `--no-html` (validate, generate --validate): write validation.md and
   * validation.json only, no report.html; default false.
   */
  noHtml: boolean;
  /** `bench --runs N`: timed runs of each query, 1..1000 (default 5). */
  runs: number;
  /** `bench --warmup N`: untimed runs of each query before the timed ones, 0..100 (default 1). */
  warmup: number;
  /**
   * `bench --db FILE`: keep the loaded DuckDB database in FILE (an existing file is
   * to be refused unless `force`); in memory when absent.
   */
  db?: string;
  /**
   * `bench --postgres URL`: also load star and snowflake into this PostgreSQL
   * database (`postgres://` or `postgresql://` URL) and compare its answers.
   */
  postgres?: string;
  /** Config path (default "config.yaml"). */
  config: string;
  /** `--seed`, `--sessions`, `--users`, `--formats`, `--out`: values that override the config. */
  overrides: Overrides;
  /** Positional arguments after the command (e.g. a folder). */
  positionals: string[];
  /**
   * `--workers N` (generate): generator threads, 1..256; undefined: one per
   * available core. Any count gives the same bytes.
   */
  workers?: number;
  /** `--shard K/N` (generate): write part K of N (1-based) instead of a dataset. */
  shard?: Part;
}

/**
 * Every file a run writes, derived from the schema and the manifest's file lists so
 * the help cannot drift from the code: one line per format folder (wrapped, with
 * continuation lines indented further), then the metadata and the validation report.
 */
function filesHelp(): string {
  const rows: [string, string[]][] = [
    ...Object.entries(FORMAT_FILES).map(([format, files]): [
      string,
      string[],
    ] => [`${format}/`, files.map((f) => f.slice(format.length + 1))]),
    ["metadata:", METADATA_FILES],
    ["validate:", VALIDATION_FILES],
    ["bench:", [...BENCH_FILES]],
  ];
  const indent = " ".repeat(14);
  const lines: string[] = [];
  for (const [label, names] of rows) {
    let line = `  ${label.padEnd(12)}`;
    let empty = true;
    for (const n of names) {
      if (!empty && line.length + 1 + n.length > 80) {
        lines.push(line);
        line = indent;
        empty = true;
      }
      line += empty ? n : ` ${n}`;
      empty = false;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** The `--help` text. */
export const HELP = `chatsynth: reproducible synthetic chatbot conversation data
(raw JSONL logs, star schema CSV, snowflake schema CSV, or all as Parquet,
with a SHA-256 manifest).

Usage:
  deno run -P main.ts [generate] [options]   generate a dataset
  deno run -P main.ts verify [DIR]           check DIR (default: output) against its
                                             manifest and regenerate it to compare
  deno run -P main.ts validate [DIR]         test DIR's data against its configured
                                             model; writes validation.md, .json
                                             and report.html into DIR, or into
                                             --report R
  deno run -P main.ts merge PART... --out DIR [--force]
                                             combine the part folders of a
                                             --shard run into one dataset, the
                                             same bytes as a single run
  deno run -P main.ts bench [DIR]            time the reference queries on DIR's
                                             raw, star and snowflake (text and
                                             Parquet files) in DuckDB and check
                                             they agree; writes bench.json, .md
                                             and .svg into DIR

Options (flags override config.yaml; the manifest records the effective values):
  --sessions N      sessions to generate, 1..${MAX_SESSIONS} (config: sessions, 1000);
                    streamed (memory does not grow with N), but each million
                    takes about 2.5 min and 10.8 GB with all formats
                    (with --encoding parquet about 35 s and 0.6 GB)
  --users M         users, 1..${MAX_USERS} (config: users, 500); regenerated on
                    demand, so each generator thread holds 8 bytes per user (16
                    while starting); a count over a thread's V8 heap limit is
                    refused before any work (raise the limit with the deno
                    run flag --v8-flags=--max-old-space-size=MiB)
  --seed S          dataset seed, integer 0..${MAX_SEED} (config: seed)
  --config PATH     configuration file (default: config.yaml)
  --out DIR         output folder (config: out, "output")
  --formats LIST    comma-separated subset of raw,star,snowflake (default: all)
  --encoding LIST   text, parquet or text,parquet (config: encodings, default
                    text): text is raw JSONL and star/snowflake CSV; parquet
                    writes every table as zstd Parquet (raw/turns.parquet,
                    star/fact_turn.parquet, ...), fingerprinted like the text
  --workers N       generator threads, 1..${MAX_WORKERS} (default: the cores but
                    one, with at least 4,096 sessions of the run or part per
                    thread: 1 on a 2-core machine); any count, same bytes
  --shard K/N       write part K of N (1-based) into --out: its share of every
                    table's rows (whole blocks of 8,192 sessions, 122,880 users
                    or dimension rows) as files readable in place, with part.json
                    and SHA256SUMS; merge the N part folders into the dataset
  --force           replace an existing chatsynth dataset folder (only once the new one
                    is complete; never a folder holding other files)
  --validate        run validate on the new dataset right after generating
  --report R        validate, generate --validate: write validation.md,
                    validation.json and report.html into folder R (created if
                    missing) instead of the dataset folder
  --no-html         validate, generate --validate: leave out report.html (and
                    remove one an earlier validate wrote there)
  --from-manifest M regenerate the dataset a manifest.json (file or its folder)
                    describes, from its recorded config, seed, counts and formats
                    alone (with --out; no --config/--seed/--sessions/--users/--formats)
  --runs N          bench: timed runs of each query, 1..1000 (default 5)
  --warmup N        bench: untimed runs of each query before the timed ones,
                    0..100 (default 1)
  --db FILE         bench: keep the loaded DuckDB database in FILE (schemas raw,
                    star, snowflake, from the text files when DIR has them; an
                    existing FILE only with --force) instead of in memory
  --postgres URL    bench: also load star and snowflake (CSV files only) into
                    the PostgreSQL database at URL
                    (postgres://user:password@host:port/db) and check its
                    answers equal DuckDB's
  --quiet           print nothing but errors
  -h, --help        show this help
  -V, --version     print the generator version

Files a run writes into --out (data files only for the chosen --formats; check
them with: sha256sum -c SHA256SUMS):
${filesHelp()}
With --encoding parquet each data file is a .parquet file of the same name
instead (raw/turns.parquet, star/fact_turn.parquet, ...); with text,parquet both.
With --shard K/N: the part's data files, part.json and SHA256SUMS (no
manifest.json, MANIFEST.md or datapackage.json until merged).

verify [DIR] prints one line per file and check (ok, mismatch, missing, extra): the
files against manifest.json, then the dataset regenerated from the manifest's inputs
alone (nothing is written; Parquet goes to a scratch folder, removed after); on a
difference, the first differing line (a Parquet file's row, decoded) and any
recorded version that differs from this run's. It exits 0 only when all match.

validate [DIR] tests every modelled quantity against the distribution the config
implies (chi-square, Kolmogorov-Smirnov, binomial; Holm-adjusted at 1%), checks the
exact rules, reports the original brief's quality figures, prints the verdict, then writes
DIR/validation.md, DIR/validation.json and DIR/report.html, a self-contained page of
charts, observed against expected, with the checks beside them (or R/... with
--report R; a report that cannot be written is a warning), and exits 0 when every
check passes, 1 otherwise.

bench [DIR] loads DIR's representations into DuckDB, the text files and the Parquet
files each into a database of their own (and star and snowflake CSV into PostgreSQL
with --postgres), runs every reference query --warmup times untimed and --runs
times timed per representation and encoding, prints load times and each query's
median and p95 (nearest rank) in ms, writes DIR/bench.json, DIR/bench.md and
DIR/bench.svg (outside the dataset's fingerprint), and exits 1 naming the query and
the first differing row when two representations or encodings answer differently,
or naming the table and key when a row breaks a key while loading; 0 otherwise.

Exit codes: 0 success, 1 verification, validation, bench load or agreement failure,
2 usage or input error, 130 or 143 interrupted by SIGINT (Ctrl-C) or SIGTERM (its
unfinished files removed).

The model, file formats and reproducibility contract: docs/design.md.

Permissions: -P uses the "default" set in deno.json: read the project folder, write
output/ and its staging folder output.partial/. To write elsewhere, run
  deno run --allow-read=.,DIR,DIR.partial --allow-write=DIR,DIR.partial \\
    --allow-env=NO_COLOR,TERM,LOG_TOKENS,LOG_STREAM main.ts --out DIR
bench, and verify and validate of Parquet files, also need --allow-ffi for
DuckDB's native library (-P grants it); what that library reads and writes (the
dataset, --db FILE) is outside Deno's checks.
`;

/** Largest --sessions and --users (the config schema enforces the same). */
const COUNT_LIMITS: Record<string, number> = {
  sessions: MAX_SESSIONS,
  users: MAX_USERS,
};

/** `bench --runs` and `--warmup`: their range and default. */
const BENCH_COUNTS = {
  runs: { min: 1, max: 1000, default: 5 },
  warmup: { min: 0, max: 100, default: 1 },
} as const;

function parseBenchCount(
  flag: keyof typeof BENCH_COUNTS,
  v: string | undefined,
): number {
  const { min, max } = BENCH_COUNTS[flag];
  if (v === undefined) return BENCH_COUNTS[flag].default;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(
      `Invalid value for --${flag}: expected an integer from ${min} to ${max}, received "${v}"`,
    );
  }
  return Number(v);
}

/** What each bench-only flag is for, in the message refusing it elsewhere. */
const BENCH_ONLY = {
  runs: "only bench times queries",
  warmup: "only bench times queries",
  db: "only bench loads a database",
  postgres: "only bench loads a database",
} as const;

function parseCount(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const max = COUNT_LIMITS[flag];
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new UsageError(
      `Invalid value for --${flag}: expected an integer from 1 to ${max}, received "${v}"`,
    );
  }
  return Number(v);
}

/**
 * Parse the command line.
 *
 * @param argv Arguments after the script name.
 * @throws {UsageError} On an unknown command or flag, a missing value, or a value
 *   that is not of the flag's type; the message names the flag and the value.
 *
 * @example
 * ```ts
 * import { UsageError } from "../errors.ts";
 * const a = parseCli(["generate", "--config", "my.yaml", "--seed", "7"]);
 * if (a.command !== "generate" || a.config !== "my.yaml" || a.overrides.seed !== 7) {
 *   throw new Error(`Unexpected ${JSON.stringify(a)}`);
 * }
 * try {
 *   parseCli(["--sesions", "10"]);
 *   throw new Error("Expected a usage error");
 * } catch (e) {
 *   if (!(e instanceof UsageError)) throw e;
 * }
 * ```
 */
export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        sessions: { type: "string" },
        users: { type: "string" },
        seed: { type: "string" },
        config: { type: "string" },
        out: { type: "string" },
        formats: { type: "string" },
        encoding: { type: "string" },
        workers: { type: "string" },
        shard: { type: "string" },
        force: { type: "boolean" },
        validate: { type: "boolean" },
        "from-manifest": { type: "string" },
        report: { type: "string" },
        "no-html": { type: "boolean" },
        runs: { type: "string" },
        warmup: { type: "string" },
        db: { type: "string" },
        postgres: { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/\.$/, "");
    // "--sessions -1": parseArgs refuses a value starting with "-"; name it.
    const flag = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg)?.[1];
    const at = argv.findIndex((a, i) =>
      a === flag && argv[i + 1]?.startsWith("-")
    );
    if (flag && at >= 0) {
      const value = argv[at + 1];
      throw new UsageError(
        `Missing or ambiguous value for ${flag}: received "${value}"; to pass a value starting with "-", write ${flag}=${value}`,
      );
    }
    const code = (e as { code?: string }).code;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const opt = /'([^']+)'/.exec(msg)?.[1] ?? msg;
      throw new UsageError(`Unknown option ${opt}; see --help`);
    }
    throw new UsageError(`${msg}; see --help`);
  }
  // A flag given twice is almost always a mistake: refuse rather than pick one.
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) {
      throw new UsageError(`--${t.name} is given more than once; give it once`);
    }
    seen.add(t.name);
  }
  const v = parsed.values;
  const positionals = [...parsed.positionals];
  let command: Command = "generate";
  if (
    positionals.length &&
    (COMMANDS as readonly string[]).includes(positionals[0])
  ) {
    command = positionals.shift() as Command;
  }
  if (command === "generate" && positionals.length) {
    throw new UsageError(
      `Unknown command or argument "${positionals[0]}"; commands: ${
        COMMANDS.join(", ")
      } (see --help)`,
    );
  }
  if (command === "merge") {
    if (positionals.length === 0) {
      throw new UsageError(
        "merge takes the part folders to combine (merge PART... --out DIR), received none",
      );
    }
    if (v.out === undefined) {
      throw new UsageError(
        "merge needs --out DIR: the folder to write the merged dataset to",
      );
    }
    for (
      const flag of [
        "sessions",
        "users",
        "seed",
        "formats",
        "encoding",
        "config",
        "validate",
        "from-manifest",
        "workers",
        "shard",
      ] as const
    ) {
      if (v[flag] !== undefined) {
        throw new UsageError(
          `--${flag} does not apply to merge: the parts' part.json files fix every input`,
        );
      }
    }
  }
  if (command !== "generate" && command !== "merge") {
    if (positionals.length > 1) {
      throw new UsageError(
        `${command} takes one folder, received ${positionals.length}: ${
          positionals.map((p) => `"${p}"`).join(" ")
        }`,
      );
    }
    for (
      const flag of [
        "sessions",
        "users",
        "seed",
        "formats",
        "encoding",
        "out",
        "force",
        "config",
        "validate",
        "from-manifest",
        "workers",
        "shard",
      ] as const
    ) {
      // bench --force replaces an existing --db file (checked below).
      if (flag === "force" && command === "bench") continue;

      if (v[flag] !== undefined) {
        throw new UsageError(
          `--${flag} does not apply to ${command}: it reads everything from the dataset's manifest.json`,
        );
      }
    }
  }
  if (command === "bench") {
    if (v.force && v.db === undefined) {
      throw new UsageError(
        "--force applies to bench only with --db: it lets bench replace an existing database file",
      );
    }
    if (v.db !== undefined && v.db.trim() === "") {
      throw new UsageError("Invalid value for --db: the file name is empty");
    }
    if (
      v.postgres !== undefined &&
      !/^postgres(ql)?:\/\/[^\s]+$/.test(v.postgres)
    ) {
      throw new UsageError(
        `Invalid value for --postgres: expected a URL like postgres://user:password@host:5432/database, received "${v.postgres}"`,
      );
    }
  } else {
    for (const flag of ["runs", "warmup", "db", "postgres"] as const) {
      if (v[flag] !== undefined) {
        throw new UsageError(
          `--${flag} does not apply to ${command}: ${BENCH_ONLY[flag]}`,
        );
      }
    }
  }
  if (v.report !== undefined) {
    if (command === "bench") {
      throw new UsageError(
        "--report does not apply to bench: it writes bench.json, bench.md and bench.svg next to the dataset",
      );
    }
    if (command === "verify") {
      throw new UsageError(
        "--report does not apply to verify: only validate writes a report",
      );
    }
    if (command === "generate" && !v.validate) {
      throw new UsageError(
        `--report "${v.report}" applies only with --validate: it names the validation report's folder`,
      );
    }
    if (v.report.trim() === "") {
      throw new UsageError(
        "Invalid value for --report: the folder name is empty",
      );
    }
  }
  if (
    v["no-html"] && command !== "validate" &&
    !(command === "generate" && v.validate)
  ) {
    throw new UsageError(
      `--no-html applies only to validate and generate --validate: it leaves out report.html`,
    );
  }
  let seed: number | undefined;
  if (v.seed !== undefined) {
    if (!/^\d+$/.test(v.seed) || !Number.isSafeInteger(Number(v.seed))) {
      throw new UsageError(
        `Invalid value for --seed: expected an integer from 0 to ${MAX_SEED}, received "${v.seed}"`,
      );
    }
    seed = Number(v.seed);
  }
  let formats: Format[] | undefined;
  if (v.formats !== undefined) {
    const list = v.formats.split(",").map((s) => s.trim());
    const bad = list.find((f) => !(FORMATS as readonly string[]).includes(f));
    if (bad !== undefined || list.length === 0) {
      throw new UsageError(
        `Invalid value for --formats: "${
          bad ?? v.formats
        }" is not one of raw, star, snowflake`,
      );
    }
    if (new Set(list).size !== list.length) {
      throw new UsageError(
        `Invalid value for --formats: "${v.formats}" lists a format twice`,
      );
    }
    formats = list as Format[];
  }
  let encodings: EncodingChoice[] | undefined;
  if (v.encoding !== undefined) {
    const list = v.encoding.split(",").map((s) => s.trim());
    const bad = list.find((e) =>
      !(ENCODING_CHOICES as readonly string[]).includes(e)
    );
    if (bad !== undefined) {
      throw new UsageError(
        `Invalid value for --encoding: "${bad}" is not one of text, parquet`,
      );
    }
    if (new Set(list).size !== list.length) {
      throw new UsageError(
        `Invalid value for --encoding: "${v.encoding}" lists an encoding twice`,
      );
    }
    encodings = list as EncodingChoice[];
  }
  if (v["from-manifest"] !== undefined) {
    for (
      const flag of [
        "config",
        "seed",
        "sessions",
        "users",
        "formats",
        "encoding",
      ] as const
    ) {
      if (v[flag] !== undefined) {
        throw new UsageError(
          `--${flag} cannot be combined with --from-manifest: the manifest fixes it`,
        );
      }
    }
  }
  let workers: number | undefined;
  if (v.workers !== undefined) {
    if (
      !/^\d+$/.test(v.workers) || +v.workers < 1 || +v.workers > MAX_WORKERS
    ) {
      throw new UsageError(
        `Invalid value for --workers: expected an integer from 1 to ${MAX_WORKERS}, received "${v.workers}"`,
      );
    }
    workers = Number(v.workers);
  }
  let shard: Part | undefined;
  if (v.shard !== undefined) {
    const p = parsePart(v.shard);
    if (typeof p === "string") throw new UsageError(p);
    shard = p;
    if (v["from-manifest"] !== undefined || v.validate) {
      throw new UsageError(
        `--shard ${v.shard} cannot be combined with --${
          v.validate ? "validate" : "from-manifest"
        }: a part is not a dataset until merged (merge PART... --out DIR)`,
      );
    }
  }
  if (v.out !== undefined && v.out.trim() === "") {
    throw new UsageError("Invalid value for --out: the folder name is empty");
  }
  if (v.config !== undefined && v.config.trim() === "") {
    throw new UsageError("Invalid value for --config: the path is empty");
  }
  return {
    command,
    help: v.help ?? false,
    version: v.version ?? false,
    quiet: v.quiet ?? false,
    force: v.force ?? false,
    validate: v.validate ?? false,
    ...(v["from-manifest"] !== undefined
      ? { fromManifest: v["from-manifest"] }
      : {}),
    ...(v.report !== undefined ? { report: v.report } : {}),
    noHtml: v["no-html"] ?? false,
    runs: parseBenchCount("runs", v.runs),
    warmup: parseBenchCount("warmup", v.warmup),
    ...(v.db !== undefined ? { db: v.db } : {}),
    ...(v.postgres !== undefined ? { postgres: v.postgres } : {}),
    config: v.config ?? "config.yaml",
    overrides: {
      seed,
      sessions: parseCount("sessions", v.sessions),
      users: parseCount("users", v.users),
      formats,
      encodings,
      out: v.out,
    },
    positionals,
    ...(workers !== undefined ? { workers } : {}),
    ...(shard !== undefined ? { shard } : {}),
  };
}
