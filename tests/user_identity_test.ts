/**
 * User natural keys and names: e-mail addresses are unique for any user count (and
 * declared unique in datapackage.json), ASCII, and end in the user key; names follow
 * the locale's own full-name pattern, checked against Faker's locale data itself.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { allLocales } from "@faker-js/faker";
import { generateTemp, readCsvObjects, ROOT } from "./helpers.ts";
import { romanizeHangul } from "../lib/model/romanize.ts";
import { userEmail } from "../lib/model/user.ts";

const EMAIL = /^[a-z0-9._+-]+@example\.com$/;

/** The local part's trailing run of digits. */
const trailingDigits = (email: string) => /(\d+)@/.exec(email)?.[1] ?? "";

Deno.test("100,000 users: no shared e-mail, all ASCII, declared unique", () => {
  const ds = generateTemp({ users: 100_000, sessions: 10, formats: ["star"] });
  try {
    const users = readCsvObjects(`${ds.dir}/star/dim_user.csv`);
    assert.equal(users.length, 100_000);
    const seen = new Set<string>();
    for (const u of users) {
      assert.match(u.email, EMAIL, `user ${u.user_key}`);
      assert.ok(!seen.has(u.email), `${u.email} is shared`);
      seen.add(u.email);
    }
    assert.equal(seen.size, 100_000);
    // Unique by construction: the local part ends in the user key.
    for (const u of users) assert.equal(trailingDigits(u.email), u.user_key);
    const pkg = JSON.parse(
      Deno.readTextFileSync(`${ds.dir}/datapackage.json`),
    );
    const dimUser = pkg.resources.find((r: { path: string }) =>
      r.path === "star/dim_user.csv"
    );
    const email = dimUser.schema.fields.find((f: { name: string }) =>
      f.name === "email"
    );
    assert.deepEqual(email.constraints, { required: true, unique: true });
    const userName = dimUser.schema.fields.find((f: { name: string }) =>
      f.name === "user_name"
    );
    assert.equal(userName.constraints.unique, undefined);
  } finally {
    ds.cleanup();
  }
});

type Def = Record<string, unknown>;
/** Every string of a Faker definition entry (a list, or lists by sex). */
function names(entry: unknown): Set<string> {
  if (Array.isArray(entry)) return new Set(entry as string[]);
  return new Set(Object.values(entry as Def).flatMap((v) => v as string[]));
}

/** Fold a name as Faker's username does for Latin letters: drop accents, lower case. */
const fold = (s: string) =>
  s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/['\s]/g, "")
    .toLowerCase();

Deno.test("ja, zh_CN, ko, hu names: family name first as the locale's pattern says; ASCII e-mails", () => {
  const locales = ["ja", "zh_CN", "ko", "hu", "en_US"];
  const c = YAML.parse(Deno.readTextFileSync(`${ROOT}/config.yaml`));
  c.population.countries = locales.map((locale, i) => ({
    code: ["JP", "CN", "KR", "HU", "US"][i],
    name: `Country ${i}`,
    region: "Test",
    locale,
    currency: { symbol: "¤", position: "before", decimal: ".", group: "," },
    probability: 0.2,
    time_zone: "Etc/UTC",
  }));
  // Every locale's language needs wording: reuse the English one for these.
  for (const lang of ["ja", "zh", "ko", "hu"]) {
    c.dialogue.text[lang] = c.dialogue.text.en;
  }
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  Deno.writeTextFileSync(tmp, YAML.stringify(c));
  let ds;
  try {
    ds = generateTemp({ users: 2_000, sessions: 10, formats: ["star"] }, tmp);
  } finally {
    Deno.removeSync(tmp);
  }
  try {
    const defs = allLocales as unknown as Record<string, { person: Def }>;
    const seen = new Map<string, number>();
    for (const u of readCsvObjects(`${ds.dir}/star/dim_user.csv`)) {
      const person = defs[u.locale].person;
      // The order and separator from Faker's own pattern for the locale (en_US has
      // none and falls back to en's first-last one).
      const pattern = u.locale === "en_US"
        ? "{{person.firstName}} {{person.lastName}}"
        : (person.name as { value: string; weight: number }[])
          .find((p) => !/prefix|suffix|middle/.test(p.value))!.value;
      const familyFirst = pattern.indexOf("lastName") <
        pattern.indexOf("firstName");
      const sep = /\}\} \{\{/.test(pattern) ? " " : "";
      const last = names(
        u.locale === "en_US"
          ? (defs.en.person as Def).last_name
          : person.last_name,
      );
      const first = names(
        u.locale === "en_US"
          ? (defs.en.person as Def).first_name
          : person.first_name,
      );
      // Some split of the name is <family><sep><given> (or the reverse for en_US).
      let parts: [string, string] | undefined;
      for (let i = 1; i < u.user_name.length && !parts; i++) {
        const a = u.user_name.slice(0, i);
        const rest = u.user_name.slice(i);
        if (!rest.startsWith(sep)) continue;
        const b = rest.slice(sep.length);
        // Faker's en last-name pattern joins two family names with "-" at times.
        const isLast = (x: string) => x.split("-").every((y) => last.has(y));
        if (
          familyFirst ? isLast(a) && first.has(b) : first.has(a) && isLast(b)
        ) {
          parts = familyFirst ? [b, a] : [a, b];
        }
      }
      assert.ok(parts, `${u.locale} name "${u.user_name}" is not ${pattern}`);
      assert.match(u.email, EMAIL, `${u.locale} e-mail "${u.email}"`);
      assert.equal(trailingDigits(u.email), u.user_key);
      if (u.locale === "ko") {
        // Romanized letters, not Faker's base-36 codes: name, separator, name.
        assert.match(u.email, /^[a-z]+[._][a-z]+(\d{1,2}\.)?\d+@/, u.email);
      }
      if (u.locale === "hu" || u.locale === "en_US") {
        // Derived from the parts: given name first, ASCII-folded.
        assert.ok(
          u.email.startsWith(fold(parts[0])),
          `${u.email} from ${u.user_name}`,
        );
      }
      seen.set(u.locale, (seen.get(u.locale) ?? 0) + 1);
    }
    for (const l of locales) assert.ok((seen.get(l) ?? 0) > 100, l);
  } finally {
    ds.cleanup();
  }
});

Deno.test("Hangul romanization follows the Revised Romanization's published examples", () => {
  // Personal names (no sound changes in names) and the rules' syllable-final
  // examples: Min Yongha, Song Nari, Han Boknam, Hong Bitna; Okcheon, Hapdeok,
  // Hobeop, Wolgot, beotkkot, Hanbat; Busan, Sejong, Jeju.
  const examples: [string, string][] = [
    ["민", "min"],
    ["용하", "yongha"],
    ["송나리", "songnari"],
    ["한복남", "hanboknam"],
    ["홍빛나", "hongbitna"],
    ["옥천", "okcheon"],
    ["합덕", "hapdeok"],
    ["호법", "hobeop"],
    ["월곶", "wolgot"],
    ["벚꽃", "beotkkot"],
    ["한밭", "hanbat"],
    ["부산", "busan"],
    ["세종", "sejong"],
    ["제주", "jeju"],
  ];
  for (const [hangul, latin] of examples) {
    assert.equal(romanizeHangul(hangul), latin, hangul);
  }
  assert.equal(romanizeHangul("Hajdu Nóra"), "Hajdu Nóra");
  assert.equal(romanizeHangul("古谷 あゆみ"), "古谷 あゆみ");
});

Deno.test("userEmail: the key is the local part's trailing digits, whatever Faker's part ends with", () => {
  // Names that collide once the key is appended without a separator: "ann.lee1" +
  // key 23 and "ann.lee12" + key 3 would both read "ann.lee123".
  const cases: [string, number][] = [
    ["Ann.Lee1@example.com", 23],
    ["ann.lee12@example.com", 3],
    ["ann.lee@example.com", 123],
    ["@example.com", 5],
    ["9j69l29kv.g28mtl67@example.com", 100_000_000],
  ];
  const seen = new Set<string>();
  for (const [faker, key] of cases) {
    const e = userEmail(faker, key);
    assert.match(e, EMAIL, e);
    assert.equal(trailingDigits(e), String(key), e);
    assert.ok(e.split("@")[0].length <= 64);
    assert.ok(!seen.has(e), e);
    seen.add(e);
  }
});
