/**
 * Cross-field rules of the config's dialogue model (docs/design.md §3.13): the goal
 * intents and their probabilities, the exchanges and the acts their roles allow, `then`
 * links, the wording of every exchange in every language, and a mean turn count the
 * dialogue can reach.
 *
 * @module
 */
import type { FileConfig } from "./schema.ts";
import type { ConfigIssue } from "./issue.ts";
import { closestName } from "./closest.ts";
import { listed, quoted } from "../wording.ts";
import { ROLE_ACTS } from "../model/dialogue_acts.ts";
import { localeLanguage, SLOT_NAMES } from "../model/text.ts";
import { allLocales } from "@faker-js/faker";
import { chainParams } from "../model/dialogue.ts";
import { solveEndProbability } from "../model/dialogue_chain.ts";

const SUM_TOLERANCE = 1e-9;

/** "a greet", "an open", "an escalate": the role with its article. */
function aRole(role: string): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}

function guess(name: string, names: string[]): string {
  const g = closestName(name, names);
  return g === undefined ? "" : `; did you mean \`${quoted(g).slice(1, -1)}\`?`;
}

/**
 * Check the dialogue rules of a well-typed config.
 *
 * @param c A config that passed the schema.
 * @returns Every violation found, with its key path.
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { checkDialogueRules } from "./dialogue_rules.ts";
 * import { parseConfig } from "./load.ts";
 * const config = parseConfig(await Deno.readTextFile("config.yaml"), "config.yaml");
 * ok(checkDialogueRules(config).length === 0);
 * ```
 */
export function checkDialogueRules(c: FileConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const d = c.dialogue;
  const names = c.intents.map((i) => i.name);
  const social = names.indexOf(d.social_intent);
  const escalation = names.indexOf(d.escalation_intent);
  if (social < 0) {
    issues.push({
      path: ["dialogue", "social_intent"],
      message: `${quoted(d.social_intent)} is not an intent${
        guess(d.social_intent, names)
      }`,
    });
  }
  if (escalation < 0) {
    issues.push({
      path: ["dialogue", "escalation_intent"],
      message: `${quoted(d.escalation_intent)} is not an intent${
        guess(d.escalation_intent, names)
      }`,
    });
  }
  if (social >= 0 && social === escalation) {
    issues.push({
      path: ["dialogue", "escalation_intent"],
      message: "must differ from dialogue.social_intent",
    });
  }
  let goalSum = 0, goals = 0;
  c.intents.forEach((intent, i) => {
    const special = i === social || i === escalation;
    if (special && intent.goal_probability !== undefined) {
      issues.push({
        path: ["intents", i, "goal_probability"],
        message: `${quoted(intent.name)} is the dialogue's ${
          i === social ? "social" : "escalation"
        } intent, which is never a goal; remove goal_probability`,
      });
    }
    if (!special) {
      if (intent.goal_probability === undefined) {
        issues.push({
          path: ["intents", i],
          message: `task intent ${
            quoted(intent.name)
          } needs a goal_probability (the share of sessions with this goal)`,
        });
      } else {
        goalSum += intent.goal_probability;
        if (intent.goal_probability > 0) goals++;
      }
    }
  });
  if (
    !issues.some((x) => x.path[0] === "intents") &&
    Math.abs(goalSum - 1) > SUM_TOLERANCE
  ) {
    issues.push({
      path: ["intents"],
      message: `goal probabilities must sum to 1, got ${
        Number(goalSum.toFixed(12))
      }`,
    });
  }
  if (d.escalate_probability + d.switch_probability >= 1) {
    issues.push({
      path: ["dialogue", "switch_probability"],
      message:
        `escalate_probability + switch_probability must stay below 1 (the rest is the end and continue probabilities), got ${
          d.escalate_probability + d.switch_probability
        }`,
    });
  }

  const ids = d.exchanges.map((x) => x.id);
  const byId = new Map<string, number>();
  d.exchanges.forEach((x, i) => {
    const path = ["dialogue", "exchanges", i];
    if (byId.has(x.id)) {
      issues.push({ path, message: `duplicate exchange ${quoted(x.id)}` });
    }
    byId.set(x.id, i);
    const taskRole = x.role === "open" || x.role === "follow" ||
      x.role === "then";
    if (taskRole) {
      const k = x.intent === undefined ? -1 : names.indexOf(x.intent);
      if (x.intent === undefined) {
        issues.push({
          path,
          message: `${aRole(x.role)} exchange needs the task intent it serves`,
        });
      } else if (k < 0) {
        issues.push({
          path: [...path, "intent"],
          message: `${quoted(x.intent)} is not an intent${
            guess(x.intent, names)
          }`,
        });
      } else if (k === social || k === escalation) {
        issues.push({
          path: [...path, "intent"],
          message: `${quoted(x.intent)} is not a task intent (${
            aRole(x.role)
          } exchange serves a goal)`,
        });
      }
    } else if (x.intent !== undefined) {
      issues.push({
        path: [...path, "intent"],
        message: `${aRole(x.role)} exchange takes the dialogue's ${
          x.role === "escalate" ? "escalation" : "social"
        } intent; remove intent`,
      });
    }
    const allowed = ROLE_ACTS[x.role];
    if (!allowed.user.includes(x.user_act)) {
      issues.push({
        path: [...path, "user_act"],
        message: `${aRole(x.role)} exchange's user act must be ${
          allowed.user.join(" or ")
        }, got ${quoted(x.user_act)}`,
      });
    }
    if (!allowed.bot.includes(x.bot_act)) {
      issues.push({
        path: [...path, "bot_act"],
        message: `${aRole(x.role)} exchange's bot act must be ${
          allowed.bot.join(" or ")
        }, got ${quoted(x.bot_act)}`,
      });
    }
  });
  const thenTargets = new Set<string>();
  d.exchanges.forEach((x, i) => {
    if (x.then === undefined) return;
    const path = ["dialogue", "exchanges", i, "then"];
    const j = byId.get(x.then);
    if (j === undefined) {
      issues.push({
        path,
        message: `${quoted(x.then)} is not an exchange${guess(x.then, ids)}`,
      });
      return;
    }
    const t = d.exchanges[j];
    if (t.role !== "then" || t.intent !== x.intent) {
      issues.push({
        path,
        message: `${
          quoted(x.then)
        } must be a then exchange of the same intent (${x.intent ?? "none"})`,
      });
    }
    if (x.role === "greet" || x.role === "close" || x.role === "escalate") {
      issues.push({
        path,
        message: `${aRole(x.role)} exchange cannot lead to another exchange`,
      });
    }
    thenTargets.add(x.then);
  });
  // A chain of then links must end: a cycle would repeat its exchanges forever.
  d.exchanges.forEach((x, i) => {
    const seen = new Set<string>([x.id]);
    let next = x.then;
    while (next !== undefined && byId.has(next)) {
      if (seen.has(next)) {
        if (next === x.id) {
          issues.push({
            path: ["dialogue", "exchanges", i, "then"],
            message: `${
              quoted(x.id)
            } leads back to itself through then links; a then chain must end`,
          });
        }
        break;
      }
      seen.add(next);
      next = d.exchanges[byId.get(next)!].then;
    }
  });
  d.exchanges.forEach((x, i) => {
    if (x.role === "then" && !thenTargets.has(x.id)) {
      issues.push({
        path: ["dialogue", "exchanges", i],
        message: `no exchange leads to then exchange ${
          quoted(x.id)
        } (name it in another exchange's then)`,
      });
    }
  });
  c.intents.forEach((intent, i) => {
    if (i === social || i === escalation) return;
    if ((intent.goal_probability ?? 0) === 0) return;
    for (const role of ["open", "follow"] as const) {
      if (
        !d.exchanges.some((x) => x.role === role && x.intent === intent.name)
      ) {
        issues.push({
          path: ["dialogue", "exchanges"],
          message: `task intent ${
            quoted(intent.name)
          } needs at least one ${role} exchange`,
        });
      }
    }
  });
  const need: [string, number][] = [
    ["greet", d.greet_probability],
    ["close", d.close_probability],
    ["escalate", d.escalate_probability],
  ];
  for (const [role, pr] of need) {
    if (pr > 0 && !d.exchanges.some((x) => x.role === role)) {
      issues.push({
        path: ["dialogue", "exchanges"],
        message: `needs ${aRole(role)} exchange (its probability is ${pr})`,
      });
    }
  }

  const languages = Object.keys(d.text);
  if (languages.length === 0) {
    issues.push({
      path: ["dialogue", "text"],
      message: "needs the wording of at least one language",
    });
  }
  // The user's language: every country's locale language is worded (no fallback).
  c.population.countries.forEach((ctry, i) => {
    if (!Object.hasOwn(allLocales, ctry.locale)) return; // rules.ts reports it
    const lang = localeLanguage(ctry.locale);
    if (languages.length > 0 && !Object.hasOwn(d.text, lang)) {
      issues.push({
        path: ["population", "countries", i, "locale"],
        message: `${quoted(ctry.locale)} needs wording in its language ${
          quoted(lang)
        }: dialogue.text has ${listed(languages)}`,
      });
    }
  });
  const slotPattern = /\{([^}]*)\}/g;
  const checkSlots = (path: (string | number)[], t: string) => {
    for (const m of t.matchAll(slotPattern)) {
      if (!(SLOT_NAMES as readonly string[]).includes(m[1])) {
        issues.push({
          path,
          message: `unknown slot {${m[1]}} (slots: ${
            SLOT_NAMES.map((s) => `{${s}}`).join(", ")
          })`,
        });
      }
    }
  };
  for (const lang of languages) {
    const t = d.text[lang];
    const base = ["dialogue", "text", lang];
    t.fallback.forEach((s, i) => checkSlots([...base, "fallback", i], s));
    t.handoff.forEach((s, i) => checkSlots([...base, "handoff", i], s));
    for (const part of ["{day}", "{month}"]) {
      if (t.date.format.split(part).length !== 2) {
        issues.push({
          path: [...base, "date", "format"],
          message: `must contain ${part} once, got ${quoted(t.date.format)}`,
        });
      }
    }
    for (const id of Object.keys(t.exchanges)) {
      if (!byId.has(id)) {
        issues.push({
          path: [...base, "exchanges", id],
          message: `${quoted(id)} is not an exchange${guess(id, ids)}`,
        });
        continue;
      }
      const w = t.exchanges[id];
      if (w.user.length < 2) {
        issues.push({
          path: [...base, "exchanges", id, "user"],
          message:
            "needs at least 2 wordings (after a fallback the user rephrases with another one)",
        });
      }
      w.user.forEach((s, i) =>
        checkSlots([...base, "exchanges", id, "user", i], s)
      );
      w.user.forEach((s, i) => {
        if (w.user.indexOf(s) !== i) {
          issues.push({
            path: [...base, "exchanges", id, "user", i],
            message: `repeats wording ${
              quoted(s)
            } (a rephrase must use different words)`,
          });
        }
      });
      w.bot.forEach((s, i) =>
        checkSlots([...base, "exchanges", id, "bot", i], s)
      );
    }
    for (const id of ids) {
      if (!Object.hasOwn(t.exchanges, id)) {
        issues.push({
          path: [...base, "exchanges"],
          message: `lacks the wording of exchange ${quoted(id)}`,
        });
      }
    }
  }

  if (issues.length === 0) {
    const solved = solveEndProbability(
      chainParams(c),
      c.turns.count.mean,
    );
    if ("range" in solved) {
      // Rounded inward, so every mean printed inside the range is reachable.
      const lo = Math.ceil(solved.range[0] * 1000) / 1000;
      const hi = Math.floor(solved.range[1] * 1000) / 1000;
      issues.push({
        path: ["turns", "count", "mean"],
        message:
          `${c.turns.count.mean} is outside the means this dialogue model can reach (${lo} to ${hi} turns)`,
      });
    }
  }
  return issues;
}
