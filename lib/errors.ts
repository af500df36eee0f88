/**
 * Error kinds that map to exit codes (docs/design.md §2.1): `main.ts` prints their message
 * as one sentence, without a stack trace.
 *
 * @module
 */

/** Bad command line, bad config, unusable input or output path: exit code 2. */
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

/** A check (verify, validate) ran and found a difference: exit code 1. */
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
