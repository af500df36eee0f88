/**
 * The `bench` command (docs/design.md §2): load a dataset into DuckDB (and
 * PostgreSQL), time the reference queries, compare their answers, write the reports.
 *
 * @module
 */
import type { CliArgs } from "../cli/args.ts";
import { UsageError } from "../errors.ts";

/**
 * Run `bench` for a parsed command line.
 *
 * @param args The parsed command line (`command` is "bench").
 * @returns The exit code: 0 when every representation agrees, 1 otherwise.
 * @throws {UsageError} Always, for now: the command is not built yet.
 */
export function benchCommand(args: CliArgs): Promise<number> {
  void args;
  throw new UsageError("bench is not built yet");
}
