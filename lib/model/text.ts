/**
 * Turn text: a user message and a bot reply per turn, from the config's wording of each
 * exchange, filled with synthetic values that persist through a goal (docs/design.md
 * §3.10, §3.13). Templates deliberately contain commas, double quotes and apostrophes, so
 * every writer's escaping is exercised.
 *
 * Slots: `{order}` order number, `{amount}` money amount in the user's country's
 * currency format, `{product}` a Faker product name, `{plan}` a plan name, `{ticket}` a
 * support ticket id, `{days}` a small count, `{date}` the session's UTC day plus `{days}`
 * days in the language's date format. Amounts and dates are formatted from the config
 * alone (never the runtime's locale data), so the bytes are the same on every machine.
 *
 * @module
 */
import type { Uniform } from "../random/mod.ts";
import { thousands } from "../number_format.ts";
import { dayParts } from "../calendar/iso_date.ts";

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

/**
 * The language a locale writes in: the part before "_" (`de` → `de`, `pt_BR` → `pt`),
 * an ISO 639-1 code that must be a key of the config's `dialogue.text`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { localeLanguage } from "./text.ts";
 * ok(localeLanguage("pt_BR") === "pt");
 * ```
 */
export function localeLanguage(locale: string): string {
  return locale.split("_")[0];
}

/** Slot names, in the order of their numeric ids. */
export const SLOT_NAMES = [
  "order",
  "amount",
  "product",
  "plan",
  "ticket",
  "days",
  "date",
] as const;

/** Slot id of `{days}`. */
const DAYS = 5;

/**
 * How a country writes money (config `population.countries[].currency`).
 */
export interface MoneyFormat {
  /** Currency symbol, e.g. "$", "R$", "€". */
  symbol: string;
  /** Whether the symbol comes before or after the number. */
  position: "before" | "after";
  /** A space between the symbol and the number (default false). */
  space?: boolean;
  /** Decimal separator, e.g. "." or ",". */
  decimal: string;
  /** Group (thousands) separator, e.g. ",", "." or " "; "" for none. */
  group: string;
}

/**
 * Format an amount of money given in cents: two decimals, groups of three digits.
 *
 * @param cents Amount in hundredths of the currency unit, a non-negative integer.
 * @param f The country's money format.
 * @returns E.g. "$1,234.50", "1.234,50 €", "R$ 1.234,50".
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { formatMoney } from "./text.ts";
 * const de = { symbol: "€", position: "after", space: true, decimal: ",", group: "." } as const;
 * ok(formatMoney(123450, de) === "1.234,50 €");
 * ```
 */
export function formatMoney(cents: number, f: MoneyFormat): string {
  const frac = String(cents % 100).padStart(2, "0");
  const n = thousands(Math.floor(cents / 100), f.group) + f.decimal + frac;
  const sp = f.space ? " " : "";
  return f.position === "before" ? f.symbol + sp + n : n + sp + f.symbol;
}

/** How a language writes a day of the year (config `dialogue.text.<lang>.date`). */
export interface DateFormat {
  /** Month names, January first (12). */
  months: readonly string[];
  /** Pattern with `{day}` (day of the month, no leading zero) and `{month}`. */
  format: string;
}

/**
 * Format a UTC day as a language writes it, from the config's month names and pattern.
 *
 * @param epochDay Days since 1970-01-01 (UTC).
 * @param f The language's date format.
 * @returns E.g. "March 3" (en), "3. März" (de), "3 de marzo" (es).
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { formatDay } from "./text.ts";
 * const months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
 *   "août", "septembre", "octobre", "novembre", "décembre"];
 * // 2025-03-03 is epoch day 20150.
 * ok(formatDay(20150, { months, format: "{day} {month}" }) === "3 mars");
 * ```
 */
export function formatDay(epochDay: number, f: DateFormat): string {
  const p = dayParts(epochDay);
  return f.format.replace("{day}", () => String(p.dayOfMonth)).replace(
    "{month}",
    () => f.months[p.month - 1],
  );
}

/**
 * What filling a slot needs besides randomness: the product pool and the user's
 * formats. Mutable: the session generator reuses one per process.
 */
export interface SlotContext {
  /** Pool of product names for `{product}`. */
  products: readonly string[];
  /** The user's country's money format, for `{amount}`. */
  money: MoneyFormat;
  /** The user's language's date format, for `{date}`. */
  date: DateFormat;
  /** The session's start day (UTC), days since 1970-01-01, for `{date}`. */
  day: number;
}

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
  ctx: SlotContext,
  slots: TurnSlots,
): string {
  switch (id) {
    case 0:
      return "#" + digits(rng, 8);
    case 1:
      return formatMoney(500 + Math.floor(rng.next() * 49500), ctx.money);
    case 2:
      return pick(rng, ctx.products);
    case 3:
      return pick(rng, PLANS);
    case 4:
      return "TCK-" + digits(rng, 6);
    case DAYS:
      return String(2 + Math.floor(rng.next() * 9));
    default: {
      // {date}: the session's day plus the goal's {days} (drawn now if still new).
      let days = slots[DAYS];
      if (days === undefined) {
        days = drawSlot(rng, DAYS, ctx, slots);
        slots[DAYS] = days;
      }
      return formatDay(ctx.day + Number(days), ctx.date);
    }
  }
}

/**
 * Fill a compiled template. A slot already in `slots` reuses its value; a new one
 * draws from `rng` (in order of appearance) and is remembered.
 *
 * @param ctx Product pool, the user's formats and the session's day.
 * @param slots The turn's slot values so far (mutated).
 */
export function fillTemplate(
  rng: Uniform,
  t: CompiledTemplate,
  ctx: SlotContext,
  slots: TurnSlots,
): string {
  let s = t.parts[0];
  for (let i = 0; i < t.slots.length; i++) {
    const id = t.slots[i];
    let v = slots[id];
    if (v === undefined) {
      v = drawSlot(rng, id, ctx, slots);
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
  /** How the language writes a date. */
  date: DateFormat;
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
  /** Money format by country index (`population.countries[].currency`). */
  money: MoneyFormat[];
}

/**
 * Compile the dialogue's wording.
 *
 * @param text The config's `dialogue.text` (every exchange worded in every language).
 * @param exchangeIds Exchange ids in config order.
 * @param products Product name pool (from Faker, see `dataset.ts`).
 * @param money Money format by country index.
 * @throws {Error} On an unknown slot (the config rules reject it first).
 */
export function textTables(
  text: Record<
    string,
    {
      fallback: string[];
      handoff: string[];
      date: DateFormat;
      exchanges: Record<string, { user: string[]; bot: string[] }>;
    }
  >,
  exchangeIds: readonly string[],
  products: readonly string[],
  money: MoneyFormat[],
): TextTables {
  return {
    languages: Object.keys(text).map((code) => {
      const t = text[code];
      return {
        code,
        date: t.date,
        fallback: t.fallback.map(compileTemplate),
        handoff: t.handoff.map(compileTemplate),
        user: exchangeIds.map((id) =>
          t.exchanges[id].user.map(compileTemplate)
        ),
        bot: exchangeIds.map((id) => t.exchanges[id].bot.map(compileTemplate)),
      };
    }),
    products,
    money,
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
 * @param ctx Product pool, the user's formats and the session's day.
 * @param slots The goal's slot values (mutated: new slots are remembered).
 */
export function fillOne(
  rng: Uniform,
  templates: readonly CompiledTemplate[],
  ctx: SlotContext,
  slots: TurnSlots,
): string {
  return fillTemplate(rng, pick(rng, templates), ctx, slots);
}
