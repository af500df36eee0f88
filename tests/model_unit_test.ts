/**
 * Small pure functions of `lib/model` against hand-computed values, published tables
 * (the Revised Romanization of Korean) and Unicode's own Hangul decomposition
 * (`String.prototype.normalize`).
 */
import assert from "node:assert/strict";
import { romanizeHangul } from "../lib/model/romanize.ts";
import {
  countryZones,
  distinctZones,
  longestSessionMs,
  MAX_ABS_Z,
} from "../lib/model/derived.ts";
import { ACT_NAMES, actIndex } from "../lib/model/dialogue_acts.ts";
import { localeLanguage } from "../lib/model/text.ts";
import type { Config } from "../lib/config/schema.ts";

/** The syllable of initial jamo `l`, vowel `v` and final `t` (0 = none), by NFC. */
function syllable(l: number, v: number, t = 0): string {
  const jamo = [0x1100 + l, 0x1161 + v, ...(t > 0 ? [0x11a7 + t] : [])];
  return String.fromCodePoint(...jamo).normalize("NFC");
}

Deno.test("romanizeHangul: initials, vowels and finals as the Revised Romanization tables give", () => {
  // Initials ㄱ..ㅎ before ㅏ (ㅇ is silent as an initial).
  // deno-fmt-ignore
  const initials = ["ga", "kka", "na", "da", "tta", "ra", "ma", "ba", "ppa", "sa",
    "ssa", "a", "ja", "jja", "cha", "ka", "ta", "pa", "ha"];
  initials.forEach((r, l) => assert.equal(romanizeHangul(syllable(l, 0)), r));
  // Vowels ㅏ..ㅣ after the silent ㅇ.
  // deno-fmt-ignore
  const vowels = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"];
  vowels.forEach((r, v) => assert.equal(romanizeHangul(syllable(11, v)), r));
  // Finals ㄱ..ㅎ after 아, as pronounced at the end of a syllable (k, n, t, l, m, p, ng).
  // deno-fmt-ignore
  const finals = ["ak", "ak", "ak", "an", "an", "an", "at", "al", "ak", "am", "al",
    "al", "al", "ap", "al", "am", "ap", "ap", "at", "at", "ang", "at", "at", "ak",
    "at", "ap", "at"];
  finals.forEach((r, i) =>
    assert.equal(romanizeHangul(syllable(11, 0, i + 1)), r)
  );
});

Deno.test("romanizeHangul: every syllable is its NFD jamo's parts; names by hand; other text kept", () => {
  const strip = (s: string) => s.slice(0, -1); // drop the trailing "a"
  for (let cp = 0xac00; cp <= 0xd7a3; cp++) {
    const s = String.fromCodePoint(cp);
    const [l, v, t] = [...s.normalize("NFD")].map((c) => c.codePointAt(0)!);
    const want = strip(romanizeHangul(syllable(l - 0x1100, 0))) +
      romanizeHangul(syllable(11, v - 0x1161)) +
      (t === undefined
        ? ""
        : romanizeHangul(syllable(11, 0, t - 0x11a7)).slice(1));
    assert.equal(romanizeHangul(s), want, s);
  }
  // Personal names from the Revised Romanization's own examples (no sound changes
  // between syllables in names), lower case.
  assert.equal(romanizeHangul("송나리"), "songnari");
  assert.equal(romanizeHangul("홍빛나"), "hongbitna");
  assert.equal(romanizeHangul("한복남"), "hanboknam");
  assert.equal(romanizeHangul("민용하"), "minyongha");
  assert.equal(romanizeHangul("김"), "gim");
  // Outside U+AC00..U+D7A3: kept (Latin with diacritics, a lone jamo, an emoji).
  assert.equal(romanizeHangul("Nóra ㄱ 😀"), "Nóra ㄱ 😀");
  assert.equal(romanizeHangul(""), "");
});

Deno.test("MAX_ABS_Z and longestSessionMs by hand", () => {
  // sqrt(−2 ln 2^−33) = sqrt(66 ln 2) = 6.7637056350018945 (Python math).
  assert.ok(Math.abs(MAX_ABS_Z - 6.7637056350018945) < 1e-12);
  const c = {
    channels: [{ latency_multiplier: 1 }, { latency_multiplier: 2 }],
    latency_ms: { mu: Math.log(100), sigma: 0 },
    turns: {
      count: { max: 3 },
      think_time_ms: { mu: Math.log(1000), sigma: 0 },
    },
  } as unknown as Pick<Config, "channels" | "latency_ms" | "turns">;
  // 3 turns × (100 ms × 2 + 1000 ms + 2 ms of rounding) = 3606 ms.
  assert.ok(Math.abs(longestSessionMs(c) - 3606) < 1e-9);
  const d = {
    channels: [{ latency_multiplier: 1.5 }, { latency_multiplier: 0.5 }],
    latency_ms: { mu: 6.6, sigma: 0.35 },
    turns: { count: { max: 5 }, think_time_ms: { mu: 8, sigma: 0.5 } },
  } as unknown as Pick<Config, "channels" | "latency_ms" | "turns">;
  // 5 × (e^(6.6 + 0.35 z) × 1.5 + e^(8 + 0.5 z) + 2), z = sqrt(66 ln 2), in Python.
  assert.ok(Math.abs(longestSessionMs(d) / 497404.83532787673 - 1) < 1e-12);
});

Deno.test("countryZones and distinctZones: lists, single zones, first-appearance order", () => {
  assert.deepEqual(countryZones({ time_zone: "Europe/Berlin" }), [
    { zone: "Europe/Berlin", weight: 1 },
  ]);
  const list = [{ zone: "America/Chicago", weight: 2 }, {
    zone: "America/New_York",
    weight: 3,
  }];
  assert.equal(countryZones({ time_zones: list, time_zone: "Etc/UTC" }), list);
  assert.deepEqual(countryZones({}), []);
  const c = {
    population: {
      countries: [
        { time_zones: list },
        { time_zone: "Europe/Berlin" },
        { time_zone: "America/Chicago" },
        { time_zones: [{ zone: "Asia/Seoul", weight: 1 }] },
      ],
    },
  } as unknown as Pick<Config, "population">;
  assert.deepEqual(distinctZones(c), [
    "America/Chicago",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Seoul",
  ]);
});

Deno.test("actIndex and localeLanguage", () => {
  assert.equal(new Set(ACT_NAMES).size, ACT_NAMES.length);
  ACT_NAMES.forEach((n, i) => assert.equal(actIndex(n), i));
  assert.throws(
    () => actIndex("shout"),
    (e: Error) => e instanceof RangeError && e.message.includes('"shout"'),
  );
  assert.equal(localeLanguage("pt_BR"), "pt");
  assert.equal(localeLanguage("ko"), "ko");
  assert.equal(localeLanguage("zh_Hant_TW"), "zh");
});
