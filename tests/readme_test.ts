/**
 * README.md stays true: its generated sections match the schema and the config, and
 * it opens with the two set-up commands that .ci/run also uses.
 */
import assert from "node:assert/strict";
import { refreshedReadme } from "../tools/readme_tables.ts";
import { ROOT } from "./helpers.ts";
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
