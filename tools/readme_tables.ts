/**
 * Generated sections of README.md, so the documentation cannot drift from the code:
 * the data dictionary (from `lib/schema/tables.ts`) and the model's analytic table
 * (from `config.yaml` through `lib/model/expected.ts`). The test suite fails when the
 * README differs; refresh with:
 *   deno task readme
 *
 * @module
 */
import {
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../lib/schema/tables.ts";
import type { Table } from "../lib/schema/table.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/generate.ts";
import { modelTargets } from "../lib/model/expected.ts";
import { compileDialogue } from "../lib/model/dialogue.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

function tableMarkdown(folder: string, t: Table, ext: string): string[] {
  const lines = [
    `#### \`${folder}/${t.name}.${ext}\``,
    "",
    `${t.grain} Primary key: ${
      t.primaryKey.map((k) => `\`${k}\``).join(", ")
    }.`,
  ];
  const uniques = t.columns.filter((c) => c.unique);
  if (uniques.length) {
    lines.push(
      `Unique: ${uniques.map((c) => `\`${c.name}\``).join(", ")}.`,
    );
  }
  if (t.foreignKeys.length) {
    lines.push(
      `Foreign keys: ${
        t.foreignKeys.map((f) =>
          `\`${f.fields.join(", ")}\` → \`${f.table}(${
            f.references.join(", ")
          })\``
        ).join("; ")
      }.`,
    );
  }
  lines.push(
    "",
    "| column | type | unit | meaning |",
    "| --- | --- | --- | --- |",
  );
  for (const c of t.columns) {
    const type = c.type === "number" ? `number (${c.decimals} dp)` : c.type;
    lines.push(
      `| \`${c.name}\` | ${type} | ${c.unit ?? ""} | ${c.description} |`,
    );
  }
  lines.push("");
  return lines;
}

/** The data dictionary section (markdown, LF line endings). */
export function dataDictionary(): string {
  const lines: string[] = [];
  lines.push("### Raw logs", "", ...tableMarkdown("raw", RAW_TURN, "jsonl"));
  lines.push(
    "### Star schema",
    "",
    "`fact_session` and `fact_turn` are identical in both schemas (same bytes).",
    "",
  );
  for (const t of STAR_TABLES) lines.push(...tableMarkdown("star", t, "csv"));
  lines.push("### Snowflake schema", "");
  for (const t of SNOWFLAKE_TABLES) {
    if (t.name.startsWith("fact_")) continue;
    lines.push(...tableMarkdown("snowflake", t, "csv"));
  }
  return lines.join("\n");
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** The model's intent table with exact turn shares and fallback rates (markdown). */
export function modelTable(): string {
  const loaded = loadConfig(`${ROOT}/config.yaml`);
  const config = effectiveConfig(loaded.config, {}, loaded.source);
  const t = modelTargets(config);
  const e = compileDialogue(config).expected;
  const lines = [
    "| intent | goal share (config) | turn share (exact) | Beta α | Beta β | mean confidence | expected fallback rate |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...t.intents.map((i, k) =>
      `| ${i.name} | ${
        config.intents[k].goal_probability?.toFixed(4) ?? "—"
      } | ${pct(i.probability)} | ${i.alpha} | ${i.beta} | ${
        i.meanConfidence.toFixed(3)
      } | ${pct(i.fallbackRate)} |`
    ),
    `| **all** | 1.0000 | 100.00% | | | | **${pct(t.overallFallbackRate)}** |`,
    "",
    `Exact, by enumeration of the dialogue model: ${
      t.meanTurns.toFixed(4)
    } turns per session (cut at ${config.turns.count.max}); P(a task turn has the previous task turn's intent) ${
      (e.sameIntentPairs / e.taskPairs).toFixed(4)
    }; ${e.distinctTaskIntents.toFixed(4)} distinct task intents per session; ${
      pct(e.greetTurns)
    } of sessions open with a greeting; ${pct(e.escalated)} escalate (${
      pct(e.handoffAfterFallbacks)
    } after consecutive fallbacks). Latency before the channel multiplier: median ${
      t.latencyMedianMs.toFixed(1)
    } ms, mean ${t.latencyMeanMs.toFixed(1)} ms.`,
    "",
  ];
  return lines.join("\n");
}

/** Replace the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceSection(
  text: string,
  name: string,
  body: string,
): string {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start), j = text.indexOf(end);
  if (i < 0 || j < i) {
    throw new Error(`README.md has no ${name} section markers`);
  }
  return text.slice(0, i + start.length) + body + text.slice(j);
}

/** Format markdown exactly as `deno fmt` does (so `deno fmt --check` stays clean). */
export function denoFmtMarkdown(text: string): string {
  const tmp = Deno.makeTempFileSync({ suffix: ".md" });
  try {
    Deno.writeTextFileSync(tmp, text);
    const r = new Deno.Command(Deno.execPath(), {
      args: ["fmt", "-q", tmp],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (r.code !== 0) {
      throw new Error(`deno fmt failed: ${new TextDecoder().decode(r.stderr)}`);
    }
    return Deno.readTextFileSync(tmp);
  } finally {
    Deno.removeSync(tmp);
  }
}

/** README.md with both generated sections refreshed and formatted. */
export function refreshedReadme(readme: string): string {
  return denoFmtMarkdown(replaceSection(
    replaceSection(readme, "data-dictionary", dataDictionary()),
    "model-table",
    modelTable(),
  ));
}

if (import.meta.main) {
  const path = `${ROOT}/README.md`;
  Deno.writeTextFileSync(path, refreshedReadme(Deno.readTextFileSync(path)));
  console.log("README.md generated sections refreshed");
}
