/**
 * Error kinds that map to exit codes (docs/design.md §2.1): `main.ts` prints their message
 * as one sentence, without a stack trace.
 *
 * @module
 */

/**
 * Bad command line, bad config, unusable input or output path: exit code 2.
 *
 * @example
 * ```ts
 * const e = new UsageError('Unknown flag "--sesions"');
 * if (!(e instanceof Error) || e.exitCode !== 2) throw new Error("Expected exit code 2");
 * ```
 */
export class UsageError extends Error {
  /** Process exit code for this error. */
  readonly exitCode = 2;
  /**
   * An error the CLI prints as `error: <message>`, exiting with code 2.
   *
   * @param message One sentence naming what is wrong and where.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Whether a file-system error is a refused permission: Deno's (`NotCapable`, a
 * permission flag missing) or the file system's (`PermissionDenied`).
 *
 * @param e Anything caught.
 * @example
 * ```ts
 * import { isPermissionError } from "./errors.ts";
 * isPermissionError(new Deno.errors.NotCapable("no")); // true
 * isPermissionError(new Deno.errors.NotFound("no")); // false
 * ```
 */
export function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable ||
    e instanceof Deno.errors.PermissionDenied;
}

/**
 * A refused read as a one-sentence usage error naming the path and the way out.
 *
 * @param e Anything caught while reading `path`.
 * @param path The path shown, e.g. `out/raw/sessions.jsonl`.
 * @param grantFor What `--allow-read` should cover, e.g. "it" or "this folder".
 * @returns `Cannot read "<path>": permission denied (grant --allow-read for <grantFor>)`
 *   when {@linkcode isPermissionError} holds for `e`; `undefined` otherwise (the
 *   caller handles or rethrows `e`).
 * @example
 * ```ts
 * import { readDeniedError } from "./errors.ts";
 * const e = new Deno.errors.PermissionDenied("denied");
 * readDeniedError(e, "out/SHA256SUMS", "this folder")?.message;
 * // 'Cannot read "out/SHA256SUMS": permission denied (grant --allow-read for this folder)'
 * ```
 */
export function readDeniedError(
  e: unknown,
  path: string,
  grantFor: string,
): UsageError | undefined {
  return isPermissionError(e)
    ? new UsageError(
      `Cannot read "${path}": permission denied (grant --allow-read for ${grantFor})`,
    )
    : undefined;
}

/**
 * A check (verify, validate) ran and found a difference: exit code 1.
 *
 * @example
 * ```ts
 * if (new CheckFailure("1 file differs").exitCode !== 1) throw new Error("Expected exit code 1");
 * ```
 */
export class CheckFailure extends Error {
  /** Process exit code for this error. */
  readonly exitCode = 1;
  /**
   * An error the CLI prints as `error: <message>`, exiting with code 1.
   *
   * @param message One sentence naming what differs.
   */
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** Signals that stop a run cleanly, and the exit code each gives (128 + number). */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** A signal that stops a run: `SIGINT` (Ctrl-C) or `SIGTERM`. */
export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

/**
 * The run was stopped by SIGINT or SIGTERM at a step boundary, after its own
 * unfinished files were removed: exit code 130 (SIGINT) or 143 (SIGTERM), as a shell
 * reports a process killed by that signal.
 *
 * @example
 * ```ts
 * const e = new Interrupted("SIGTERM");
 * if (e.exitCode !== 143 || e.message !== "Interrupted by SIGTERM") throw new Error(e.message);
 * ```
 */
export class Interrupted extends Error {
  /** Process exit code for this error: 128 + the signal's number. */
  readonly exitCode: number;
  /**
   * An interruption the CLI prints as `error: <message>`.
   *
   * @param signal The signal received.
   * @param message One sentence saying what was interrupted and what was left.
   */
  constructor(
    readonly signal: InterruptSignal,
    message = `Interrupted by ${signal}`,
  ) {
    super(message);
    this.name = "Interrupted";
    this.exitCode = INTERRUPT_EXIT_CODES[signal];
  }
}
