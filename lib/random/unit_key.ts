/**
 * Derivation of a unit's 64-bit random key from (dataset seed, stream name, unit index),
 * so every unit (a user, a session, ...) has its own stream and can be regenerated alone,
 * in any order, on any machine (docs/design.md §4.1).
 *
 * The key is two 32-bit halves computed by MurmurHash3 (x86, 32-bit; Austin Appleby,
 * public domain): the high half over the five input words, the low half over the
 * same words followed by the high half, with another hash seed. Two distinct units
 * share a key, or have each other's halves swapped, with probability about 2^−64.
 *
 * Why the low half also hashes the high half: over the same words with two seeds
 * alone, the two hashes differ only in their state before the index word, by a fixed
 * XOR Δ; so the unit whose scrambled index word is this unit's XOR Δ has the same two
 * halves, swapped. A stream that combines the halves symmetrically (a sum) then
 * repeats that unit exactly: 8 pairs of identical sessions in 1,000,000, counted
 * with `tools/output_reuse.ts`.
 *
 * @module
 */

/** Largest dataset seed: seeds are non-negative safe integers. */
export const MAX_SEED: number = Number.MAX_SAFE_INTEGER;

/** Hash seeds for the two halves (the first words of SHA-256's IV, any fixed odd constants do). */
const HASH_SEED_HI = 0x6a09e667;
const HASH_SEED_LO = 0xbb67ae85;
const TWO_32 = 4294967296;

/**
 * Check that a dataset seed is usable.
 *
 * @param seed The dataset seed.
 * @throws {RangeError} When `seed` is not an integer in [0, 2^53 − 1]: fractional,
 *   negative, NaN, infinite and unsafe integers would not map to one well-defined key.
 */
export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `Cannot use seed: must be an integer from 0 to ${MAX_SEED}, received ${seed}`,
    );
  }
}

/**
 * 32-bit FNV-1a hash of a stream name's UTF-16 code units.
 *
 * @param name Stream name, e.g. "session".
 * @returns Unsigned 32-bit hash.
 */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function murmur(seed: number, w: readonly number[]): number {
  let h = seed | 0;
  for (let i = 0; i < w.length; i++) h = mixWord(h, w[i]);
  h ^= 4 * w.length; // length in bytes
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 64-bit key of one unit as two unsigned 32-bit halves.
 *
 * @param seed Dataset seed, an integer in [0, 2^53 − 1] (checked by {@linkcode assertSeed}).
 * @param stream Hash of the stream name from {@linkcode streamId}.
 * @param index Unit index, an integer in [0, 2^53 − 1].
 * @returns `[hi, lo]`, each in [0, 2^32 − 1]: `hi` is MurmurHash3 of the words
 *   (seed low, seed high, stream, index low, index high), `lo` of those words and `hi`.
 * @example
 * ```ts
 * const [hi, lo] = unitKey(42, streamId("session"), 0);
 * const [hi2, lo2] = unitKey(42, streamId("session"), 1);
 * if (hi === hi2 && lo === lo2) throw new Error("Two units share a key");
 * ```
 */
export function unitKey(
  seed: number,
  stream: number,
  index: number,
): [number, number] {
  const words = [
    seed % TWO_32,
    Math.floor(seed / TWO_32),
    stream,
    index % TWO_32,
    Math.floor(index / TWO_32),
  ];
  const hi = murmur(HASH_SEED_HI, words);
  words.push(hi);
  return [hi, murmur(HASH_SEED_LO, words)];
}
