/**
 * Command dispatch and error → exit code mapping for `main.ts`.
 *
 * @module
 */
import { type CliArgs, HELP } from "./args.ts";
import { loadConfig, parseConfig } from "../config/load.ts";
import { readManifestAt } from "../manifest/read_manifest.ts";
import { manifestInputs } from "../manifest/inputs.ts";
import type { Format } from "../config/schema.ts";
import { generateSteps } from "../generate.ts";
import { GENERATOR } from "../manifest/versions.ts";
import { createProgress } from "./progress.ts";
import { thousands } from "../sink/number_format.ts";
import { CheckFailure, Interrupted, UsageError } from "../errors.ts";
import { formatVerifyReport, verifySteps } from "../manifest/verify.ts";
import { runInterruptible } from "./interrupt.ts";
import { guardBrokenPipes, stderr, stdout } from "./terminal.ts";
import { runValidate, type ValidationReport } from "../validate/validate.ts";

function printValidation(
  r: ValidationReport,
  dir: string,
  quiet: boolean,
): void {
  if (quiet) return;
  const failed = r.checks.filter((c) => !c.pass);
  const rulesFailed = r.rules.filter((x) => !x.pass);
  for (const c of failed) {
    stdout.line(
      `FAIL  ${c.quantity}: ${c.test}, statistic ${c.statistic}, Holm p ${c.pAdjusted}; target ${c.target}; observed ${c.observed}`,
    );
  }
  for (const x of rulesFailed) {
    stdout.line(`FAIL  ${x.rule}: ${x.violations} violations`);
  }
  stdout.line(
    `validate: ${r.pass ? "PASS" : "FAIL"}, ${
      r.checks.length - failed.length
    }/${r.checks.length} statistical checks and ${
      r.rules.length - rulesFailed.length
    }/${r.rules.length} rules pass (Holm, family-wise 1%); report in ${dir}/validation.md and ${dir}/validation.json`,
  );
}

async function generateCommand(args: CliArgs): Promise<number> {
  let loaded = undefined;
  let overrides = args.overrides;
  let expected: string | undefined;
  if (args.fromManifest !== undefined) {
    const { manifest, dir } = readManifestAt(args.fromManifest);
    const inputs = manifestInputs(manifest);
    if (inputs.problems.length || !inputs.config) {
      throw new UsageError(
        `Cannot regenerate from "${dir}/manifest.json": ${
          inputs.problems.join("; ")
        }`,
      );
    }
    const text = manifest.config.text;
    loaded = {
      config: parseConfig(text, `${dir}/manifest.json config`),
      bytes: new TextEncoder().encode(text),
      text,
    };
    overrides = {
      seed: manifest.seed,
      sessions: manifest.sessions,
      users: manifest.users,
      formats: manifest.formats as Format[],
      // Never the out recorded in someone else's config: ours, or output/.
      out: args.overrides.out ?? "output",
    };
    expected = manifest.fingerprint;
  } else loaded = loadConfig(args.config);
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
      expectFingerprint: expected,
      onProgress: progress.update,
    }));
  } finally {
    progress.done();
  }
  const { manifest, out, notes } = result;
  for (const n of notes) stderr.line(`note: ${n}`);
  if (!args.quiet) {
    const bytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
    stdout.line(
      `Wrote ${thousands(manifest.counts.sessions)} sessions, ${
        thousands(manifest.counts.turns)
      } turns, ${thousands(manifest.counts.users)} users to ${out}/ (${
        manifest.formats.join(", ")
      }; ${manifest.files.length} files, ${thousands(bytes)} bytes)`,
    );
    stdout.line(`Dataset fingerprint ${manifest.fingerprint}`);
  }
  if (expected !== undefined) {
    if (manifest.fingerprint !== expected) {
      stderr.line(
        `error: the regenerated dataset differs from the manifest's (fingerprint ${expected}); run verify on the original folder for details`,
      );
      return 1;
    }
    if (!args.quiet) {
      stdout.line("Reproduced: the fingerprint matches the manifest's.");
    }
  }
  if (!args.validate) return 0;
  const r = await runValidate(out);
  printValidation(r, out, args.quiet);
  return r.pass ? 0 : 1;
}

async function validateCommand(args: CliArgs): Promise<number> {
  const dir = datasetDir(args.positionals[0]);
  const r = await runValidate(dir);
  printValidation(r, dir, args.quiet);
  return r.pass ? 0 : 1;
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
      `Interrupted by ${e.signal}: verify of "${dir}" stopped before a verdict (it writes nothing, so nothing is left behind)`,
    );
  } finally {
    progress.done();
  }
  const text = formatVerifyReport(report);
  if (args.quiet && report.ok) return 0;
  stdout.write(text);
  return report.ok ? 0 : 1;
}

/** The folder argument of verify/validate: default `output`, trailing slashes dropped. */
function datasetDir(arg: string | undefined): string {
  if (arg === undefined) return "output";
  if (arg === "") throw new UsageError("The dataset folder argument is empty");
  return arg.replace(/(.)[\\/]+$/, "$1");
}

/**
 * Run one command line. Everything it prints goes through `terminal.ts`, so a reader
 * that closes stdout or stderr early (`| head -1`) changes nothing but what is shown.
 *
 * @param argv Arguments after the script name.
 * @param parse The command-line parser.
 * @returns The process exit code (a promise): 0 ok, 1 check failed, 2 usage or input
 *   error, 130 or 143 interrupted by SIGINT or SIGTERM.
 */
export async function runCli(
  argv: string[],
  parse: (a: string[]) => CliArgs,
): Promise<number> {
  guardBrokenPipes();
  try {
    const args = parse(argv);
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
      stderr.line(
        `error: Deno permission missing: ${
          e.message.split("\n")[0]
        } (run with -P, or see --help for the flags to grant)`,
      );
      return 2;
    }
    throw e;
  }
}
