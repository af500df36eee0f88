/**
 * Replies answer the message: every (user message, bot reply) pair in a generated raw
 * log is matched back to the config's wording (the declared compatibility table: the
 * replies of an exchange answer its messages, and a fallback gets a clarify reply), by
 * regular expressions built from the templates, independently of the generator's code.
 * Also the forbidden pairs, written by hand, slot persistence through a goal,
 * rephrases after a fallback, and the handoff as the bot's last word.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { generateTemp, ROOT } from "./helpers.ts";

interface Wording {
  fallback: string[];
  handoff: string[];
  exchanges: Record<string, { user: string[]; bot: string[] }>;
}
const config = YAML.parse(Deno.readTextFileSync(`${ROOT}/config.yaml`));
const text: Record<string, Wording> = config.dialogue.text;
const exchanges: { id: string; role: string; intent?: string }[] =
  config.dialogue.exchanges;

/** What each slot's value looks like (any other slot: any non-empty text). */
const SLOT: Record<string, string> = {
  order: "#\\d{8}",
  ticket: "TCK-\\d{6}",
  days: "\\d{1,3}",
  plan: "(?:Basic|Plus|Premium|Family|Business)",
};

const compiled = new Map<string, RegExp>();
/** A template as a whole-string regex: literals escaped, slots by their shape. */
function pattern(t: string): RegExp {
  let re = compiled.get(t);
  if (re === undefined) {
    re = compile(t);
    compiled.set(t, re);
  }
  return re;
}
function compile(t: string): RegExp {
  let re = "";
  let last = 0;
  for (const m of t.matchAll(/\{(\w+)\}/g)) {
    re += t.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    re += SLOT[m[1]] ?? ".+?";
    last = m.index! + m[0].length;
  }
  re += t.slice(last).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${re}$`);
}

interface Row {
  session_id: number;
  language: string;
  turn_number: number;
  intent: string;
  is_fallback: boolean;
  user_text: string;
  bot_text: string;
  session_turns: number;
  session_escalated: boolean;
}

const ds = generateTemp({ sessions: 4000, seed: 99, formats: ["raw"] });
const rows: Row[] = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`)
  .trimEnd().split("\n").map((l) => JSON.parse(l));
ds.cleanup();
const sessions = new Map<number, Row[]>();
for (const r of rows) {
  if (!sessions.has(r.session_id)) sessions.set(r.session_id, []);
  sessions.get(r.session_id)!.push(r);
}

/** Exchange ids whose user wording (in the given language) matches `s`. */
function userExchanges(s: string, language: string): Set<string> {
  const out = new Set<string>();
  for (const [id, x] of Object.entries(text[language].exchanges)) {
    if (x.user.some((t) => pattern(t).test(s))) out.add(id);
  }
  return out;
}
function botMatches(s: string, list: string[]): boolean {
  return list.some((t) => pattern(t).test(s));
}
const allFallback = Object.values(text).flatMap((w) => w.fallback);
// Each language's wording is checked against that language only (the language
// test checks that no text is another language's).
const allHandoff = Object.values(text).flatMap((w) => w.handoff);
const agentReplies = Object.values(text).flatMap((w) =>
  exchanges.filter((x) => x.role === "escalate").flatMap((x) =>
    w.exchanges[x.id].bot
  )
);

Deno.test("every (message, reply) pair is declared compatible by the config's wording", () => {
  let checked = 0;
  const bad: string[] = [];
  for (const r of rows) {
    const ids = userExchanges(r.user_text, r.language);
    // Each message is one exchange's: no wording is shared between exchanges.
    assert.equal(ids.size, 1, `${r.user_text}: ${[...ids]}`);
    let ok: boolean;
    if (r.is_fallback) {
      ok = botMatches(r.bot_text, allFallback) ||
        botMatches(r.bot_text, allHandoff);
    } else {
      ok = [...ids].some((id) =>
        botMatches(r.bot_text, text[r.language].exchanges[id].bot)
      );
    }
    if (!ok) bad.push(`${r.user_text} => ${r.bot_text}`);
    checked++;
  }
  assert.deepEqual(bad.slice(0, 5), []);
  assert.ok(checked > 20_000);
});

Deno.test("the issue's mismatches never happen (hand-written pairs)", () => {
  for (const r of rows) {
    if (/\bcancel/i.test(r.user_text)) {
      assert.doesNotMatch(r.bot_text, /you're on the .* plan/);
    }
    if (/payment of .* failed|declined/i.test(r.user_text)) {
      assert.doesNotMatch(r.bot_text, /refund/i);
    }
    if (r.user_text === "Thanks, that's all.") {
      assert.doesNotMatch(r.bot_text, /How can I help you/);
    }
  }
});

Deno.test("a goal keeps its order number; a rephrase repeats the request in other words", () => {
  let rephrases = 0;
  for (const ts of sessions.values()) {
    // Order numbers within one intent run of a session (a goal) never change.
    let runIntent = "", orders = new Set<string>();
    for (const t of ts) {
      if (t.intent !== runIntent) {
        runIntent = t.intent;
        orders = new Set();
      }
      for (const m of `${t.user_text} ${t.bot_text}`.matchAll(/#\d{8}/g)) {
        orders.add(m[0]);
      }
      assert.ok(orders.size <= 1, `session ${t.session_id}: ${[...orders]}`);
    }
    for (let i = 0; i + 1 < ts.length; i++) {
      if (!ts[i].is_fallback) continue;
      const [a, b] = [ts[i], ts[i + 1]];
      assert.equal(b.intent, a.intent);
      assert.notEqual(b.user_text, a.user_text);
      assert.deepEqual(
        userExchanges(b.user_text, b.language),
        userExchanges(a.user_text, a.language),
      );
      rephrases++;
    }
  }
  assert.ok(rephrases > 100);
});

Deno.test("a handoff is the bot's last word, and every escalated session shows one", () => {
  let escalated = 0;
  for (const ts of sessions.values()) {
    const last = ts[ts.length - 1];
    const handoff = (t: Row) =>
      botMatches(t.bot_text, allHandoff) ||
      (botMatches(t.bot_text, agentReplies) && !t.is_fallback);
    ts.slice(0, -1).forEach((t) => assert.ok(!handoff(t), t.bot_text));
    assert.equal(handoff(last), last.session_escalated, last.bot_text);
    if (last.session_escalated) escalated++;
  }
  assert.ok(escalated > 100);
});

Deno.test("greetings open sessions and thanks or goodbyes close them", () => {
  const greet = new Set(
    Object.values(text).flatMap((w) =>
      exchanges.filter((x) => x.role === "greet").flatMap((x) =>
        w.exchanges[x.id].user
      )
    ),
  );
  const close = new Set(
    Object.values(text).flatMap((w) =>
      exchanges.filter((x) => x.role === "close").flatMap((x) =>
        w.exchanges[x.id].user
      )
    ),
  );
  for (const ts of sessions.values()) {
    ts.forEach((t, i) => {
      // A greeting is turn 1, or the rephrase of a greeting the bot did not get.
      if (greet.has(t.user_text) && i > 0) {
        assert.ok(ts[i - 1].is_fallback && greet.has(ts[i - 1].user_text));
      }
      if (close.has(t.user_text)) assert.equal(i, ts.length - 1);
    });
  }
});
