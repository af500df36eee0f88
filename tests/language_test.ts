/**
 * The user's language (docs/design.md §3.10): every turn in the language of the user's
 * country's locale, amounts in the country's currency format and dates in the
 * language's words. The oracles are hand-written strings and the config's templates read
 * with the `yaml` package directly, never the generator's own formatting.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { formatDay, formatMoney, type MoneyFormat } from "../lib/model/text.ts";
import { generateTemp, readCsvObjects, ROOT, runMain } from "./helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const CONFIG: Any = YAML.parse(Deno.readTextFileSync(`${ROOT}/config.yaml`));

/** The language of each default locale, written out by hand. */
const LANGUAGE_OF: Record<string, string> = {
  en_US: "en",
  en_CA: "en",
  es_MX: "es",
  pt_BR: "pt",
  en_GB: "en",
  de: "de",
  fr: "fr",
  es: "es",
  it: "it",
  en_IN: "en",
  en_AU: "en",
  en_ZA: "en",
};

/** Month names by language, written out by hand. */
const MONTHS: Record<string, string[]> = {
  en: [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ],
  es: [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
  ],
  pt: [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
  ],
  fr: [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
  ],
  de: [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
  ],
  it: [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
  ],
};

function currencyOf(code: string): MoneyFormat {
  return CONFIG.population.countries.find((c: Any) => c.code === code)
    .currency;
}

/** Epoch day of an ISO date, by Date.UTC (not the generator's calendar code). */
function epochDay(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

Deno.test("amounts in each default country's format, hand-written", () => {
  const expected: Record<string, [string, string, string]> = {
    // 1234.50, 5.00, 1234567.89
    US: ["$1,234.50", "$5.00", "$1,234,567.89"],
    CA: ["$1,234.50", "$5.00", "$1,234,567.89"],
    MX: ["$1,234.50", "$5.00", "$1,234,567.89"],
    BR: ["R$ 1.234,50", "R$ 5,00", "R$ 1.234.567,89"],
    GB: ["£1,234.50", "£5.00", "£1,234,567.89"],
    DE: ["1.234,50 €", "5,00 €", "1.234.567,89 €"],
    FR: ["1 234,50 €", "5,00 €", "1 234 567,89 €"],
    ES: ["1.234,50 €", "5,00 €", "1.234.567,89 €"],
    IT: ["1.234,50 €", "5,00 €", "1.234.567,89 €"],
    IN: ["₹1,234.50", "₹5.00", "₹1,234,567.89"],
    AU: ["$1,234.50", "$5.00", "$1,234,567.89"],
    ZA: ["R1,234.50", "R5.00", "R1,234,567.89"],
  };
  const codes = CONFIG.population.countries.map((c: Any) => c.code).sort();
  assert.deepEqual(codes, Object.keys(expected).sort());
  for (const [code, [a, b, c]] of Object.entries(expected)) {
    const f = currencyOf(code);
    assert.equal(formatMoney(123450, f), a, code);
    assert.equal(formatMoney(500, f), b, code);
    assert.equal(formatMoney(123456789, f), c, code);
  }
  const us = currencyOf("US");
  assert.equal(formatMoney(5, us), "$0.05");
  assert.equal(formatMoney(100000, us), "$1,000.00");
  assert.equal(formatMoney(99999, us), "$999.99");
});

Deno.test("dates in each language's words, hand-written", () => {
  const expected: Record<string, [string, string, string]> = {
    // 2025-03-03, 2025-01-01, 2025-12-31
    en: ["March 3", "January 1", "December 31"],
    es: ["3 de marzo", "1 de enero", "31 de diciembre"],
    pt: ["3 de março", "1 de janeiro", "31 de dezembro"],
    fr: ["3 mars", "1 janvier", "31 décembre"],
    de: ["3. März", "1. Januar", "31. Dezember"],
    it: ["3 marzo", "1 gennaio", "31 dicembre"],
  };
  assert.deepEqual(
    Object.keys(CONFIG.dialogue.text).sort(),
    Object.keys(expected).sort(),
  );
  for (const [lang, [a, b, c]] of Object.entries(expected)) {
    const f = CONFIG.dialogue.text[lang].date;
    assert.deepEqual(f.months, MONTHS[lang], lang);
    assert.equal(formatDay(epochDay("2025-03-03"), f), a, lang);
    assert.equal(formatDay(epochDay("2025-01-01"), f), b, lang);
    assert.equal(formatDay(epochDay("2025-12-31"), f), c, lang);
  }
});

Deno.test("every default locale is worded in its own language, every exchange, no fallback", () => {
  const ids: string[] = CONFIG.dialogue.exchanges.map((x: Any) => x.id);
  for (const c of CONFIG.population.countries) {
    const lang = LANGUAGE_OF[c.locale];
    assert.ok(lang, c.locale);
    const t = CONFIG.dialogue.text[lang];
    assert.ok(t, `${c.locale}: no dialogue.text.${lang}`);
    assert.deepEqual(Object.keys(t.exchanges).sort(), [...ids].sort(), lang);
    assert.ok(t.fallback.length >= 6, `${lang} fallback`);
    assert.ok(t.handoff.length >= 1, `${lang} handoff`);
  }
});

/** A template as a whole-string regex: each slot matches any non-empty text. */
function templateRegex(t: string): RegExp {
  const parts = t.split(/\{\w+\}/).map((p) =>
    p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}

function templatesOf(lang: string): { user: RegExp[]; bot: RegExp[] } {
  const t = CONFIG.dialogue.text[lang];
  const ex = Object.values(t.exchanges) as { user: string[]; bot: string[] }[];
  return {
    user: ex.flatMap((x) => x.user).map(templateRegex),
    bot: [...ex.flatMap((x) => x.bot), ...t.fallback, ...t.handoff].map(
      templateRegex,
    ),
  };
}

/** Hand-written amount patterns by country code. */
const AMOUNT: Record<string, RegExp> = {
  US: /\$\d{1,3}(,\d{3})*\.\d\d\b/,
  DE: /\b\d{1,3}(\.\d{3})*,\d\d €/,
  FR: /\b\d{1,3}( \d{3})*,\d\d €/,
  BR: /R\$ \d{1,3}(\.\d{3})*,\d\d\b/,
  GB: /£\d{1,3}(,\d{3})*\.\d\d\b/,
  IN: /₹\d{1,3}(,\d{3})*\.\d\d\b/,
  ZA: /\bR\d{1,3}(,\d{3})*\.\d\d\b/,
};

Deno.test("a generated dataset: each user's turns in their language, amounts and dates in their formats", () => {
  const ds = generateTemp({ sessions: 1500, users: 600, seed: 7 });
  try {
    const users = new Map<string, Record<string, string>>();
    for (const u of readCsvObjects(`${ds.dir}/star/dim_user.csv`)) {
      users.set(u.user_key, u);
    }
    const countryOfLocale = new Map<string, string>(
      CONFIG.population.countries.map((c: Any) => [c.locale, c.code]),
    );
    // star and snowflake fact_session: language = the language of the user's locale.
    for (const schema of ["star", "snowflake"]) {
      const rows = readCsvObjects(`${ds.dir}/${schema}/fact_session.csv`);
      assert.ok(rows.length === 1500);
      for (const r of rows) {
        const locale = users.get(r.user_key)!.locale;
        assert.equal(
          r.language,
          LANGUAGE_OF[locale],
          `${schema} ${r.session_key}`,
        );
      }
    }
    const templates = Object.fromEntries(
      Object.keys(MONTHS).map((l) => [l, templatesOf(l)]),
    );
    const seen = new Map<string, number>();
    const amounts = new Map<string, number>();
    let dates = 0;
    const lines = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`).split("\n")
      .filter((l) => l);
    for (const line of lines) {
      const l = JSON.parse(line);
      const keys = Object.keys(l);
      assert.equal(keys[keys.indexOf("user_locale") + 1], "language");
      const lang = LANGUAGE_OF[l.user_locale];
      assert.equal(l.language, lang);
      seen.set(lang, (seen.get(lang) ?? 0) + 1);
      const own = templates[lang];
      assert.ok(
        own.user.some((r) => r.test(l.user_text)),
        `${lang} user text "${l.user_text}"`,
      );
      assert.ok(
        own.bot.some((r) => r.test(l.bot_text)),
        `${lang} bot text "${l.bot_text}"`,
      );
      // Never another language's bot wording.
      for (const other of Object.keys(templates)) {
        if (other === lang) continue;
        assert.ok(
          !templates[other].bot.some((r) => r.test(l.bot_text)),
          `${lang} bot text "${l.bot_text}" is also ${other}`,
        );
      }
      const code = countryOfLocale.get(l.user_locale)!;
      for (const text of [l.user_text, l.bot_text]) {
        if (AMOUNT[code]?.test(text)) {
          amounts.set(code, (amounts.get(code) ?? 0) + 1);
        }
        // A date: a day and one of the language's month names, 2..10 days after
        // the session's start day.
        const m = MONTHS[lang].map((name, i) => {
          const re = lang === "en"
            ? new RegExp(`\\b${name} (\\d{1,2})\\b`)
            : lang === "de"
            ? new RegExp(`\\b(\\d{1,2})\\. ${name}\\b`)
            : lang === "es" || lang === "pt"
            ? new RegExp(`\\b(\\d{1,2}) de ${name}\\b`)
            : new RegExp(`\\b(\\d{1,2}) ${name}\\b`);
          const hit = text.match(re);
          return hit ? [i, Number(hit[1])] : undefined;
        }).find((x) => x);
        if (m) {
          dates++;
          const start = epochDay(l.session_start.slice(0, 10));
          const year = Number(l.session_start.slice(0, 4));
          const day = Date.UTC(year, m[0], m[1]) / 86_400_000;
          const ahead = day - start;
          assert.ok(
            ahead >= 2 && ahead <= 10,
            `"${text}" (${l.session_start})`,
          );
        }
      }
    }
    for (const lang of Object.keys(MONTHS)) {
      assert.ok(
        (seen.get(lang) ?? 0) > 100,
        `${lang}: ${seen.get(lang)} lines`,
      );
    }
    for (const code of Object.keys(AMOUNT)) {
      assert.ok((amounts.get(code) ?? 0) > 0, `no amount of ${code}`);
    }
    assert.ok(dates > 20, `${dates} dates`);
    // German lines, by hand-written marker words: each German bot reply has one.
    const german = lines.map((s) => JSON.parse(s)).filter((l) =>
      l.language === "de"
    );
    const markers =
      /\b(sie|ihr|ihre|ihnen|ist|und|die|der|das|den|dem|von|mit|gibt|kostet|bestellung|gern|einen|eine|hallo|guten|danke|erledigt|nicht|natürlich|ja|nein|entschuldigung|referenz|hmm|ich|wird|haben|wie|wo|kann|bitte|es)\b/i;
    for (const l of german) {
      assert.match(l.bot_text, markers, `German bot text "${l.bot_text}"`);
      assert.doesNotMatch(
        l.bot_text,
        /\b(the|your|you|please|order)\b/i,
        `German bot text "${l.bot_text}"`,
      );
    }
  } finally {
    ds.cleanup();
  }
});

Deno.test("a country whose language is not worded is refused, naming the locale, language and line", () => {
  const text = Deno.readTextFileSync(`${ROOT}/config.yaml`).replace(
    "locale: it,",
    "locale: nl,",
  );
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-lang-" });
  try {
    Deno.writeTextFileSync(`${dir}/c.yaml`, text);
    const line = text.slice(0, text.indexOf("locale: nl,")).split("\n").length;
    const r = runMain(["--allow-read", "--allow-env"], [
      "--config",
      `${dir}/c.yaml`,
      "--out",
      `${dir}/out`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `error: ${dir}/c.yaml:${line}: population.countries[8].locale: "nl" needs wording in its language "nl": dialogue.text has en, es, pt, fr, de and it\n`,
    );
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a date format without {day} is refused, naming the line", () => {
  const text = Deno.readTextFileSync(`${ROOT}/config.yaml`).replace(
    'format: "{day}. {month}"',
    'format: "{month}"',
  );
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-lang-" });
  try {
    Deno.writeTextFileSync(`${dir}/c.yaml`, text);
    const line = text.slice(0, text.indexOf('format: "{month}"')).split("\n")
      .length;
    const r = runMain(["--allow-read", "--allow-env"], [
      "--config",
      `${dir}/c.yaml`,
      "--out",
      `${dir}/out`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `error: ${dir}/c.yaml:${line}: dialogue.text.de.date.format: must contain {day} once, got "{month}"\n`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
