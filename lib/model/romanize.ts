/**
 * Hangul to ASCII for e-mail addresses: the Revised Romanization of Korean, syllable
 * by syllable, as it applies to personal names (sound changes between syllables are
 * not transcribed in names). Faker's own ASCII fallback spells Hangul as base-36
 * codes of its decomposed letters, which no real address looks like.
 *
 * @module
 */

/** Initial consonants ㄱ..ㅎ (19), in Unicode order. */
// deno-fmt-ignore
const INITIAL = [
  "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj",
  "ch", "k", "t", "p", "h",
];
/** Vowels ㅏ..ㅣ (21), in Unicode order. */
// deno-fmt-ignore
const MEDIAL = [
  "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
  "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
];
/** Final consonants (none, ㄱ..ㅎ: 28), as pronounced at the end of a syllable. */
// deno-fmt-ignore
const FINAL = [
  "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p",
  "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

const FIRST_SYLLABLE = 0xac00, LAST_SYLLABLE = 0xd7a3;

/**
 * Replace every precomposed Hangul syllable (U+AC00..U+D7A3) by its Revised
 * Romanization in lower case; any other character is kept.
 *
 * @param s Any text, e.g. a Korean given or family name.
 * @returns E.g. "가람" → "garam", "김" → "gim", "빛나" → "bitna"; "Nóra" unchanged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(romanizeHangul("송나리"), "songnari");
 * ```
 */
export function romanizeHangul(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < FIRST_SYLLABLE || cp > LAST_SYLLABLE) {
      out += ch;
      continue;
    }
    const k = cp - FIRST_SYLLABLE;
    out += INITIAL[Math.floor(k / 588)] + MEDIAL[Math.floor((k % 588) / 28)] +
      FINAL[k % 28];
  }
  return out;
}
