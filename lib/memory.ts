/**
 * How many users a run can hold in memory, checked before any work so that no input
 * ends in a V8 out-of-memory crash.
 *
 * A run holds a few typed arrays per user (activity weight, its cumulative table,
 * device) and, with raw output, each user's attributes, quoted name and e-mail (see
 * `RawUserTable`). Sessions are streamed: memory does not grow with the number
 * of sessions. Measured with Deno 2.9.6 (default config, 1,000 sessions, 100,000 to
 * 6,000,000 users): with raw output about 67 bytes of V8 heap and 47 bytes of typed
 * arrays per user (peak RSS slope 109–125 bytes per user); without raw output about
 * 20 bytes of typed arrays and no heap per user. The budget below charges every byte
 * per user, on or off the heap, against V8's heap limit, with a margin.
 *
 * @module
 */
import { getHeapStatistics } from "node:v8";
import type { Format } from "./config/schema.ts";
import { UsageError } from "./errors.ts";
import { thousands } from "./number_format.ts";
import { counted } from "./wording.ts";

/** Bytes budgeted per user with raw output (measured ≈ 114, see the module doc). */
export const BYTES_PER_USER_RAW = 160;
/** Bytes budgeted per user without raw output (measured ≈ 20). */
export const BYTES_PER_USER_OTHER = 32;
/**
 * Bytes of the heap limit kept for everything but the users: V8's young generation
 * (96 MiB of the limit), the runtime, Faker's locales and the model (≈ 40 MiB).
 */
export const HEAP_RESERVE_BYTES = 192 * 2 ** 20;

/** V8's heap limit of this process, bytes (set by `--max-old-space-size`). */
export function heapLimitBytes(): number {
  return getHeapStatistics().heap_size_limit;
}

/**
 * Largest user count a run with `formats` can hold under a heap limit.
 *
 * @param formats Representations the run writes (only whether raw is among them
 *   matters).
 * @param heapLimit V8 heap limit, bytes (default: this process's).
 * @returns A user count ≥ 0.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { maxUsers } from "./memory.ts";
 * strictEqual(maxUsers(["raw"], 4192 * 2 ** 20), 26214400);
 * ```
 */
export function maxUsers(
  formats: readonly Format[],
  heapLimit: number = heapLimitBytes(),
): number {
  const perUser = formats.includes("raw")
    ? BYTES_PER_USER_RAW
    : BYTES_PER_USER_OTHER;
  return Math.max(0, Math.floor((heapLimit - HEAP_RESERVE_BYTES) / perUser));
}

/**
 * Refuse, before any work, a user count this process cannot hold.
 *
 * @param users Users the run would generate, count.
 * @param formats Representations it would write.
 * @param verb What the run does, for the message ("generate", "regenerate").
 * @param heapLimit V8 heap limit, bytes (default: this process's).
 * @throws {UsageError} When `users` exceeds {@linkcode maxUsers}; the message names
 *   the limit, the heap limit and how to raise it.
 */
export function checkUserMemory(
  users: number,
  formats: readonly Format[],
  verb = "generate",
  heapLimit: number = heapLimitBytes(),
): void {
  const max = maxUsers(formats, heapLimit);
  if (users <= max) return;
  const raw = formats.includes("raw");
  const perUser = raw ? BYTES_PER_USER_RAW : BYTES_PER_USER_OTHER;
  const neededMiB = Math.ceil(
    (HEAP_RESERVE_BYTES + users * perUser) / 2 ** 20,
  );
  throw new UsageError(
    `Cannot ${verb} ${counted(users, "user")}: ${
      raw ? "with" : "without"
    } raw output this process can hold at most ${
      thousands(max)
    } (V8 heap limit ${
      thousands(Math.floor(heapLimit / 2 ** 20))
    } MiB, ${perUser} bytes per user budgeted); raise the limit with deno run --v8-flags=--max-old-space-size=${neededMiB} (MiB, needs that much free memory) or use fewer users`,
  );
}
