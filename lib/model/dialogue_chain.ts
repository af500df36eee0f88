/**
 * The dialogue model as a finite Markov chain, enumerated exactly (docs/design.md §3.13):
 * the turn-count distribution, the expected turns of each intent, the coherence figures
 * and the escalation probabilities follow from the config by a forward recursion over
 * (turn position, state), with no simulation. `generateSession` (session.ts) walks the
 * same chain with random draws; `validate` tests the data against these values.
 *
 * States before a turn: the kind of turn coming (greeting, the goal's opening, a
 * continuation of the goal, a rephrase, the opening of a second goal, a request for a
 * human, its rephrase, a closing), the current goal g, the run r of consecutive
 * fallbacks so far (0..K−1), and whether the goal has switched.
 *
 * @module
 */

/** Kinds of the next turn. */
const GREET = 0,
  OPEN = 1,
  CONTINUE = 2,
  REPHRASE = 3,
  SWITCH_OPEN = 4,
  AGENT = 5,
  AGENT_REPHRASE = 6,
  CLOSE = 7,
  GREET_REPHRASE = 8;
const KINDS = 9;

/** The parameters of the chain, by intent index (config order). */
export interface ChainParams {
  /** Goal probability of each intent (0 for the social and escalation intents); sum 1. */
  goalProbability: readonly number[];
  /** Fallback probability of one turn of each intent (see `expectedFallbackRate`). */
  fallbackProbability: readonly number[];
  /** Index of the social intent (greetings and closings). */
  socialIntent: number;
  /** Index of the escalation intent (requests for a human). */
  escalationIntent: number;
  /** P(the session opens with a greeting). */
  greet: number;
  /** P(a wrap-up is a closing turn rather than leaving). */
  close: number;
  /** P(after an answered task turn, the user asks for a human). */
  escalate: number;
  /** P(after an answered task turn, the user opens a second goal), once per session. */
  switchGoal: number;
  /** P(after an answered task turn, the user wraps up). */
  end: number;
  /** P(after a clarify, the user leaves instead of rephrasing). */
  leaveAfterFallback: number;
  /** Consecutive fallbacks that make the bot hand off (K ≥ 1). */
  handoffFallbacks: number;
  /** Turn cap: a session ends after this many turns. */
  maxTurns: number;
}

/** Exact expectations of the chain, per session unless stated. */
export interface ChainExpectations {
  /** P(turns = n) at index n − 1, n = 1..maxTurns. */
  turnPmf: Float64Array;
  /** E[turns]. */
  meanTurns: number;
  /** E[turns of intent i], by intent index. */
  intentTurns: Float64Array;
  /** E[turns of intent i that fall back], by intent index. */
  intentFallbacks: Float64Array;
  /** E[task turns preceded by a task turn] (pairs of consecutive task turns). */
  taskPairs: number;
  /** E[such pairs whose two turns have the same intent]. */
  sameIntentPairs: number;
  /** E[distinct task intents in a session]. */
  distinctTaskIntents: number;
  /** E[greeting turns] (each is turn 1). */
  greetTurns: number;
  /** E[closing turns] (each is the last turn). */
  closeTurns: number;
  /** E[rephrase turns]. */
  rephraseTurns: number;
  /** P(the bot hands off), i.e. P(escalated). */
  escalated: number;
  /** P(the bot hands off after K consecutive fallbacks). */
  handoffAfterFallbacks: number;
  /** P(not escalated and the last turn answered): eligible for resolution. */
  resolutionEligible: number;
}

/** Remaining probability mass below which the recursion stops (before the cap). */
const NEGLIGIBLE = 1e-18;

/**
 * Enumerate the chain exactly: a forward recursion over turn positions 1..maxTurns,
 * stopping early once the mass still in progress is below 1e−18.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { enumerateChain } from "./dialogue_chain.ts";
 * // One task intent that never falls back, ending with probability 1/4 after each
 * // turn: the turn count is geometric with mean 4.
 * const e = enumerateChain({
 *   goalProbability: [1, 0, 0], fallbackProbability: [0, 0, 0],
 *   socialIntent: 1, escalationIntent: 2, greet: 0, close: 0, escalate: 0,
 *   switchGoal: 0, end: 0.25, leaveAfterFallback: 0, handoffFallbacks: 2,
 *   maxTurns: 10_000,
 * });
 * ok(Math.abs(e.meanTurns - 4) < 1e-9);
 * ```
 */
export function enumerateChain(p: ChainParams): ChainExpectations {
  const I = p.goalProbability.length;
  const K = p.handoffFallbacks;
  const size = KINDS * I * K * 2;
  const at = (kind: number, g: number, r: number, sw: number) =>
    ((kind * I + g) * K + r) * 2 + sw;
  let cur = new Float64Array(size);
  let next = new Float64Array(size);
  const out: ChainExpectations = {
    turnPmf: new Float64Array(p.maxTurns),
    meanTurns: 0,
    intentTurns: new Float64Array(I),
    intentFallbacks: new Float64Array(I),
    taskPairs: 0,
    sameIntentPairs: 0,
    distinctTaskIntents: 0,
    greetTurns: 0,
    closeTurns: 0,
    rephraseTurns: 0,
    escalated: 0,
    handoffAfterFallbacks: 0,
    resolutionEligible: 0,
  };
  // Switch targets: P(g' | switching away from g) = goal(g') / Σ_{h≠g} goal(h), the
  // generator's categorical over the other goals (not 1 − goal(g): the goals may sum
  // to 1 only within the config's tolerance).
  const others = p.goalProbability.map((_, g) =>
    p.goalProbability.reduce((a, q, h) => (h === g ? a : a + q), 0)
  );
  const canSwitch = (g: number) => others[g] > 0;
  for (let g = 0; g < I; g++) {
    const q = p.goalProbability[g];
    if (q === 0) continue;
    cur[at(GREET, g, 0, 0)] += q * p.greet;
    cur[at(OPEN, g, 0, 0)] += q * (1 - p.greet);
  }
  for (let n = 1; n <= p.maxTurns; n++) {
    next.fill(0);
    const last = n === p.maxTurns;
    let ended = 0, alive = 0;
    // Mass that ends after this turn, with or without the last turn answered.
    const end = (mass: number, answered: boolean) => {
      ended += mass;
      if (answered) out.resolutionEligible += mass;
    };
    const push = (i: number, mass: number, answered = true) => {
      if (last) {
        // The cap: the session ends here; the next turn never happens.
        end(mass, answered);
      } else {
        next[i] += mass;
        alive += mass;
      }
    };
    for (let kind = 0; kind < KINDS; kind++) {
      for (let g = 0; g < I; g++) {
        for (let r = 0; r < K; r++) {
          for (let sw = 0; sw < 2; sw++) {
            const m = cur[at(kind, g, r, sw)];
            if (m === 0) continue;
            const intent =
              kind === GREET || kind === GREET_REPHRASE || kind === CLOSE
                ? p.socialIntent
                : kind === AGENT || kind === AGENT_REPHRASE
                ? p.escalationIntent
                : g;
            const f = p.fallbackProbability[intent];
            out.intentTurns[intent] += m;
            out.intentFallbacks[intent] += m * f;
            if (kind === GREET) out.greetTurns += m;
            if (kind === CLOSE) out.closeTurns += m;
            if (
              kind === REPHRASE || kind === AGENT_REPHRASE ||
              kind === GREET_REPHRASE
            ) {
              out.rephraseTurns += m;
            }
            if (kind === CONTINUE || kind === REPHRASE) {
              out.taskPairs += m;
              out.sameIntentPairs += m;
            }
            if (kind === SWITCH_OPEN) {
              out.taskPairs += m;
              out.distinctTaskIntents += m;
            }
            if (kind === OPEN) out.distinctTaskIntents += m;
            // Fallback.
            const mf = m * f;
            if (mf > 0) {
              if (r + 1 >= K) {
                out.escalated += mf;
                out.handoffAfterFallbacks += mf;
                ended += mf;
              } else if (kind === CLOSE) {
                end(mf, false);
              } else {
                const leave = mf * p.leaveAfterFallback;
                if (leave > 0) end(leave, false);
                const stay = mf - leave;
                if (stay > 0) {
                  const k = kind === AGENT || kind === AGENT_REPHRASE
                    ? AGENT_REPHRASE
                    : kind === GREET || kind === GREET_REPHRASE
                    ? GREET_REPHRASE
                    : REPHRASE;
                  push(at(k, g, r + 1, sw), stay, false);
                }
              }
            }
            // Answered.
            const ma = m * (1 - f);
            if (ma === 0) continue;
            if (kind === GREET || kind === GREET_REPHRASE) {
              push(at(OPEN, g, 0, sw), ma);
            } else if (kind === CLOSE) {
              end(ma, true);
            } else if (kind === AGENT || kind === AGENT_REPHRASE) {
              out.escalated += ma;
              ended += ma;
            } else {
              push(at(AGENT, g, 0, sw), ma * p.escalate);
              const wrap = ma * p.end;
              if (p.close > 0) push(at(CLOSE, g, 0, sw), wrap * p.close);
              end(wrap * (1 - p.close), true);
              let stay = ma * (1 - p.escalate - p.end);
              if (sw === 0 && canSwitch(g) && p.switchGoal > 0) {
                const ms = ma * p.switchGoal;
                stay -= ms;
                const rest = others[g];
                for (let h = 0; h < I; h++) {
                  if (h === g || p.goalProbability[h] === 0) continue;
                  push(
                    at(SWITCH_OPEN, h, 0, 1),
                    ms * p.goalProbability[h] / rest,
                  );
                }
              }
              if (stay > 0) push(at(CONTINUE, g, 0, sw), stay);
            }
          }
        }
      }
    }
    out.turnPmf[n - 1] = ended;
    out.meanTurns += n * ended;
    [cur, next] = [next, cur];
    if (alive < NEGLIGIBLE) break;
  }
  return out;
}

/** Solutions already found, by chain parameters and target (a run solves once). */
const solved = new Map<string, { end: number } | { range: [number, number] }>();

/**
 * The end probability for which the chain's mean turn count is `targetMean`: the
 * Illinois variant of regula falsi on [0, 1 − escalate − switchGoal] (the mean
 * decreases as the end probability grows), to a mean within 10^−12 of the target
 * (relative), in about ten enumerations. Results are kept per parameters, so the
 * config rules, the model and `validate` share one solve.
 *
 * @param p The chain without its `end` probability.
 * @param targetMean Mean turns per session wanted.
 * @returns The end probability, or a `range` of reachable means when none fits.
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { enumerateChain, solveEndProbability } from "./dialogue_chain.ts";
 * const p = {
 *   goalProbability: [1, 0, 0], fallbackProbability: [0, 0, 0],
 *   socialIntent: 1, escalationIntent: 2, greet: 0, close: 0, escalate: 0,
 *   switchGoal: 0, leaveAfterFallback: 0, handoffFallbacks: 2, maxTurns: 10_000,
 * };
 * const s = solveEndProbability(p, 4);
 * ok("end" in s && Math.abs(s.end - 0.25) < 1e-9);
 * ```
 */
export function solveEndProbability(
  p: Omit<ChainParams, "end">,
  targetMean: number,
): { end: number } | { range: [number, number] } {
  const key = `${JSON.stringify(p)}|${targetMean}`;
  const known = solved.get(key);
  if (known !== undefined) return known;
  const result = solve(p, targetMean);
  if (solved.size > 64) solved.clear();
  solved.set(key, result);
  return result;
}

function solve(
  p: Omit<ChainParams, "end">,
  targetMean: number,
): { end: number } | { range: [number, number] } {
  const hi = Math.max(0, 1 - p.escalate - p.switchGoal);
  const f = (end: number) =>
    enumerateChain({ ...p, end }).meanTurns - targetMean;
  let a = 0, b = hi;
  let fa = f(a), fb = f(b);
  if (!(fa >= -1e-12 * targetMean && fb <= 1e-12 * targetMean)) {
    return { range: [fb + targetMean, fa + targetMean] };
  }
  const tol = 1e-12 * targetMean;
  if (Math.abs(fa) <= tol) return { end: a };
  if (Math.abs(fb) <= tol) return { end: b };
  let side = 0;
  for (let i = 0; i < 200; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = f(c);
    if (Math.abs(fc) <= tol || b - a < 1e-16) return { end: c };
    if (fc > 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return { end: (a + b) / 2 };
}
