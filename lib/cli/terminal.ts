/**
 * Every byte the command line prints goes through here. A closed pipe (the reader of
 * stdout or stderr is gone, as in `verify | head -1`) is not an error: the stream is
 * marked closed, later writes to it are dropped, and the command keeps its own exit
 * code. Any other write failure (a full disk, `>/dev/full`) also closes the stream,
 * and is kept as its `failure` for the caller to report: never thrown.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Where bytes go: `Deno.stdout`, `Deno.stderr`, or a test double. */
export interface Writable {
  /** Write some bytes, returning how many were written. */
  writeSync(p: Uint8Array): number;
}

/** A stream the reader may close at any time. */
export class Channel {
  #sink: Writable;
  #closed = false;
  #failure: Error | undefined;

  /**
   * Wrap a stream.
   *
   * @param sink The stream written to.
   */
  constructor(sink: Writable) {
    this.#sink = sink;
  }

  /** Whether writes are dropped: the reader has gone, or a write failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The first write error that was not a broken pipe (e.g. `No space left on device`),
   * or undefined. Once set, the stream is closed.
   */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Write text as UTF-8, all of it, unless the stream is closed. Never throws: a
   * broken pipe closes the stream; any other error closes it and is kept in `failure`.
   *
   * @param text The text, with its own line endings.
   * @example
   * ```ts
   * // A sink whose reader has gone: the write is dropped, nothing is thrown.
   * const gone = new Channel({
   *   writeSync(): number {
   *     throw new Deno.errors.BrokenPipe("reader closed");
   *   },
   * });
   * gone.write("hello\n");
   * if (!gone.closed || gone.failure !== undefined) throw new Error("Expected closed, no failure");
   * // Any other error closes the stream and is kept.
   * const full = new Channel({
   *   writeSync(): number {
   *     throw new Error("No space left on device");
   *   },
   * });
   * full.write("hello\n");
   * if (full.failure?.message !== "No space left on device") throw new Error("Expected the failure kept");
   * ```
   */
  write(text: string): void {
    if (this.#closed) return;
    let data = encoder.encode(text);
    try {
      while (data.length > 0) data = data.subarray(this.#sink.writeSync(data));
    } catch (e) {
      this.#closed = true;
      if (!isBrokenPipe(e)) {
        this.#failure = e instanceof Error ? e : new Error(String(e));
      }
    }
  }

  /**
   * Write one line: the text and an LF.
   *
   * @param text The line, without its ending.
   */
  line(text: string): void {
    this.write(`${text}\n`);
  }
}

/** Whether an error is a closed pipe (EPIPE), i.e. the reader is gone. */
export function isBrokenPipe(e: unknown): boolean {
  return e instanceof Deno.errors.BrokenPipe ||
    (e instanceof Error && (e as { code?: unknown }).code === "EPIPE");
}

/** Standard output: results and reports. */
export const stdout: Channel = new Channel(Deno.stdout);

/** Standard error: errors, notes and the progress line. */
export const stderr: Channel = new Channel(Deno.stderr);

let guarded = false;

/**
 * Treat a broken pipe raised outside our own writes (an asynchronous write, e.g. by a
 * dependency's `console` use) as "reader gone" too, instead of a crash with a stack
 * trace. Idempotent.
 */
export function guardBrokenPipes(): void {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("unhandledrejection", (ev) => {
    if (isBrokenPipe(ev.reason)) ev.preventDefault();
  });
  globalThis.addEventListener("error", (ev) => {
    if (isBrokenPipe(ev.error)) ev.preventDefault();
  });
}
