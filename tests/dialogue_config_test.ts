/**
 * The dialogue section of the config is checked like the rest: each mistake is one
 * sentence naming the key path and its line in the file (the line is found here by
 * searching the edited text, independently of the loader).
 */
import assert from "node:assert/strict";
import { parseConfig } from "../lib/config/load.ts";
import { UsageError } from "../lib/errors.ts";

const BASE = Deno.readTextFileSync(new URL("../config.yaml", import.meta.url));
const FILE = "config.yaml";

function edit(from: string, to: string): string {
  assert.equal(BASE.split(from).length, 2, `edit target ${from}`);
  return BASE.replace(from, () => to);
}
function at(text: string, needle: string): string {
  assert.equal(text.split(needle).length, 2, `needle ${needle}`);
  return `${FILE}:${text.slice(0, text.indexOf(needle)).split("\n").length}:`;
}
function firstError(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (e) {
    assert.ok(e instanceof UsageError);
    assert.equal(e.exitCode, 2);
    return e.message.split("\n")[0];
  }
  assert.fail("the config was accepted");
}

const cases: [string, string, string, (t: string) => string][] = [
  [
    "a social intent that is not an intent",
    "social_intent: smalltalk",
    "social_intent: smalltak",
    (t) =>
      `${
        at(t, "social_intent:")
      } dialogue.social_intent: "smalltak" is not an intent; did you mean \`smalltalk\`?`,
  ],
  [
    "a then link to an exchange that is not a then exchange",
    "then: plan_switch_yes",
    "then: plan_when",
    (t) =>
      `${
        at(t, "then: plan_when")
      } dialogue.exchanges[30].then: "plan_when" must be a then exchange of the same intent (plan_change)`,
  ],
  [
    "wording for an exchange that does not exist",
    '        order_number:\n          user: [\n            "It\'s {order}.",',
    '        order_numbr:\n          user: [\n            "It\'s {order}.",',
    (t) =>
      `${
        at(t, "order_numbr:")
      } dialogue.text.en.exchanges.order_numbr: "order_numbr" is not an exchange; did you mean \`order_number\`?`,
  ],
  [
    "a single user wording (a rephrase needs another)",
    'user: ["Yes, please.", "Yes, go ahead.", "Sounds good, do it."]',
    'user: ["Yes, please."]',
    (t) =>
      `${
        at(t, 'user: ["Yes, please."]')
      } dialogue.text.en.exchanges.plan_switch_yes.user: needs at least 2 wordings (after a fallback the user rephrases with another one)`,
  ],
  [
    "a mean turn count the dialogue cannot reach",
    "count: { mean: 7, max: 60 }",
    "count: { mean: 40, max: 60 }",
    (t) =>
      `${
        at(t, "count: { mean: 40")
      } turns.count.mean: 40 is outside the means this dialogue model can reach (1.69 to 21.954 turns)`,
  ],
  [
    "a goal probability on the social intent",
    "description: Greetings, thanks and goodbye\n",
    "description: Greetings, thanks and goodbye\n    goal_probability: 0\n",
    (t) =>
      `${
        at(t, "goal_probability: 0\n")
      } intents[6].goal_probability: "smalltalk" is the dialogue's social intent, which is never a goal; remove goal_probability`,
  ],
  [
    "an unknown slot",
    "- Where is my order {order}?",
    "- Where is my order {ordr}?",
    (t) =>
      `${
        at(t, "{ordr}")
      } dialogue.text.en.exchanges.order_where.user[0]: unknown slot {ordr} (slots: {order}, {amount}, {product}, {plan}, {ticket}, {days}, {date})`,
  ],
  [
    "an act the exchange's role does not allow",
    "{ id: greet, role: greet, user_act: greet,",
    "{ id: greet, role: greet, user_act: inform,",
    (t) =>
      `${
        at(t, "id: greet")
      } dialogue.exchanges[0].user_act: a greet exchange's user act must be greet, got "inform"`,
  ],
  [
    "a then link back to the same exchange (found by an adversarial test)",
    "        id: order_number,\n        intent: order_status,\n        role: then,\n",
    "        id: order_number,\n        intent: order_status,\n        role: then,\n        then: order_number,\n",
    (t) =>
      `${
        at(t, "then: order_number,\n        user_act")
      } dialogue.exchanges[6].then: "order_number" leads back to itself through then links; a then chain must end`,
  ],
  [
    "the same wording twice (a rephrase would repeat it)",
    'user: ["Yes, please.", "Yes, go ahead.", "Sounds good, do it."]',
    'user: ["Yes, please.", "Yes, please.", "Sounds good, do it."]',
    (t) =>
      `${
        at(t, 'user: ["Yes, please.", "Yes, please."')
      } dialogue.text.en.exchanges.plan_switch_yes.user[1]: repeats wording "Yes, please." (a rephrase must use different words)`,
  ],
  [
    "an intent on a greet exchange (and the article before an open role)",
    "{ id: greet, role: greet, user_act: greet, bot_act: greet }",
    "{ id: greet, role: greet, intent: order_status, user_act: greet, bot_act: greet }",
    (t) =>
      `${
        at(t, "id: greet,")
      } dialogue.exchanges[0].intent: a greet exchange takes the dialogue's social intent; remove intent`,
  ],
];

for (const [name, from, to, expected] of cases) {
  Deno.test(`dialogue config: ${name} is named at its line`, () => {
    const t = edit(from, to);
    const got = firstError(t);
    assert.equal(got, expected(t));
  });
}
