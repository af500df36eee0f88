/**
 * chatsynth entry point: parse the command line, call one function from `lib/`, map
 * errors to exit codes (0 ok, 1 check failed, 2 usage or input error; docs/design.md §2.1).
 *
 * @module
 */
import { runCli } from "./lib/cli/run.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
