/**
 * How many users a run can hold in memory, checked before any work so that no input
 * ends in a V8 out-of-memory crash.
 *
 * Users are regenerated on demand from their index (`model/population.ts`): a
 * generator thread holds only the cumulative activity weights, 8 bytes per user,
 * plus 8 more while they are built. Sessions are streamed: memory does not grow with
 * the number of sessions. Each generator thread (`--workers`) holds its own table.
 * The budget below charges 24 bytes per user (the 16 with a margin) against V8's
 * heap limit, which each thread has on its own.
 *
 * @module
 */
import { getHeapStatistics } from "node:v8";
import { UsageError } from "./errors.ts";
import { thousands } from "./number_format.ts";
import { counted } from "./wording.ts";

/**
 * Bytes budgeted per user in each generator thread (measured: 16 while the activity
 * table is built, 8 after; see the module doc).
 */
export const BYTES_PER_USER = 24;
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
 * Largest user count a run can hold under a heap limit.
 *
 * @param heapLimit V8 heap limit, bytes (default: this process's).
 * @returns A user count ≥ 0.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { maxUsers } from "./memory.ts";
 * strictEqual(maxUsers(4192 * 2 ** 20), 174762666);
 * ```
 */
export function maxUsers(heapLimit: number = heapLimitBytes()): number {
  return Math.max(
    0,
    Math.floor((heapLimit - HEAP_RESERVE_BYTES) / BYTES_PER_USER),
  );
}

/**
 * Refuse, before any work, a user count this process cannot hold.
 *
 * @param users Users the run would generate, count.
 * @param verb What the run does, for the message ("generate", "regenerate").
 * @param heapLimit V8 heap limit, bytes (default: this process's).
 * @throws {UsageError} When `users` exceeds {@linkcode maxUsers}; the message names
 *   the limit, the heap limit and how to raise it.
 */
export function checkUserMemory(
  users: number,
  verb = "generate",
  heapLimit: number = heapLimitBytes(),
): void {
  const max = maxUsers(heapLimit);
  if (users <= max) return;
  const perUser = BYTES_PER_USER;
  const neededMiB = Math.ceil(
    (HEAP_RESERVE_BYTES + users * perUser) / 2 ** 20,
  );
  throw new UsageError(
    `Cannot ${verb} ${
      counted(users, "user")
    }: a generator thread can hold at most ${thousands(max)} (V8 heap limit ${
      thousands(Math.floor(heapLimit / 2 ** 20))
    } MiB, ${perUser} bytes per user budgeted); raise the limit with deno run --v8-flags=--max-old-space-size=${neededMiB} (MiB, needs that much free memory) or use fewer users`,
  );
}
