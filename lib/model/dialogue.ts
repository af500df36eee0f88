/**
 * The compiled dialogue model (docs/design.md §3.13): exchanges by intent and role with
 * their acts, the chain's probabilities, and the end probability solved so that the mean
 * turn count equals `turns.count.mean`.
 *
 * @module
 */
import type { FileConfig } from "../config/schema.ts";
import { Categorical } from "../random/mod.ts";
import { actIndex } from "./dialogue_acts.ts";
import { expectedFallbackRate } from "./fallback_rate.ts";
import {
  type ChainExpectations,
  type ChainParams,
  enumerateChain,
  solveEndProbability,
} from "./dialogue_chain.ts";

/** One exchange: a user message and the bot reply that answers it. */
export interface Exchange {
  /** Exchange id (config). */
  id: string;
  /** Index in `dialogue.exchanges`. */
  index: number;
  /** Role: greet, close, escalate, open, follow or then. */
  role: string;
  /** Intent index of its turns. */
  intent: number;
  /** User act index (see `DIALOGUE_ACTS`). */
  userAct: number;
  /** Bot act index when answered. */
  botAct: number;
  /** Index of the exchange that must come next in the goal, or −1. */
  then: number;
}

/** The dialogue model compiled from a config. */
export interface Dialogue {
  /** Exchanges in config order. */
  exchanges: Exchange[];
  /** Greeting exchanges. */
  greet: Exchange[];
  /** Closing exchanges. */
  close: Exchange[];
  /** Requests for a human. */
  escalate: Exchange[];
  /** Opening exchanges by intent index (empty for non-task intents). */
  open: Exchange[][];
  /** Follow-up exchanges by intent index. */
  follow: Exchange[][];
  /** Session goal: categorical over intent indices (goal probabilities). */
  goal: Categorical;
  /** Second goal given the first, by intent index: the goal mix without it (or null). */
  switchGoal: (Categorical | null)[];
  /** Chain parameters with the solved end probability. */
  chain: ChainParams;
  /** Exact expectations of the chain. */
  expected: ChainExpectations;
}

/**
 * The chain's parameters from a config, without the end probability (solved later).
 *
 * @param c A config whose dialogue rules hold.
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { chainParams } from "./dialogue.ts";
 * import { parseConfig } from "../config/load.ts";
 * const c = parseConfig(await Deno.readTextFile("config.yaml"), "config.yaml");
 * ok(chainParams(c).handoffFallbacks === 2);
 * ```
 */
export function chainParams(c: FileConfig): Omit<ChainParams, "end"> {
  const names = c.intents.map((i) => i.name);
  const d = c.dialogue;
  return {
    goalProbability: c.intents.map((i) => i.goal_probability ?? 0),
    fallbackProbability: c.intents.map((i) =>
      expectedFallbackRate(
        i.confidence.alpha,
        i.confidence.beta,
        c.fallback.threshold,
        c.fallback.noise_sd,
      )
    ),
    socialIntent: names.indexOf(d.social_intent),
    escalationIntent: names.indexOf(d.escalation_intent),
    greet: d.greet_probability,
    close: d.close_probability,
    escalate: d.escalate_probability,
    switchGoal: d.switch_probability,
    leaveAfterFallback: d.leave_after_fallback,
    handoffFallbacks: c.outcomes.escalation_consecutive_fallbacks,
    maxTurns: c.turns.count.max,
  };
}

/**
 * Compile the dialogue model of a config.
 *
 * @param c A config that passed all rules (so the mean turn count is reachable).
 * @throws {RangeError} When `turns.count.mean` is out of reach (the rules report it first).
 */
export function compileDialogue(c: FileConfig): Dialogue {
  const names = c.intents.map((i) => i.name);
  const d = c.dialogue;
  const base = chainParams(c);
  const exchanges: Exchange[] = d.exchanges.map((x, index) => ({
    id: x.id,
    index,
    role: x.role,
    intent: x.role === "greet" || x.role === "close"
      ? base.socialIntent
      : x.role === "escalate"
      ? base.escalationIntent
      : names.indexOf(x.intent!),
    userAct: actIndex(x.user_act),
    botAct: actIndex(x.bot_act),
    then: -1,
  }));
  d.exchanges.forEach((x, i) => {
    if (x.then !== undefined) {
      exchanges[i].then = d.exchanges.findIndex((y) => y.id === x.then);
    }
  });
  const role = (r: string, intent?: number) =>
    exchanges.filter((x, i) =>
      d.exchanges[i].role === r && (intent === undefined || x.intent === intent)
    );
  const solved = solveEndProbability(base, c.turns.count.mean);
  if ("range" in solved) {
    throw new RangeError(
      `Mean turn count ${c.turns.count.mean} is out of reach of the dialogue model`,
    );
  }
  const chain = { ...base, end: solved.end };
  const goalP = base.goalProbability;
  return {
    exchanges,
    greet: role("greet"),
    close: role("close"),
    escalate: role("escalate"),
    open: names.map((_, i) => role("open", i)),
    follow: names.map((_, i) => role("follow", i)),
    goal: new Categorical(goalP),
    switchGoal: goalP.map((q, g) => {
      const rest = goalP.map((x, h) => (h === g ? 0 : x));
      return q > 0 && rest.some((x) => x > 0) ? new Categorical(rest) : null;
    }),
    chain,
    expected: enumerateChain(chain),
  };
}
