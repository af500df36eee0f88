/**
 * Bad command lines (docs/design.md §2, §2.1): every rejection is a `UsageError` (exit code
 * 2) whose message names the flag and the value at fault.
 */
import assert from "node:assert/strict";
import { type CliArgs, parseCli } from "../lib/cli/args.ts";
import { UsageError } from "../lib/errors.ts";

function usageError(argv: string[]): UsageError {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      assert.equal(e.exitCode, 2);
      return e;
    }
    throw e;
  }
  assert.fail(`expected a UsageError for ${JSON.stringify(argv)}`);
}

/** Register a test: `argv` is rejected with exactly `expected` (or a match). */
function bad(argv: string[], expected: string | RegExp): void {
  Deno.test(`parseCli rejects ${JSON.stringify(argv)}`, () => {
    const message = usageError(argv).message;
    if (typeof expected === "string") assert.equal(message, expected);
    else assert.match(message, expected);
  });
}

const MAX: Record<string, number> = {
  sessions: 100000000000,
  users: 100000000,
};
const COUNT = (flag: string, v: string) =>
  `Invalid value for --${flag}: expected an integer from 1 to ${
    MAX[flag]
  }, received "${v}"`;
const SEED = (v: string) =>
  `Invalid value for --seed: expected an integer from 0 to 9007199254740991, received "${v}"`;
const DASH = (flag: string, v: string) =>
  `Missing or ambiguous value for --${flag}: received "${v}"; to pass a value starting with "-", write --${flag}=${v}`;

// --- counts ----------------------------------------------------------------------

bad(["--users", "100000001"], COUNT("users", "100000001"));
bad(["--sessions", "100000000001"], COUNT("sessions", "100000000001"));

bad(["--sessions", "abc"], COUNT("sessions", "abc"));
bad(["--sessions", "0"], COUNT("sessions", "0"));
bad(["--sessions", "1.5"], COUNT("sessions", "1.5"));
bad(["--sessions", "-1"], DASH("sessions", "-1"));
bad(["--sessions=-1"], COUNT("sessions", "-1"));
bad(["--sessions", ""], COUNT("sessions", ""));
bad(["--sessions", "1e3"], COUNT("sessions", "1e3"));
bad(["--users", "x"], COUNT("users", "x"));
bad(["--users", "0"], COUNT("users", "0"));
bad(["--users", "-3"], DASH("users", "-3"));
bad(["--users", "2.0"], COUNT("users", "2.0"));
bad(["--users", "9007199254740992"], COUNT("users", "9007199254740992"));

// --- seed --------------------------------------------------------------------------

bad(["--seed", "-1"], DASH("seed", "-1"));
bad(["--seed=-1"], SEED("-1"));
bad(["--seed", "1e3"], SEED("1e3"));
bad(["--seed", "9007199254740992"], SEED("9007199254740992"));
bad(["--seed", "0x10"], SEED("0x10"));
bad(["--seed", ""], SEED(""));
bad(["--seed", "1", "--seed", "-5"], DASH("seed", "-5"));

Deno.test("parseCli accepts the seed bounds 0 and 2^53 - 1", () => {
  assert.equal(parseCli(["--seed", "0"]).overrides.seed, 0);
  assert.equal(
    parseCli(["--seed", "9007199254740991"]).overrides.seed,
    9007199254740991,
  );
});

// --- formats --------------------------------------------------------------------------

bad(
  ["--formats", "raw,foo"],
  'Invalid value for --formats: "foo" is not one of raw, star, snowflake',
);
bad(
  ["--formats", "raw,raw"],
  'Invalid value for --formats: "raw,raw" lists a format twice',
);
bad(
  ["--formats", "RAW"],
  'Invalid value for --formats: "RAW" is not one of raw, star, snowflake',
);
bad(
  ["--encoding", "csv"],
  'Invalid value for --encoding: "csv" is not one of text, parquet',
);
bad(
  ["--encoding", "text,text"],
  'Invalid value for --encoding: "text,text" lists an encoding twice',
);
bad(
  ["--encoding", ""],
  'Invalid value for --encoding: "" is not one of text, parquet',
);
bad(
  ["--from-manifest", "m.json", "--encoding", "parquet"],
  "--encoding cannot be combined with --from-manifest: the manifest fixes it",
);
bad(
  ["--formats", ""],
  'Invalid value for --formats: "" is not one of raw, star, snowflake',
);
bad(
  ["--formats", "raw,"],
  'Invalid value for --formats: "" is not one of raw, star, snowflake',
);

// --- flags, values and positionals ----------------------------------------------------

bad(["--frobnicate"], "Unknown option --frobnicate; see --help");
bad(["-x"], "Unknown option -x; see --help");
bad(
  ["--sessions", "3", "--sessions", "4"],
  "--sessions is given more than once; give it once",
);
bad(["--force", "--force"], "--force is given more than once; give it once");
bad(["--sessions"], "Option '--sessions <value>' argument missing; see --help");
bad(
  ["--users", "5", "--seed"],
  "Option '--seed <value>' argument missing; see --help",
);
bad(["--sessions", "--quiet"], DASH("sessions", "--quiet"));
bad(
  ["--quiet=yes"],
  "Option '-q, --quiet' does not take an argument; see --help",
);
bad(
  ["foo"],
  'Unknown command or argument "foo"; commands: generate, verify, validate, bench, merge (see --help)',
);
bad(
  ["generate", "--sessions", "5", "extra"],
  'Unknown command or argument "extra"; commands: generate, verify, validate, bench, merge (see --help)',
);
bad(
  ["--force", "yes"],
  'Unknown command or argument "yes"; commands: generate, verify, validate, bench, merge (see --help)',
);
bad(["--out", ""], "Invalid value for --out: the folder name is empty");
bad(["--out", "  "], "Invalid value for --out: the folder name is empty");
bad(["--config", ""], "Invalid value for --config: the path is empty");

// --- bench and its flags ----------------------------------------------------------

const RUNS = (v: string) =>
  `Invalid value for --runs: expected an integer from 1 to 1000, received "${v}"`;
const WARMUP = (v: string) =>
  `Invalid value for --warmup: expected an integer from 0 to 100, received "${v}"`;
const PG_URL = (v: string) =>
  `Invalid value for --postgres: expected a URL like postgres://user:password@host:5432/database, received "${v}"`;

bad(["bench", "--runs", "0"], RUNS("0"));
bad(["bench", "--runs", "1001"], RUNS("1001"));
bad(["bench", "--runs", "2.5"], RUNS("2.5"));
bad(["bench", "--runs", ""], RUNS(""));
bad(["bench", "--runs", "1e2"], RUNS("1e2"));
bad(["bench", "--runs=-3"], RUNS("-3"));
bad(["bench", "--runs", "-3"], DASH("runs", "-3"));
bad(["bench", "--warmup", "101"], WARMUP("101"));
bad(["bench", "--warmup", "x"], WARMUP("x"));
bad(["bench", "--warmup=-1"], WARMUP("-1"));
bad(
  ["bench", "--runs", "3", "--runs", "4"],
  "--runs is given more than once; give it once",
);
bad(["bench", "--db", ""], "Invalid value for --db: the file name is empty");
bad(["bench", "--db", " "], "Invalid value for --db: the file name is empty");
bad(["bench", "--db"], "Option '--db <value>' argument missing; see --help");
bad(
  ["bench", "--force"],
  "--force applies to bench only with --db: it lets bench replace an existing database file",
);
bad(["bench", "--postgres", "localhost:5432"], PG_URL("localhost:5432"));
bad(["bench", "--postgres", "mysql://u@h/db"], PG_URL("mysql://u@h/db"));
bad(["bench", "--postgres", ""], PG_URL(""));
bad(
  ["bench", "a", "b"],
  'bench takes one folder, received 2: "a" "b"',
);
bad(
  ["bench", "--report", "r"],
  "--report does not apply to bench: it writes bench.json, bench.md and bench.svg next to the dataset",
);
for (const flag of ["sessions", "seed", "out", "config", "formats"]) {
  bad(
    ["bench", `--${flag}`, "1"],
    `--${flag} does not apply to bench: it reads everything from the dataset's manifest.json`,
  );
}
bad(
  ["bench", "--validate"],
  "--validate does not apply to bench: it reads everything from the dataset's manifest.json",
);
// The bench flags belong to bench alone.
for (const command of [[], ["generate"], ["verify"], ["validate", "d"]]) {
  const name = command[0] ?? "generate";
  bad(
    [...command, "--runs", "3"],
    `--runs does not apply to ${name}: only bench times queries`,
  );
  bad(
    [...command, "--warmup", "0"],
    `--warmup does not apply to ${name}: only bench times queries`,
  );
  bad(
    [...command, "--db", "x.duckdb"],
    `--db does not apply to ${name}: only bench loads a database`,
  );
  bad(
    [...command, "--postgres", "postgres://h/db"],
    `--postgres does not apply to ${name}: only bench loads a database`,
  );
}

Deno.test("parseCli: bench with its defaults", () => {
  const expected: CliArgs = {
    command: "bench",
    help: false,
    version: false,
    quiet: false,
    force: false,
    validate: false,
    noHtml: false,
    runs: 5,
    warmup: 1,
    config: "config.yaml",
    overrides: {
      seed: undefined,
      sessions: undefined,
      users: undefined,
      formats: undefined,
      encodings: undefined,
      out: undefined,
    },
    positionals: [],
  };
  assert.deepEqual(parseCli(["bench"]), expected);
  assert.deepEqual(parseCli(["bench", "data/small"]), {
    ...expected,
    positionals: ["data/small"],
  });
});

Deno.test("parseCli: bench with every flag", () => {
  const args = parseCli([
    "bench",
    "out/x",
    "--runs",
    "1000",
    "--warmup=0",
    "--db",
    "bench.duckdb",
    "--force",
    "--postgres",
    "postgresql://chatsynth:pw@127.0.0.1:5432/chatsynth",
    "-q",
  ]);
  assert.equal(args.command, "bench");
  assert.deepEqual(args.positionals, ["out/x"]);
  assert.equal(args.runs, 1000);
  assert.equal(args.warmup, 0);
  assert.equal(args.db, "bench.duckdb");
  assert.equal(args.force, true);
  assert.equal(
    args.postgres,
    "postgresql://chatsynth:pw@127.0.0.1:5432/chatsynth",
  );
  assert.equal(args.quiet, true);
  const low = parseCli(["bench", "--runs", "1", "--warmup", "100"]);
  assert.equal(low.runs, 1);
  assert.equal(low.warmup, 100);
  assert.equal("db" in low || "postgres" in low, false);
});

// --- good command lines -----------------------------------------------------------------

Deno.test("parseCli: no arguments means generate with the config's values", () => {
  const expected: CliArgs = {
    command: "generate",
    help: false,
    version: false,
    quiet: false,
    force: false,
    validate: false,
    noHtml: false,
    runs: 5,
    warmup: 1,
    config: "config.yaml",
    overrides: {
      seed: undefined,
      sessions: undefined,
      users: undefined,
      formats: undefined,
      encodings: undefined,
      out: undefined,
    },
    positionals: [],
  };
  assert.deepEqual(parseCli([]), expected);
});

Deno.test("parseCli: a full command line parses to the expected overrides", () => {
  const expected: CliArgs = {
    command: "generate",
    help: false,
    version: false,
    quiet: true,
    force: true,
    validate: false,
    noHtml: false,
    runs: 5,
    warmup: 1,
    config: "other.yaml",
    overrides: {
      seed: 42,
      sessions: 10000,
      users: 2500,
      formats: ["raw", "snowflake"],
      encodings: ["parquet", "text"],
      out: "out/big",
    },
    positionals: [],
  };
  assert.deepEqual(
    parseCli([
      "generate",
      "--sessions",
      "10000",
      "--users=2500",
      "--seed",
      "42",
      "--formats",
      "raw,snowflake",
      "--encoding",
      "parquet, text",
      "--out",
      "out/big",
      "--config",
      "other.yaml",
      "--force",
      "-q",
    ]),
    expected,
  );
});

Deno.test("parseCli: seed is a number and formats a trimmed list", () => {
  const { overrides } = parseCli([
    "--seed",
    "20251130",
    "--formats",
    " star , raw ",
  ]);
  assert.equal(overrides.seed, 20251130);
  assert.equal(typeof overrides.seed, "number");
  assert.deepEqual(overrides.formats, ["star", "raw"]);
});

Deno.test("parseCli: a value starting with '-' is accepted in --flag=value form", () => {
  assert.equal(parseCli(["--out=-dir"]).overrides.out, "-dir");
});

Deno.test("parseCli: --help and --version", () => {
  assert.equal(parseCli(["--help"]).help, true);
  assert.equal(parseCli(["-h"]).help, true);
  assert.equal(parseCli(["-V"]).version, true);
  assert.equal(parseCli(["--version"]).version, true);
});
