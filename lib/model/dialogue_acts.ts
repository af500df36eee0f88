/**
 * Dialogue acts: what each side does in a turn, in the style of the Schema-Guided
 * Dialogue dataset's acts (INFORM, REQUEST, CONFIRM, AFFIRM, THANK_YOU, GOODBYE; Rastogi
 * et al., 2020), plus the acts a deployed bot needs: clarify after a fallback, rephrase
 * after a clarify, and the handoff to a human (docs/design.md §3.13). The order is the
 * order of `dim_dialogue_act` (key = index + 1).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { DIALOGUE_ACTS, actIndex } from "./dialogue_acts.ts";
 * ok(DIALOGUE_ACTS[actIndex("handoff")].speaker === "bot");
 * ```
 *
 * @module
 */

/** One dialogue act: its name, who performs it, and what it means. */
export interface DialogueAct {
  /** Name as written in the data (`user_act`, `bot_act`), lower snake case. */
  name: string;
  /** `user`, `bot` or `both`: who may perform it. */
  speaker: "user" | "bot" | "both";
  /** One sentence: what the act is. */
  description: string;
}

/** Every dialogue act, in `dim_dialogue_act` key order (key = index + 1). */
export const DIALOGUE_ACTS: readonly DialogueAct[] = [
  {
    name: "greet",
    speaker: "both",
    description: "Opens the conversation (turn 1 only)",
  },
  {
    name: "inform",
    speaker: "both",
    description:
      "States a need or gives information (user), or answers it (bot)",
  },
  {
    name: "request",
    speaker: "both",
    description:
      "Asks a question about the goal (user), or asks for a missing detail (bot)",
  },
  {
    name: "confirm",
    speaker: "bot",
    description: "Proposes an action and asks the user to confirm it",
  },
  {
    name: "affirm",
    speaker: "user",
    description: "Accepts the action the bot proposed",
  },
  {
    name: "rephrase",
    speaker: "user",
    description:
      "Repeats the previous request in other words, after the bot's clarify",
  },
  {
    name: "clarify",
    speaker: "bot",
    description: "Fallback: the bot did not understand and asks to rephrase",
  },
  {
    name: "request_agent",
    speaker: "user",
    description: "Asks for a human agent",
  },
  {
    name: "handoff",
    speaker: "bot",
    description:
      "Transfers the user to a human agent; the bot's part of the session ends",
  },
  {
    name: "thank",
    speaker: "user",
    description: "Thanks the bot and closes the session",
  },
  {
    name: "goodbye",
    speaker: "both",
    description: "Closes the session",
  },
];

/** Act names, in key order. */
export const ACT_NAMES: readonly string[] = DIALOGUE_ACTS.map((a) => a.name);

/**
 * Index of an act by name (the `dim_dialogue_act` key is index + 1).
 *
 * @throws {RangeError} When `name` is not an act.
 */
export function actIndex(name: string): number {
  const i = ACT_NAMES.indexOf(name);
  if (i < 0) throw new RangeError(`Unknown dialogue act "${name}"`);
  return i;
}

/** Act index of the user's rephrase after a clarify. */
export const REPHRASE: number = actIndex("rephrase");
/** Act index of the bot's clarify on a fallback. */
export const CLARIFY: number = actIndex("clarify");
/** Act index of the bot's handoff. */
export const HANDOFF: number = actIndex("handoff");

/** Exchange roles in the dialogue model (config `dialogue.exchanges[].role`). */
export const EXCHANGE_ROLES = [
  "greet",
  "close",
  "escalate",
  "open",
  "follow",
  "then",
] as const;

/** User acts each role allows, and the bot acts. */
export const ROLE_ACTS: Record<
  typeof EXCHANGE_ROLES[number],
  { user: readonly string[]; bot: readonly string[] }
> = {
  greet: { user: ["greet"], bot: ["greet"] },
  close: { user: ["thank", "goodbye"], bot: ["goodbye"] },
  escalate: { user: ["request_agent"], bot: ["handoff"] },
  open: {
    user: ["inform", "request"],
    bot: ["inform", "request", "confirm"],
  },
  follow: {
    user: ["inform", "request", "affirm"],
    bot: ["inform", "request", "confirm"],
  },
  then: {
    user: ["inform", "request", "affirm"],
    bot: ["inform", "request", "confirm"],
  },
};
