/**
 * "Did you mean ...?" for misspelt config keys and names: an edit distance and the
 * closest candidate within a length-dependent limit.
 *
 * @module
 */

/**
 * Optimal string alignment distance (Damerau–Levenshtein without editing a
 * substring twice): the fewest insertions, deletions, substitutions and swaps of
 * two adjacent characters that turn `a` into `b`, each costing 1. Counts UTF-16
 * code units; case-sensitive.
 *
 * @param a One string.
 * @param b The other string.
 * @returns The distance, an integer from 0 to max(a.length, b.length).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(editDistance("sesions", "sessions"), 1); // one deletion
 * strictEqual(editDistance("sesisons", "sessions"), 1); // one swap of adjacent letters
 * strictEqual(editDistance("mu", "sigma"), 4);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  // Three rows of the (m + 1) × (n + 1) table: i − 2, i − 1 and i.
  let before = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
      ) {
        d = Math.min(d, before[j - 2] + 1);
      }
      cur[j] = d;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[n];
}

/**
 * The candidate closest to `word`, compared without regard to case, when it is
 * within max(1, ⌊length of word / 3⌋) edits ({@linkcode editDistance}); among
 * equally close candidates, the first in `candidates`' order.
 *
 * @param word The misspelt key or name.
 * @param candidates The valid ones, in order of preference.
 * @returns The suggestion, or `undefined` when none is close enough (or `word` is
 *   itself a candidate).
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(closestName("sesions", ["seed", "sessions", "users"]), "sessions");
 * strictEqual(closestName("median", ["mu", "sigma"]), undefined);
 * ```
 */
export function closestName(
  word: string,
  candidates: readonly string[],
): string | undefined {
  if (candidates.includes(word)) return undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
