/**
 * Coherence figures of a dataset's raw log, measured, next to the dialogue model's exact
 * values (enumeration of the chain for the dataset's config), as a markdown table; and
 * with `--examples`, three example sessions (resolved; fallback then rephrase; handoff).
 *
 *   deno run -A tools/dialogue_figures.ts DIR [--examples]
 *
 * DIR is a dataset generated with the raw format; the exact values come from the config
 * its manifest records (the one it was generated from).
 *
 * @module
 */
import { readManifest } from "../lib/manifest/read_manifest.ts";
import { manifestInputs } from "../lib/manifest/inputs.ts";
import { thousands } from "../lib/number_format.ts";
import { compileDialogue } from "../lib/model/dialogue.ts";

interface Turn {
  session_id: number;
  turn_number: number;
  intent: string;
  is_fallback: boolean;
  user_text: string;
  bot_text: string;
  user_act?: string;
  bot_act?: string;
  session_escalated: boolean;
  session_resolved: boolean;
  session_turns: number;
}

/** Figures of a sequence of sessions, measured. */
class Figures {
  sessions = 0;
  turns = 0;
  pairs = 0;
  same = 0;
  distinct = 0;
  greet = 0;
  greetFirst = 0;
  close = 0;
  closeLast = 0;
  escalated = 0;
  escalatedWithHandoff = 0;
  botAfterHandoff = 0;
  fallbacks = 0;
  rephraseAfterFallback = 0;
  fallbackNotLast = 0;
  intents = new Map<string, number>();

  add(ts: Turn[], social: string, escalation: string): void {
    this.sessions++;
    this.turns += ts.length;
    const task = ts.filter((t) =>
      t.intent !== social && t.intent !== escalation
    );
    for (let i = 1; i < task.length; i++) {
      this.pairs++;
      if (task[i].intent === task[i - 1].intent) this.same++;
    }
    this.distinct += new Set(task.map((t) => t.intent)).size;
    let handoffAt = -1;
    ts.forEach((t, i) => {
      this.intents.set(t.intent, (this.intents.get(t.intent) ?? 0) + 1);
      if (t.user_act === "greet") {
        this.greet++;
        if (i === 0) this.greetFirst++;
      }
      if (t.user_act === "thank" || t.user_act === "goodbye") {
        this.close++;
        if (i === ts.length - 1) this.closeLast++;
      }
      if (t.bot_act === "handoff" && handoffAt < 0) handoffAt = i;
      if (t.is_fallback) {
        this.fallbacks++;
        if (i + 1 < ts.length && t.bot_act !== "handoff") {
          this.fallbackNotLast++;
          const n = ts[i + 1];
          if (n.intent === t.intent && n.user_text !== t.user_text) {
            this.rephraseAfterFallback++;
          }
        }
      }
    });
    if (handoffAt >= 0) this.botAfterHandoff += ts.length - 1 - handoffAt;
    if (ts[0].session_escalated) {
      this.escalated++;
      if (handoffAt >= 0) this.escalatedWithHandoff++;
    }
  }
}

async function* sessionsOf(path: string): AsyncGenerator<Turn[]> {
  const file = await Deno.open(path);
  let cur: Turn[] = [];
  let rest = "";
  for await (
    const chunk of file.readable.pipeThrough(new TextDecoderStream())
  ) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === "") continue;
      const t: Turn = JSON.parse(line);
      if (cur.length && t.session_id !== cur[0].session_id) {
        yield cur;
        cur = [];
      }
      cur.push(t);
    }
  }
  if (rest !== "") cur.push(JSON.parse(rest));
  if (cur.length) yield cur;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function sessionText(ts: Turn[]): string {
  const lines = [
    `Session ${ts[0].session_id} (${ts.length} turns, escalated ${
      ts[0].session_escalated
    }, resolved ${ts[0].session_resolved}):`,
    "",
    "```text",
  ];
  for (const t of ts) {
    lines.push(
      `${t.turn_number}. [${t.intent}; ${t.user_act ?? "?"} → ${
        t.bot_act ?? "?"
      }${t.is_fallback ? "; fallback" : ""}]`,
      `   user: ${t.user_text}`,
      `   bot:  ${t.bot_text}`,
    );
  }
  lines.push("```", "");
  return lines.join("\n");
}

if (import.meta.main) {
  const dir = Deno.args.find((a) => !a.startsWith("--"));
  if (!dir) {
    console.error(
      "usage: deno run -A tools/dialogue_figures.ts DIR [--examples]",
    );
    Deno.exit(2);
  }
  let manifest;
  try {
    manifest = readManifest(dir).manifest;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const inputs = manifestInputs(manifest);
  if (!inputs.config) {
    console.error(`${dir}: ${inputs.problems.join("; ")}`);
    Deno.exit(2);
  }
  const config = inputs.config;
  const e = compileDialogue(config).expected;
  const social = config.dialogue.social_intent;
  const escalation = config.dialogue.escalation_intent;
  const f = new Figures();
  const examples: Record<string, Turn[] | undefined> = {};
  for await (const ts of sessionsOf(`${dir}/raw/turns.jsonl`)) {
    f.add(ts, social, escalation);
    if (Deno.args.includes("--examples")) {
      const last = ts[ts.length - 1];
      if (
        !examples.resolved && ts[0].session_resolved && ts.length >= 4 &&
        ts.length <= 6 && ts[0].user_act === "greet" &&
        (last.user_act === "thank" || last.user_act === "goodbye")
      ) examples.resolved = ts;
      if (
        !examples.rephrase && ts.length >= 3 && ts.length <= 6 &&
        ts.some((t, i) => t.is_fallback && i > 0 && i + 1 < ts.length) &&
        !ts[0].session_escalated && ts[0].session_resolved
      ) examples.rephrase = ts;
      if (
        !examples.handoff && ts.length >= 3 && ts.length <= 5 &&
        last.bot_act === "handoff" && last.is_fallback
      ) examples.handoff = ts;
    }
  }
  const names = config.intents.map((i) => i.name);
  const rows = [
    "| figure | measured | exact (model) |",
    "| --- | ---: | ---: |",
    `| sessions | ${thousands(f.sessions)} | |`,
    `| mean turns per session | ${(f.turns / f.sessions).toFixed(3)} | ${
      e.meanTurns.toFixed(3)
    } |`,
    `| P(task turn has the previous task turn's intent) | ${
      (f.same / f.pairs).toFixed(3)
    } | ${(e.sameIntentPairs / e.taskPairs).toFixed(3)} |`,
    `| distinct task intents per session | ${
      (f.distinct / f.sessions).toFixed(3)
    } | ${e.distinctTaskIntents.toFixed(3)} |`,
    `| sessions opening with a greeting | ${pct(f.greet / f.sessions)} | ${
      pct(e.greetTurns)
    } |`,
    `| greeting turns that are turn 1 | ${
      pct(f.greetFirst / f.greet)
    } | 100.0% |`,
    `| thanks/goodbye turns that are the last turn | ${
      pct(f.closeLast / f.close)
    } | 100.0% |`,
    `| fallbacks (not ending the session) followed by a rephrase | ${
      pct(f.rephraseAfterFallback / f.fallbackNotLast)
    } | 100.0% |`,
    `| escalated sessions | ${pct(f.escalated / f.sessions)} | ${
      pct(e.escalated)
    } |`,
    `| escalated sessions showing the handoff | ${
      pct(f.escalatedWithHandoff / Math.max(1, f.escalated))
    } | 100.0% |`,
    `| bot turns after a handoff | ${f.botAfterHandoff} | 0 |`,
    `| fallback rate (all turns) | ${pct(f.fallbacks / f.turns)} | ${
      pct(e.intentFallbacks.reduce((a, b) => a + b, 0) / e.meanTurns)
    } |`,
    ...names.map((n, i) =>
      `| turns with intent ${n} | ${pct((f.intents.get(n) ?? 0) / f.turns)} | ${
        pct(e.intentTurns[i] / e.meanTurns)
      } |`
    ),
  ];
  console.log(rows.join("\n"));
  for (const k of ["resolved", "rephrase", "handoff"]) {
    const ts = examples[k];
    if (ts) console.log("\n" + sessionText(ts));
  }
}
