/**
 * `validate` and the dialogue model (docs/design.md §3.13): each dialogue rule catches
 * one edited cell of a valid dataset (star, snowflake or raw), the CLI exiting 1 and
 * naming the rule; the statistical checks use the exact values of the chain (a config
 * without greetings has none, and still passes), and a dataset from another dialogue
 * model fails them.
 */
import assert from "node:assert/strict";
import { generateTemp, listFiles, ROOT, runMain } from "./helpers.ts";
import { runCliInProcess } from "./cli_in_process.ts";
import { validateDataset } from "../lib/validate/validate.ts";
import { RULES } from "../lib/validate/observations.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/config/effective.ts";

function copyDataset(from: string): { dir: string; cleanup: () => void } {
  const parent = Deno.makeTempDirSync({ prefix: "chatsynth-dialogue-" });
  const dir = `${parent}/ds`;
  for (const rel of listFiles(from)) {
    const to = `${dir}/${rel}`;
    Deno.mkdirSync(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    Deno.copyFileSync(`${from}/${rel}`, to);
  }
  return { dir, cleanup: () => Deno.removeSync(parent, { recursive: true }) };
}

/** A fact CSV as header and rows of fields (fact rows hold no quotes). */
function readTable(dir: string, rel: string) {
  const lines = Deno.readTextFileSync(`${dir}/${rel}`).split("\n");
  assert.equal(lines.pop(), "");
  const head = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  const col = (name: string) => {
    const i = head.indexOf(name);
    assert.ok(i >= 0, `${rel} has a ${name} column`);
    return i;
  };
  return { head, rows, col };
}

function writeTable(
  dir: string,
  rel: string,
  t: { head: string[]; rows: string[][] },
) {
  Deno.writeTextFileSync(
    `${dir}/${rel}`,
    [t.head, ...t.rows].map((r) => r.join(",")).join("\n") + "\n",
  );
}

/** Act name → key as dim_dialogue_act.csv lists them (quoted fields only in descriptions). */
function actKeys(dir: string, folder: string): Map<string, string> {
  const lines = Deno.readTextFileSync(`${dir}/${folder}/dim_dialogue_act.csv`)
    .split("\n").slice(1).filter((l) => l !== "");
  return new Map(lines.map((l) => {
    const [key, act] = l.split(",");
    return [act, key];
  }));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Run `validate` on a folder with the CLI; returns stdout after checking exit 1. In
 * the test's process by default, without the page (`--no-html`); `subprocess` runs `deno run main.ts` (one case does,
 * for the process's exit code and stderr).
 */
async function validateFails(dir: string, subprocess = false): Promise<string> {
  const v = subprocess
    ? runMain(
      ["--allow-read", `--allow-write=${dir}`, "--allow-env"],
      ["validate", dir],
    )
    : await runCliInProcess(["validate", dir, "--no-html"]);
  assert.equal(v.code, 1, v.stdout + v.stderr);
  assert.equal(v.stderr, "");
  return v.stdout;
}

function failsRule(stdout: string, rule: string): void {
  assert.match(
    stdout,
    new RegExp(`FAIL {2}${escape(rule)}: [\\d,]+ violations?`),
    stdout,
  );
}

Deno.test("validate catches one edited dialogue cell, naming the rule", async (t) => {
  type Format = "star" | "snowflake" | "raw";
  // One dataset per representation: validate reads star when present, else
  // snowflake, else raw.
  const sets = Object.fromEntries(
    (["star", "snowflake", "raw"] as Format[]).map((f) => [
      f,
      generateTemp({ seed: 11, sessions: 2000, users: 400, formats: [f] }),
    ]),
  ) as Record<Format, ReturnType<typeof generateTemp>>;
  const ds = sets.star;
  const TURN = "star/fact_turn.csv", SESSION = "star/fact_session.csv";
  /**
   * Edit one cell of a copy of a dataset (the edit is confirmed on the file itself)
   * and expect `validate` to exit 1 naming `rule`.
   */
  const corrupt = (
    name: string,
    rule: string,
    edit: (dir: string) => void,
    format: Format = "star",
    subprocess = false,
  ) =>
    t.step(name, async () => {
      const copy = copyDataset(sets[format].dir);
      try {
        edit(copy.dir);
        failsRule(await validateFails(copy.dir, subprocess), rule);
      } finally {
        copy.cleanup();
      }
    });
  try {
    await t.step("the valid dataset passes every rule", async () => {
      const r = await validateDataset(ds.dir);
      assert.equal(
        r.pass,
        true,
        r.checks.filter((c) => !c.pass).map((c) => c.quantity).join(", "),
      );
      for (const id of Object.keys(RULES) as (keyof typeof RULES)[]) {
        const rule = r.rules.find((x) => x.rule === RULES[id]);
        assert.ok(rule, id);
        assert.equal(rule.violations, 0, id);
      }
    });

    await corrupt(
      "a bot_act_key that is no act",
      RULES.acts,
      (dir) => {
        const tr = readTable(dir, TURN);
        tr.rows[5][tr.col("bot_act_key")] = "99";
        writeTable(dir, TURN, tr);
        assert.ok(!actKeys(dir, "star").has("99"));
        assert.ok(![...actKeys(dir, "star").values()].includes("99"));
      },
      "star",
      true,
    );

    await corrupt(
      "snowflake: a user_act_key naming a bot act (clarify)",
      RULES.acts,
      (dir) => {
        const rel = "snowflake/fact_turn.csv";
        const tr = readTable(dir, rel);
        const keys = actKeys(dir, "snowflake");
        const inform = keys.get("inform")!;
        const i = tr.rows.findIndex((r) =>
          r[tr.col("user_act_key")] === inform
        );
        tr.rows[i][tr.col("user_act_key")] = keys.get("clarify")!;
        writeTable(dir, rel, tr);
      },
      "snowflake",
    );

    await corrupt(
      "raw: a user_act that is no act",
      RULES.acts,
      (dir) => {
        const p = `${dir}/raw/turns.jsonl`;
        const lines = Deno.readTextFileSync(p).split("\n");
        const before = lines[3];
        lines[3] = lines[3].replace(
          /"user_act":"[a-z_]+"/,
          '"user_act":"shout"',
        );
        assert.notEqual(lines[3], before);
        assert.equal(JSON.parse(lines[3]).user_act, "shout");
        Deno.writeTextFileSync(p, lines.join("\n"));
      },
      "raw",
    );

    await corrupt(
      "a thank turn moved to a task intent",
      RULES.actIntent,
      (dir) => {
        const tr = readTable(dir, TURN), s = readTable(dir, SESSION);
        const thank = actKeys(dir, "star").get("thank")!;
        const goal = new Map(
          s.rows.map((r) => [r[0], r[s.col("goal_intent_key")]]),
        );
        // A thank turn whose previous turn has the session's goal intent: moving it
        // to that intent changes nothing else the rules look at.
        const i = tr.rows.findIndex((r, k) =>
          r[tr.col("user_act_key")] === thank && k > 0 &&
          tr.rows[k - 1][0] === r[0] &&
          tr.rows[k - 1][tr.col("intent_key")] === goal.get(r[0])
        );
        assert.ok(i > 0);
        tr.rows[i][tr.col("intent_key")] = goal.get(tr.rows[i][0])!;
        writeTable(dir, TURN, tr);
      },
    );

    await corrupt(
      "an answered greeting with bot act inform",
      RULES.greet,
      (dir) => {
        const tr = readTable(dir, TURN);
        const keys = actKeys(dir, "star");
        const i = tr.rows.findIndex((r) =>
          r[tr.col("bot_act_key")] === keys.get("greet")
        );
        assert.equal(tr.rows[i][tr.col("user_act_key")], keys.get("greet"));
        assert.equal(tr.rows[i][tr.col("turn_number")], "1");
        tr.rows[i][tr.col("bot_act_key")] = keys.get("inform")!;
        writeTable(dir, TURN, tr);
      },
    );

    await corrupt(
      "a bot goodbye on an answered task turn that is not the last",
      RULES.closing,
      (dir) => {
        const tr = readTable(dir, TURN);
        const keys = actKeys(dir, "star");
        const i = tr.rows.findIndex((r, k) =>
          r[tr.col("bot_act_key")] === keys.get("inform") &&
          tr.rows[k + 1]?.[0] === r[0]
        );
        tr.rows[i][tr.col("bot_act_key")] = keys.get("goodbye")!;
        writeTable(dir, TURN, tr);
      },
    );

    await corrupt(
      "a fallback on the last turn answered with inform instead of clarify",
      RULES.clarify,
      (dir) => {
        const tr = readTable(dir, TURN);
        const keys = actKeys(dir, "star");
        const i = tr.rows.findIndex((r, k) =>
          r[tr.col("is_fallback")] === "true" &&
          r[tr.col("bot_act_key")] === keys.get("clarify") &&
          tr.rows[k + 1]?.[0] !== r[0]
        );
        assert.ok(i >= 0);
        tr.rows[i][tr.col("bot_act_key")] = keys.get("inform")!;
        writeTable(dir, TURN, tr);
      },
    );

    await corrupt(
      "an escalated session marked not escalated",
      RULES.escalation,
      (dir) => {
        const s = readTable(dir, SESSION);
        const i = s.rows.findIndex((r) => r[s.col("escalated")] === "true");
        s.rows[i][s.col("escalated")] = "false";
        writeTable(dir, SESSION, s);
      },
    );

    await corrupt(
      "a rephrase turn relabelled inform",
      RULES.rephrase,
      (dir) => {
        const tr = readTable(dir, TURN);
        const keys = actKeys(dir, "star");
        const i = tr.rows.findIndex((r) =>
          r[tr.col("user_act_key")] === keys.get("rephrase") &&
          Number(r[tr.col("intent_key")]) <= 6
        );
        assert.ok(i >= 0);
        tr.rows[i][tr.col("user_act_key")] = keys.get("inform")!;
        writeTable(dir, TURN, tr);
      },
    );

    await corrupt(
      "a session's goal_intent_key changed to another task intent",
      RULES.goal,
      (dir) => {
        const s = readTable(dir, SESSION);
        const g = s.col("goal_intent_key");
        s.rows[0][g] = s.rows[0][g] === "1" ? "2" : "1";
        writeTable(dir, SESSION, s);
      },
    );
  } finally {
    for (const d of Object.values(sets)) d.cleanup();
  }
});

const base = loadConfig(`${ROOT}/config.yaml`);

function datasetOf(
  edit: (text: string) => string,
  sessions: number,
  seed: number,
) {
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  const text = edit(base.text);
  assert.notEqual(text, base.text, "the edit changed nothing");
  Deno.writeTextFileSync(tmp, text);
  try {
    return generateTemp(
      { sessions, users: 1000, seed, formats: ["star"] },
      tmp,
    );
  } finally {
    Deno.removeSync(tmp);
  }
}

Deno.test("validate uses the chain's exact values: no greetings when greet_probability is 0, and it passes", async () => {
  const tmp = Deno.makeTempFileSync({ suffix: ".yaml" });
  const text = base.text.replace(
    "greet_probability: 0.25",
    "greet_probability: 0",
  );
  assert.notEqual(text, base.text);
  Deno.writeTextFileSync(tmp, text);
  let ds;
  try {
    ds = generateTemp(
      { sessions: 3000, users: 600, seed: 5, formats: ["star"] },
      tmp,
    );
  } finally {
    Deno.removeSync(tmp);
  }
  try {
    // The file itself: no turn's user act is the greet act.
    const greet = actKeys(ds.dir, "star").get("greet");
    const tr = readTable(ds.dir, "star/fact_turn.csv");
    assert.equal(
      tr.rows.filter((r) => r[tr.col("user_act_key")] === greet).length,
      0,
    );
    const r = await validateDataset(ds.dir);
    assert.equal(
      r.pass,
      true,
      r.checks.filter((c) => !c.pass).map((c) => c.quantity).join(", "),
    );
    const check = r.checks.find((c) =>
      c.quantity === "greeting on turn 1 (per session)"
    )!;
    assert.match(check.target, /^0\.0000% of sessions/);
    assert.equal(check.pValue, 1);
    // Against the default model (25% greetings) the same data fail that check.
    const against = await validateDataset(ds.dir, {
      againstConfig: effectiveConfig(base.config, {
        sessions: 3000,
        users: 600,
      }, base.source),
    });
    const failed = against.checks.filter((c) => !c.pass).map((c) => c.quantity);
    assert.ok(
      failed.includes("greeting on turn 1 (per session)"),
      failed.join(", "),
    );
  } finally {
    ds.cleanup();
  }
});

Deno.test("a dataset from another dialogue model fails the coherence checks", async () => {
  // Goals switch 5 times as often: fewer same-intent pairs, more distinct intents.
  const ds = datasetOf(
    (t) => t.replace("switch_probability: 0.03", "switch_probability: 0.15"),
    6000,
    8,
  );
  try {
    const r = await validateDataset(ds.dir, {
      againstConfig: effectiveConfig(base.config, {
        sessions: 6000,
        users: 1000,
      }, base.source),
    });
    assert.equal(r.pass, false);
    const failed = r.checks.filter((c) => !c.pass).map((c) => c.quantity);
    assert.ok(
      failed.includes("distinct task intents per session"),
      failed.join(", "),
    );
    assert.ok(
      failed.some((q) => q.startsWith("same intent as the previous task turn")),
      failed.join(", "),
    );
    // Every exact rule still holds: the data follow a dialogue model, another one.
    assert.ok(
      r.rules.filter((x) => Object.values(RULES).includes(x.rule as never))
        .every((x) => x.pass),
    );
  } finally {
    ds.cleanup();
  }
});
