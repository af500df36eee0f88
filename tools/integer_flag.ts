/**
 * The integer flags of the measurement tools (`output_reuse`, `state_reuse`,
 * `raw_stream`): one parser, one message.
 *
 * @module
 */

/**
 * Parse a whole-number flag value: digits, optionally grouped with `_`.
 *
 * @param flag The flag's name without dashes, for the message.
 * @param value The text given.
 * @param min Smallest accepted value.
 * @param max Largest accepted value (default 2^53 − 1).
 * @returns The number.
 * @throws {RangeError} When the text is not such an integer or is out of range; the
 *   message names the flag, the range and the text received.
 * @example
 * ```ts
 * if (parseInteger("draws", "1_000", 1) !== 1000) throw new Error("grouped digits");
 * ```
 */
export function parseInteger(
  flag: string,
  value: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value.replaceAll("_", ""));
  if (
    !/^[0-9_]+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max
  ) {
    throw new RangeError(
      `Invalid value for --${flag}: expected an integer from ${min} to ${max}, received "${value}"`,
    );
  }
  return n;
}
