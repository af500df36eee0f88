/**
 * Turn text: a user message and a bot reply per turn, from the config's wording of each
 * exchange, filled with synthetic values that persist through a goal (docs/design.md
 * §3.10, §3.13). Templates deliberately contain commas, double quotes and apostrophes, so
 * every writer's escaping is exercised.
 *
 * Slots: `{order}` order number, `{amount}` money amount, `{product}` a Faker product
 * name, `{plan}` a plan name, `{ticket}` a support ticket id, `{days}` a small count.
 *
 * @module
 */
import type { Uniform } from "../random/mod.ts";

/** Plan names used by `{plan}`. */
export const PLANS = ["Basic", "Plus", "Premium", "Family", "Business"];

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
 * Values of a goal's slots by slot id: every turn of one goal shares them (the order the
 * user asks about is the order the bot answers about, through the whole conversation).
 * `undefined` = not drawn yet in this goal.
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

/** Compiled wording of one language. */
export interface LanguageText {
  /** Language code (a key of `dialogue.text`). */
  code: string;
  /** The bot's clarify replies on a fallback. */
  fallback: CompiledTemplate[];
  /** The bot's replies when it hands off after repeated fallbacks. */
  handoff: CompiledTemplate[];
  /** User messages by exchange index. */
  user: CompiledTemplate[][];
  /** Bot replies by exchange index. */
  bot: CompiledTemplate[][];
}

/** Templates compiled per language and exchange. */
export interface TextTables {
  /** Languages in `dialogue.text` order. */
  languages: LanguageText[];
  /** Product names for the `{product}` slot (Faker, see `dataset.ts`). */
  products: readonly string[];
}

/**
 * Compile the dialogue's wording.
 *
 * @param text The config's `dialogue.text` (every exchange worded in every language).
 * @param exchangeIds Exchange ids in config order.
 * @param products Product name pool (from Faker, see `dataset.ts`).
 * @throws {Error} On an unknown slot (the config rules reject it first).
 */
export function textTables(
  text: Record<
    string,
    {
      fallback: string[];
      handoff: string[];
      exchanges: Record<string, { user: string[]; bot: string[] }>;
    }
  >,
  exchangeIds: readonly string[],
  products: readonly string[],
): TextTables {
  return {
    languages: Object.keys(text).map((code) => {
      const t = text[code];
      return {
        code,
        fallback: t.fallback.map(compileTemplate),
        handoff: t.handoff.map(compileTemplate),
        user: exchangeIds.map((id) =>
          t.exchanges[id].user.map(compileTemplate)
        ),
        bot: exchangeIds.map((id) => t.exchanges[id].bot.map(compileTemplate)),
      };
    }),
    products,
  };
}

/**
 * Index of a user template: uniform, or uniform among the others when `avoid` ≥ 0 (a
 * rephrase never repeats the previous wording). Consumes one uniform.
 *
 * @param n Number of templates (≥ 2 when `avoid` ≥ 0).
 * @param avoid Index to avoid, or −1.
 */
export function pickIndex(rng: Uniform, n: number, avoid: number): number {
  if (avoid < 0 || n < 2) return Math.floor(rng.next() * n);
  const i = Math.floor(rng.next() * (n - 1));
  return i >= avoid ? i + 1 : i;
}

/**
 * Fill one of `templates` (uniform pick), reusing and extending the goal's slots.
 *
 * @param slots The goal's slot values (mutated: new slots are remembered).
 */
export function fillOne(
  rng: Uniform,
  templates: readonly CompiledTemplate[],
  products: readonly string[],
  slots: TurnSlots,
): string {
  return fillTemplate(rng, pick(rng, templates), products, slots);
}
