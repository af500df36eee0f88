/**
 * Micro-benchmarks of the generation hot path, for comparing changes:
 *   deno bench -A bench/hot_path_bench.ts
 * (Whole-run speed and memory: bench/compare.sh.)
 */
import { fixed, timestamp } from "../lib/number_format.ts";
import { StreamFactory } from "../lib/random/mod.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/config/effective.ts";
import { compileModel } from "../lib/model/model.ts";
import {
  generateSession,
  SessionRecord,
  userColumns,
} from "../lib/model/session.ts";
import { textTables } from "../lib/model/text.ts";
import { Categorical } from "../lib/random/mod.ts";
import { SessionRowWriter } from "../lib/project/session_rows.ts";

const root = new URL("..", import.meta.url).pathname;
const loaded = loadConfig(`${root}config.yaml`);
const model = compileModel(effectiveConfig(loaded.config, {}, loaded.source));
const streams = new StreamFactory(1);
const users = 500;
const c = model.config;
const ctx = {
  model,
  streams,
  userCat: new Categorical(new Array(users).fill(1)),
  // Every user on the first device, in the first country and zone.
  users: userColumns(users),
  text: textTables(
    c.dialogue.text,
    c.dialogue.exchanges.map((x) => x.id),
    ["Widget", "Gadget"],
    c.population.countries.map((k) => k.currency),
  ),
  withText: true,
};
const record = new SessionRecord(model.config.turns.count.max);
const rows = new SessionRowWriter(model);
const rng = streams.stream("bench", 0);
let i = 0;

Deno.bench("RandomStream.next (one uniform)", () => {
  rng.next();
});
Deno.bench("fixed(x, 4)", () => {
  fixed(0.123456 + (i++ % 1000) / 1e6, 4);
});
Deno.bench("timestamp(ms)", () => {
  timestamp(1_735_689_600_000 + (i++ % 86_400_000));
});
Deno.bench("generateSession (with text)", () => {
  generateSession(ctx, i++ % 100_000, record);
});
Deno.bench("session → fact and raw rows", () => {
  generateSession(ctx, i++ % 100_000, record);
  const start = timestamp(record.startMs), end = timestamp(record.endMs);
  const offset = rows.offsetMinutes(0, record.startMs);
  rows.factSession(record, start, end, offset);
  const part = rows.rawSession(record, start, end);
  const local = rows.rawLocal(record, 0, offset);
  for (let t = 0; t < record.turnCount; t++) {
    const u = timestamp(record.userMs[t]), b = timestamp(record.botMs[t]);
    rows.factTurn(record, t, u, b);
    rows.rawTurn(record, t, '"user_id":1', part, u, b, local);
  }
});
