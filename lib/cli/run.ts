/**
 * Command dispatch and error → exit code mapping for `main.ts`.
 *
 * @module
 */
import { type CliArgs, HELP, parseCli } from "./args.ts";
import { loadConfig, parseConfig } from "../config/load.ts";
import { readManifestAt } from "../manifest/read_manifest.ts";
import { fingerprint } from "../manifest/manifest.ts";
import { countsContradiction, manifestInputs } from "../manifest/inputs.ts";
import type { Format } from "../config/schema.ts";
import { generateSteps } from "../generate.ts";
import type { ProtectedFolder } from "../output_dir.ts";
import { GENERATOR } from "../manifest/versions.ts";
import { createProgress } from "./progress.ts";
import { CheckFailure, Interrupted, UsageError } from "../errors.ts";
import { formatVerifyReport, verifySteps } from "../verify.ts";
import { runInterruptible } from "./interrupt.ts";
import { mergeSteps } from "../shard/merge.ts";
import { UNIT } from "../shard/blocks.ts";
import { guardBrokenPipes, stderr, stdout } from "./terminal.ts";
import {
  ReportNotWritten,
  validateWithEvidence,
  validationSummary,
  writeValidationReport,
} from "../validate/validate.ts";
import {
  counted,
  escapeControls,
  folderShown,
  inFolder,
  trimSlashes,
} from "../wording.ts";

/**
 * Validate `dir`, print the verdict, then write the report into `reportDir`: the
 * verdict is shown even when the report cannot be written (then a warning naming the
 * path and the permission to add). Returns the exit code of the verdict.
 */
async function validateAndReport(
  dir: string,
  reportDir: string,
  quiet: boolean,
  noHtml: boolean,
): Promise<number> {
  const { report: r, evidence } = await validateWithEvidence(dir, {
    hashOthers: !noHtml,
  });
  if (!quiet) { for (const line of validationSummary(r)) stdout.line(line); }
  let html: string | undefined;
  if (!noHtml) {
    // Loaded here, not at start-up: the chart layer (vega) is for reports only.
    const { reportHtml } = await import("../validate/report_html.ts");
    html = await reportHtml(r, evidence, { datasetDir: dir, reportDir });
  }
  try {
    const written = writeValidationReport(r, reportDir, html);
    if (!quiet) {
      stdout.line(
        `Report: ${written.slice(0, -1).join(", ")} and ${written.at(-1)}`,
      );
    }
  } catch (e) {
    if (!(e instanceof ReportNotWritten)) throw e;
    stderr.line(`warning: ${e.message}`);
  }
  return r.pass ? 0 : 1;
}

async function generateCommand(args: CliArgs): Promise<number> {
  let loaded = undefined;
  let overrides = args.overrides;
  let expected: string | undefined;
  let protect: ProtectedFolder[] = [];
  if (args.fromManifest !== undefined) {
    const { manifest, dir } = readManifestAt(args.fromManifest);
    const part = (manifest as { part?: { index: number; count: number } }).part;
    if (part !== undefined) {
      throw new UsageError(
        `Cannot regenerate from "${args.fromManifest}": it is the manifest of part ${part?.index} of ${part?.count}, not of a dataset; merge the parts (merge PART... --out DIR) and regenerate from the merged manifest.json`,
      );
    }
    const contradiction = countsContradiction(manifest);
    if (contradiction) {
      throw new UsageError(
        `Cannot regenerate from "${
          inFolder(dir, "manifest.json")
        }": the manifest is damaged, ${contradiction}`,
      );
    }
    const inputs = manifestInputs(manifest);
    if (inputs.problems.length || !inputs.config) {
      throw new UsageError(
        `Cannot regenerate from "${inFolder(dir, "manifest.json")}": ${
          inputs.problems.join("; ")
        }`,
      );
    }
    const text = manifest.config.text;
    const source = `${inFolder(dir, "manifest.json")} config`;
    loaded = {
      config: parseConfig(text, source),
      source,
      bytes: new TextEncoder().encode(text),
      text,
    };
    overrides = {
      seed: manifest.seed,
      sessions: manifest.sessions,
      users: manifest.users,
      formats: manifest.formats as Format[],
      // As verify regenerates it (text for a manifest without recorded encodings).
      encodings: inputs.config.encodings,
      // Never the out recorded in someone else's config: ours, or output/.
      out: args.overrides.out ?? "output",
    };
    // The fingerprint is what is compared: it must be the one the file digests give,
    // or "Reproduced" would vouch for digests nobody checked.
    if (fingerprint(manifest.files) !== manifest.fingerprint) {
      throw new UsageError(
        `Cannot regenerate from "${
          inFolder(dir, "manifest.json")
        }": its fingerprint ${manifest.fingerprint} is not the one its file digests give (${
          fingerprint(manifest.files)
        }); the manifest was altered`,
      );
    }
    expected = manifest.fingerprint;
  } else {
    loaded = loadConfig(args.config);
    const slash = args.config.lastIndexOf("/");
    protect = [{
      path: slash < 0 ? "." : args.config.slice(0, slash) || "/",
      what: `the folder of the config file "${args.config}"`,
    }];
  }
  const progress = createProgress(
    !args.quiet && Deno.stderr.isTerminal(),
    "Generating",
  );
  let result;
  try {
    result = await runInterruptible(generateSteps({
      loaded,
      overrides,
      force: args.force,
      protect,
      expectFingerprint: expected,
      part: args.shard,
      workers: args.workers ??
        defaultWorkers(
          (overrides.sessions ?? loaded.config.sessions ?? 0) /
            (args.shard?.count ?? 1),
        ),
      onProgress: progress.update,
    }));
  } finally {
    progress.done();
  }
  const { manifest, out, notes } = result;
  for (const n of notes) stderr.line(`note: ${n}`);
  if (!args.quiet) {
    const bytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
    // Text alone is said as always; Parquet is named.
    const encodings = manifest.parameters.encodings;
    const as = encodings.length === 1 && encodings[0] === "text"
      ? ""
      : ` as ${
        encodings.map((e) => e === "parquet" ? "Parquet" : e).join(" and ")
      }`;
    const partOf = args.shard
      ? `part ${args.shard.index} of ${args.shard.count}: `
      : "";
    stdout.line(
      `Wrote ${partOf}${counted(manifest.counts.sessions, "session")}, ${
        counted(manifest.counts.turns, "turn")
      }, ${counted(manifest.counts.users, "user")} to ${folderShown(out)} (${
        manifest.formats.join(", ")
      }${as}; ${counted(manifest.files.length, "file")}, ${
        counted(bytes, "byte")
      })`,
    );
    if (args.shard) {
      stdout.line(
        `Part manifest ${inFolder(out, "part.json")}; ${
          args.shard.count === 1
            ? "the one part is the whole dataset: merge it"
            : `once all ${args.shard.count} parts are written, merge them`
        } with: deno run -P main.ts merge PART... --out DIR`,
      );
    } else stdout.line(`Dataset fingerprint ${manifest.fingerprint}`);
  }
  // generateSteps has already refused (CheckFailure, exit 1) a fingerprint that
  // differs from the expected one, before writing anything.
  if (expected !== undefined && !args.quiet) {
    stdout.line("Reproduced: the fingerprint matches the manifest's.");
  }
  if (!args.validate) return 0;
  return await validateAndReport(
    out,
    reportDir(args.report) ?? out,
    args.quiet,
    args.noHtml,
  );
}

/**
 * Generator threads when `--workers` is not given: one per available core but one
 * (the main thread also writes and hashes every file, and Parquet has a writer
 * thread of its own), and at least {@linkcode UNITS_PER_DEFAULT_WORKER} units of
 * 1,024 sessions each (a worker costs about half a second to start). On the 2-core
 * machines this was measured on that is 1: there, 2 threads took as long as 1 for
 * text and longer for Parquet, with 180–280 MB more memory (README "Scaling out").
 */
function defaultWorkers(sessions: number): number {
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  return Math.max(
    1,
    Math.min(
      cores - 1,
      Math.floor(sessions / (UNITS_PER_DEFAULT_WORKER * UNIT)),
    ),
  );
}

/** Units each default thread gets at least (see `defaultWorkers`). */
const UNITS_PER_DEFAULT_WORKER = 4;

async function mergeCommand(args: CliArgs): Promise<number> {
  const progress = createProgress(
    !args.quiet && Deno.stderr.isTerminal(),
    "Merging",
  );
  let result;
  try {
    result = await runInterruptible(mergeSteps({
      parts: args.positionals.map(trimSlashes),
      out: trimSlashes(args.overrides.out!),
      force: args.force,
      onProgress: progress.update,
    }));
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    throw new Interrupted(
      e.signal,
      `Interrupted by ${e.signal}: the merge's unfinished files were removed and "${args.overrides.out}" was left as it was`,
    );
  } finally {
    progress.done();
  }
  for (const n of result.notes) stderr.line(`note: ${n}`);
  if (!args.quiet) {
    const m = result.manifest;
    stdout.line(
      `Merged ${counted(args.positionals.length, "part")} into ${
        folderShown(result.out)
      } (${counted(m.counts.sessions, "session")}, ${
        counted(m.counts.turns, "turn")
      }, ${counted(m.counts.users, "user")}; ${
        counted(m.files.length, "file")
      })`,
    );
    stdout.line(`Dataset fingerprint ${m.fingerprint}`);
  }
  return 0;
}

function validateCommand(args: CliArgs): Promise<number> {
  const dir = datasetDir(args.positionals[0]);
  return validateAndReport(
    dir,
    reportDir(args.report) ?? dir,
    args.quiet,
    args.noHtml,
  );
}

/** The `--report` folder, trailing slashes dropped (as for the dataset folder). */
function reportDir(arg: string | undefined): string | undefined {
  return arg?.replace(/(.)[\\/]+$/, "$1");
}

async function verifyCommand(args: CliArgs): Promise<number> {
  const dir = datasetDir(args.positionals[0]);
  const progress = createProgress(
    !args.quiet && Deno.stderr.isTerminal(),
    "Regenerating",
  );
  let report;
  try {
    report = await runInterruptible(
      verifySteps(dir, { onProgress: progress.update }),
    );
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    throw new Interrupted(
      e.signal,
      `Interrupted by ${e.signal}: verify of "${dir}" stopped before a verdict (it writes nothing but the scratch copies of regenerated Parquet files, which are removed, so nothing is left behind)`,
    );
  } finally {
    progress.done();
  }
  const text = formatVerifyReport(report);
  if (args.quiet && report.ok) return 0;
  stdout.write(text);
  return report.ok ? 0 : 1;
}

/**
 * `bench [DIR]`: run the analytics workload, print the table, write the reports, and
 * exit 1 when an answer disagrees, naming the query and the first differing row. The
 * workload is loaded on demand: DuckDB's native library and the chart renderer (vega)
 * take a quarter of a second to load, which the other commands never need.
 */
async function benchCommand(args: CliArgs): Promise<number> {
  const dir = datasetDir(args.positionals[0]);
  const { runBench, writeBenchReports, disagreements, disagreementFailure } =
    await import("../workload/bench.ts");
  const { formatBenchTable } = await import("../workload/bench_report.ts");
  const r = await runBench({
    dir,
    runs: args.runs,
    warmup: args.warmup,
    db: args.db,
    force: args.force,
    postgres: args.postgres,
    log: args.quiet ? undefined : (line) => stderr.line(line),
    warn: (line) => stderr.line(line),
  });
  if (!args.quiet) stdout.write(formatBenchTable(r));
  const written = await writeBenchReports(
    dir,
    r,
    (line) => stderr.line(`warning: ${line}`),
  );
  if (!args.quiet && written.length) {
    stdout.line(`Reports: ${written.join(", ")}`);
  }
  for (const line of disagreements(r)) stderr.line(`error: ${line}`);
  const failure = disagreementFailure(r);
  if (failure) throw failure;
  if (args.db !== undefined && !args.quiet) {
    // The file holds the first encoding loaded (text, when the dataset has it).
    const duck = r.loads.filter((l) => l.engine === "duckdb");
    const kept = duck.filter((l) => l.encoding === duck[0]?.encoding);
    const from = duck.some((l) => l.encoding !== "text")
      ? `, loaded from ${
        kept[0]?.encoding === "parquet" ? "Parquet" : "text"
      } files`
      : "";
    stdout.line(
      `DuckDB database kept in ${args.db} (schemas ${
        kept.map((l) => l.representation).join(", ")
      }${from})`,
    );
  }
  return 0;
}

/** The folder argument of verify/validate: default `output`, trailing slashes dropped. */
function datasetDir(arg: string | undefined): string {
  if (arg === undefined) return "output";
  if (arg === "") throw new UsageError("The dataset folder argument is empty");
  return trimSlashes(arg);
}

/**
 * What Deno refused, as one sentence naming the permission and the flag that grants
 * it: Deno's own `Requires env access to "TERM", run again with the --allow-env flag`
 * becomes `Deno has no env access to "TERM"; grant it with --allow-env=TERM`.
 */
function missingPermission(e: Error): string {
  const first = escapeControls(e.message.split("\n")[0]);
  const m = /^Requires (\w+) access(?: to "(.*?)")?,/.exec(first);
  if (!m) {
    return `Deno permission missing: ${first} (see --help for the flags to grant)`;
  }
  const [, kind, what] = m;
  const flag = `--allow-${kind}${what === undefined ? "" : `=${what}`}`;
  return `Deno has no ${kind} access${
    what === undefined ? "" : ` to "${what}"`
  }; grant it with ${flag} (see --help for the flags a command needs)`;
}

/**
 * Run one command line. Everything it prints goes through `terminal.ts`, so a reader
 * that closes stdout or stderr early (`| head -1`) changes nothing but what is shown.
 * Standard output that cannot be written for another reason (a full disk) is an I/O
 * error: one line on stderr, and exit code 2 where the command would have given 0
 * (a failed check or an interruption keeps its code). Standard error that cannot be
 * written is dropped silently.
 *
 * @param argv Arguments after the script name.
 * @returns The process exit code (a promise): 0 ok, 1 check failed, 2 usage or input
 *   error, 130 or 143 interrupted by SIGINT or SIGTERM.
 *
 * @example
 * ```ts
 * // Prints the version (0), then one error line for a misspelt flag (2).
 * if (await runCli(["--version"]) !== 0) throw new Error("Expected exit code 0");
 * if (await runCli(["--sesions", "10"]) !== 2) throw new Error("Expected exit code 2");
 * ```
 */
export async function runCli(argv: string[]): Promise<number> {
  guardBrokenPipes();
  const code = await runCommandLine(argv);
  const failure = stdout.failure;
  if (failure === undefined) return code;
  stderr.line(`error: cannot write to standard output: ${failure.message}`);
  return code === 0 ? 2 : code;
}

async function runCommandLine(argv: string[]): Promise<number> {
  try {
    const args = parseCli(argv);
    if (args.help) {
      stdout.line(HELP);
      return 0;
    }
    if (args.version) {
      stdout.line(`${GENERATOR.name} ${GENERATOR.version}`);
      return 0;
    }
    switch (args.command) {
      case "generate":
        return await generateCommand(args);
      case "verify":
        return await verifyCommand(args);
      case "validate":
        return await validateCommand(args);
      case "merge":
        return await mergeCommand(args);
      case "bench": {
        // Loaded on demand: DuckDB's native library and the chart renderer (vega)
        // take a quarter of a second to load, which the other commands never need.
        return await benchCommand(args);
      }
    }
  } catch (e) {
    if (
      e instanceof UsageError || e instanceof CheckFailure ||
      e instanceof Interrupted
    ) {
      stderr.line(`error: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof Deno.errors.NotCapable) {
      // A permission the command line did not grant (e.g. an environment variable a
      // dependency reads): a usage error, not a crash.
      stderr.line(`error: ${missingPermission(e)}`);
      return 2;
    }
    throw e;
  }
}
