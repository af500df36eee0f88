/**
 * README.md stays true: its generated sections match the schema and the config, and
 * it opens with the two set-up commands that .ci/run also uses.
 */
import assert from "node:assert/strict";
import { refreshedReadme } from "../tools/readme_tables.ts";
import { generateTemp, ROOT } from "./helpers.ts";
import {
  RAW_TURN,
  SNOWFLAKE_TABLES,
  STAR_TABLES,
} from "../lib/schema/tables.ts";

const readme = Deno.readTextFileSync(`${ROOT}/README.md`);

Deno.test("README's data dictionary and model table are generated from the code", () => {
  assert.equal(readme, refreshedReadme(readme), "run `deno task readme`");
  for (const t of [...STAR_TABLES, ...SNOWFLAKE_TABLES, RAW_TURN]) {
    for (const c of t.columns) {
      assert.ok(readme.includes(`| \`${c.name}\` `), `${t.name}.${c.name}`);
    }
  }
  assert.match(readme, /\| \*\*all\*\* +\| +1\.0000 .*\*\*7\.77%\*\* \|/);
});

Deno.test("README opens with the fresh-machine commands; .ci/run runs the test one", () => {
  const quick = readme.slice(0, readme.indexOf("## Command line"));
  assert.ok(quick.includes("npx -y deno@2.9.6 run -P main.ts --sessions 1000"));
  assert.ok(quick.includes("npx -y deno@2.9.6 task test"));
  const ci = Deno.readTextFileSync(`${ROOT}/.ci/run`);
  assert.match(ci, /^npx -y deno@2\.9\.6 task test$/m);
});

Deno.test("README's example sessions are the canonical dataset's, turn by turn", () => {
  const section = readme.slice(
    readme.indexOf("### Conversations"),
    readme.indexOf("## Reproducibility"),
  );
  const ds = generateTemp({ formats: ["raw"] });
  try {
    const lines = Deno.readTextFileSync(`${ds.dir}/raw/turns.jsonl`)
      .trimEnd().split("\n").map((l) => JSON.parse(l));
    const examples = [...section.matchAll(
      /session (\d+) \((\d+)\s+turns,[^`]*```text\n([\s\S]*?)```/g,
    )];
    assert.equal(examples.length, 3);
    for (const [, id, turns, body] of examples) {
      const got = lines.filter((l) => l.session_id === Number(id));
      assert.equal(got.length, Number(turns), `session ${id}`);
      const shown = [...body.matchAll(
        /(\d+)\. \[(\w+); (\w+) → (\w+)(; fallback)?\]\n {3}user: (.*)\n {3}bot: {2}(.*)/g,
      )];
      assert.equal(shown.length, got.length);
      shown.forEach(([, n, intent, ua, ba, fb, user, bot], i) => {
        const t = got[i];
        assert.deepEqual(
          [t.turn_number, t.intent, t.user_act, t.bot_act, t.is_fallback],
          [Number(n), intent, ua, ba, fb !== undefined],
        );
        assert.equal(t.user_text, user);
        assert.equal(t.bot_text, bot);
      });
    }
  } finally {
    ds.cleanup();
  }
});
