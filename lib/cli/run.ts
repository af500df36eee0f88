/**
 * Command dispatch and error → exit code mapping for `main.ts`.
 *
 * @module
 */
import { type CliArgs, HELP } from "./args.ts";
import { loadConfig } from "../config/load.ts";
import { runGenerate } from "../generate.ts";
import { GENERATOR } from "../manifest/versions.ts";
import { createProgress, thousands } from "./progress.ts";
import { CheckFailure, UsageError } from "../errors.ts";
import { formatVerifyReport, verifyDataset } from "../manifest/verify.ts";

function generateCommand(args: CliArgs): void {
  const loaded = loadConfig(args.config);
  const progress = createProgress(
    !args.quiet && Deno.stderr.isTerminal(),
    "Generating",
  );
  const { manifest, out } = runGenerate({
    loaded,
    overrides: args.overrides,
    force: args.force,
    onProgress: progress.update,
  });
  progress.done();
  if (!args.quiet) {
    const bytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
    console.log(
      `Wrote ${thousands(manifest.counts.sessions)} sessions, ${
        thousands(manifest.counts.turns)
      } turns, ${thousands(manifest.counts.users)} users to ${out}/ (${
        manifest.formats.join(", ")
      }; ${manifest.files.length} files, ${thousands(bytes)} bytes)`,
    );
    console.log(`Dataset fingerprint ${manifest.fingerprint}`);
  }
}

function verifyCommand(args: CliArgs): number {
  const dir = (args.positionals[0] ?? "output").replace(/[\\/]+$/, "") || ".";
  const progress = createProgress(
    !args.quiet && Deno.stderr.isTerminal(),
    "Regenerating",
  );
  const report = verifyDataset(dir, { onProgress: progress.update });
  progress.done();
  const text = formatVerifyReport(report);
  if (args.quiet && report.ok) return 0;
  Deno.stdout.writeSync(new TextEncoder().encode(text));
  return report.ok ? 0 : 1;
}

/**
 * Run one command line.
 *
 * @param argv Arguments after the script name.
 * @param parse The command-line parser.
 * @returns The process exit code.
 */
export function runCli(
  argv: string[],
  parse: (a: string[]) => CliArgs,
): number {
  try {
    const args = parse(argv);
    if (args.help) {
      console.log(HELP);
      return 0;
    }
    if (args.version) {
      console.log(`${GENERATOR.name} ${GENERATOR.version}`);
      return 0;
    }
    switch (args.command) {
      case "generate":
        generateCommand(args);
        return 0;
      case "verify":
        return verifyCommand(args);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof CheckFailure) {
      console.error(`error: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
}
