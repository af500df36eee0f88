/**
 * Turn text: a user utterance and a bot response per turn, from per-intent templates
 * filled with synthetic values (docs/design.md §3.10). Templates deliberately contain commas,
 * double quotes and apostrophes, so every writer's escaping is exercised.
 *
 * Slots: `{order}` order number, `{amount}` money amount, `{product}` a Faker product
 * name, `{plan}` a plan name, `{ticket}` a support ticket id, `{days}` a small count.
 *
 * @module
 */
import type { Uniform } from "../random/mod.ts";

/** Plan names used by `{plan}`. */
export const PLANS = ["Basic", "Plus", "Premium", "Family", "Business"];

/** User and bot templates of one intent. */
export interface IntentTemplates {
  /** User utterance templates, with `{slot}` placeholders. */
  user: string[];
  /** Bot response templates, with `{slot}` placeholders. */
  bot: string[];
}

/** Templates by intent name; an intent missing here uses {@linkcode GENERIC_TEMPLATES}. */
export const INTENT_TEMPLATES: Record<string, IntentTemplates> = {
  order_status: {
    user: [
      "Where is my order {order}?",
      "Hi, my order {order} hasn't arrived yet, it's been {days} days.",
      "Can you check the status of order {order}, please?",
      'Tracking for {order} says "in transit" since {days} days, what\'s going on?',
    ],
    bot: [
      "Order {order} ({product}) has shipped and should arrive within {days} days.",
      "I found order {order}: it is out for delivery today.",
      "Order {order} is being prepared, we'll e-mail you when it ships.",
    ],
  },
  billing_issue: {
    user: [
      "I was charged {amount} twice this month.",
      "Why is my bill {amount}? It should be lower.",
      'My invoice says "{plan}", but I never chose that plan.',
      "The payment of {amount} failed, can you help?",
    ],
    bot: [
      "I see a charge of {amount} on your account; I've opened ticket {ticket} to review it.",
      "Your last invoice was {amount} for the {plan} plan.",
      "A refund of {amount} for the duplicate charge is on its way.",
    ],
  },
  technical_support: {
    user: [
      "The app keeps crashing when I open it.",
      'I can\'t log in, it says "invalid session".',
      "My {product} stopped working after the update.",
      "Error on checkout, the page just spins.",
    ],
    bot: [
      "Please update the app and restart your device; if it persists, ticket {ticket} is open.",
      "Try signing out and in again, then clear the cache.",
      "I've reset your session. Could you try again now?",
    ],
  },
  plan_change: {
    user: [
      "I want to switch to the {plan} plan.",
      "How do I cancel my {plan} subscription?",
      "Can I downgrade to {plan}, and what would it cost?",
    ],
    bot: [
      "Done: you're on the {plan} plan from your next billing date.",
      "The {plan} plan costs {amount} per month. Shall I switch you?",
      "Your subscription change is scheduled; confirmation {ticket} is in your inbox.",
    ],
  },
  product_info: {
    user: [
      "Is the {product} in stock?",
      "How much is the {product}?",
      "Does the {product} come in other colours, or only this one?",
    ],
    bot: [
      "The {product} is in stock and costs {amount}.",
      "The {product} ships in {days} days; it's {amount}.",
      'Yes, the {product} is available. Tap "Add to cart" to order it.',
    ],
  },
  refund_request: {
    user: [
      "I'd like a refund for order {order}.",
      "The {product} arrived broken, I want my {amount} back.",
      "How long does a refund take?",
    ],
    bot: [
      "Your refund of {amount} for order {order} is approved; expect it within {days} days.",
      "I've started a return for the {product}. Reference: {ticket}.",
      "Refunds reach your account within {days} business days.",
    ],
  },
  smalltalk: {
    user: ["Hi!", "Thanks, that's all.", "Are you a bot?", "Good morning :)"],
    bot: [
      "Hello! How can I help you today?",
      "You're welcome, have a great day!",
      "I'm a virtual assistant, but I'm happy to help.",
    ],
  },
  escalation: {
    user: [
      "I want to talk to a human.",
      "Agent, please.",
      "This isn't helping, get me a real person.",
    ],
    bot: [
      "I'm connecting you to a human agent now; your reference is {ticket}.",
      "Transferring you to our support team, please hold.",
    ],
  },
};

/** Templates for an intent without its own. */
export const GENERIC_TEMPLATES: IntentTemplates = {
  user: ["I have a question.", "Can you help me with something?"],
  bot: ["Sure, tell me more.", "Happy to help, what do you need?"],
};

/** Bot responses of a fallback turn (confidence below the threshold). */
export const FALLBACK_RESPONSES = [
  "Sorry, I didn't quite get that. Could you rephrase?",
  "I'm not sure I understood, can you say it another way?",
  'Hmm, I didn\'t catch that. You can also type "agent" to reach a person.',
];

function pick<T>(rng: Uniform, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

function digits(rng: Uniform, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(rng.next() * 10);
  return s;
}

/** Slot names, in the order of their numeric ids. */
export const SLOT_NAMES = [
  "order",
  "amount",
  "product",
  "plan",
  "ticket",
  "days",
] as const;

/**
 * A template split into literal text and slot ids: `parts[0] slot[0] parts[1] ...`,
 * with `parts.length === slots.length + 1`.
 */
export interface CompiledTemplate {
  /** Literal text around the slots, in order. */
  parts: string[];
  /** Slot ids in order of appearance: indices into {@linkcode SLOT_NAMES}. */
  slots: number[];
}

/**
 * Split a template into literals and slot ids once, so filling it needs no regex.
 *
 * @throws {Error} On an unknown slot name (a template bug).
 */
export function compileTemplate(template: string): CompiledTemplate {
  const parts: string[] = [];
  const slots: number[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const id = (SLOT_NAMES as readonly string[]).indexOf(m[1]);
    if (id < 0) {
      throw new Error(`Unknown template slot {${m[1]}} in "${template}"`);
    }
    parts.push(template.slice(last, m.index));
    slots.push(id);
    last = m.index! + m[0].length;
  }
  parts.push(template.slice(last));
  return { parts, slots };
}

/**
 * Values of a turn's slots by slot id: the user utterance and the bot response of one
 * turn share them (the order the user asks about is the order the bot answers about).
 * `undefined` = not drawn yet this turn.
 */
export type TurnSlots = (string | undefined)[];

function drawSlot(
  rng: Uniform,
  id: number,
  products: readonly string[],
): string {
  switch (id) {
    case 0:
      return "#" + digits(rng, 8);
    case 1:
      return "$" + (5 + Math.floor(rng.next() * 49500) / 100).toFixed(2);
    case 2:
      return pick(rng, products);
    case 3:
      return pick(rng, PLANS);
    case 4:
      return "TCK-" + digits(rng, 6);
    default:
      return String(2 + Math.floor(rng.next() * 9));
  }
}

/**
 * Fill a compiled template. A slot already in `slots` reuses its value; a new one
 * draws from `rng` (in order of appearance) and is remembered.
 *
 * @param products Pool of product names for `{product}`.
 * @param slots The turn's slot values so far (mutated).
 */
export function fillTemplate(
  rng: Uniform,
  t: CompiledTemplate,
  products: readonly string[],
  slots: TurnSlots,
): string {
  let s = t.parts[0];
  for (let i = 0; i < t.slots.length; i++) {
    const id = t.slots[i];
    let v = slots[id];
    if (v === undefined) {
      v = drawSlot(rng, id, products);
      slots[id] = v;
    }
    s += v + t.parts[i + 1];
  }
  return s;
}

/** Compiled templates of one intent. */
export interface CompiledIntent {
  /** Compiled user utterance templates. */
  user: CompiledTemplate[];
  /** Compiled bot response templates. */
  bot: CompiledTemplate[];
}

/** Templates resolved and compiled per intent index. */
export interface TextTables {
  /**
   * Compiled templates by intent index (config order); generic ones for an intent
   * without its own.
   */
  byIntent: CompiledIntent[];
  /** Bot responses of a fallback turn ({@linkcode FALLBACK_RESPONSES}). */
  fallback: string[];
  /** Product names for the `{product}` slot (Faker, see `dataset.ts`). */
  products: readonly string[];
}

/**
 * Resolve and compile templates for the config's intents.
 *
 * @param intentNames Intent names in config order.
 * @param products Product name pool (from Faker, see `dataset.ts`).
 */
export function textTables(
  intentNames: readonly string[],
  products: readonly string[],
): TextTables {
  return {
    byIntent: intentNames.map((n) => {
      const t = Object.hasOwn(INTENT_TEMPLATES, n)
        ? INTENT_TEMPLATES[n]
        : GENERIC_TEMPLATES;
      return {
        user: t.user.map(compileTemplate),
        bot: t.bot.map(compileTemplate),
      };
    }),
    fallback: FALLBACK_RESPONSES,
    products,
  };
}

/**
 * User utterance for an intent: one template pick, then its slots.
 *
 * @param slots The turn's slot values; cleared here (the user speaks first).
 */
export function userText(
  rng: Uniform,
  t: TextTables,
  intent: number,
  slots: TurnSlots,
): string {
  slots.fill(undefined);
  return fillTemplate(
    rng,
    pick(rng, t.byIntent[intent].user),
    t.products,
    slots,
  );
}

/**
 * Bot response: a fallback response when `fallback`, else one of the intent's,
 * reusing the user utterance's slot values.
 */
export function botText(
  rng: Uniform,
  t: TextTables,
  intent: number,
  fallback: boolean,
  slots: TurnSlots,
): string {
  if (fallback) return pick(rng, t.fallback);
  return fillTemplate(
    rng,
    pick(rng, t.byIntent[intent].bot),
    t.products,
    slots,
  );
}
