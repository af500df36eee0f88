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
import { generateSession, SessionRecord } from "../lib/model/session.ts";
import { textTables } from "../lib/model/text.ts";
import { Population } from "../lib/model/population.ts";
import { SessionBatches } from "../lib/project/session_rows.ts";
import { RawUserColumns } from "../lib/project/users.ts";
import { FakerPool } from "../lib/model/faker_pool.ts";
import { TextCells } from "../lib/encoding/text_cells.ts";
import { csvField } from "../lib/number_format.ts";
import { FACT_TURN, RAW_TURN } from "../lib/schema/tables.ts";

const root = new URL("..", import.meta.url).pathname;
const loaded = loadConfig(`${root}config.yaml`);
const model = compileModel(effectiveConfig(loaded.config, {}, loaded.source));
const streams = new StreamFactory(1);
const users = 500;
const c = model.config;
const fakers = new FakerPool(new Date(Date.UTC(2025, 0, 1)));
const population = new Population(model, streams, fakers, users);
const ctx = {
  model,
  streams,
  population,
  text: textTables(
    c.dialogue.text,
    c.dialogue.exchanges.map((x) => x.id),
    ["Widget", "Gadget"],
    c.population.countries.map((k) => k.currency),
  ),
  withText: true,
};
const record = new SessionRecord(model.config.turns.count.max);
const userTable = new RawUserColumns(model, population);
const batches = new SessionBatches(model, 1, { facts: true, raw: userTable });
const csv = new TextCells(FACT_TURN, { string: csvField, time: "" });
const json = new TextCells(RAW_TURN, { string: JSON.stringify, time: '"' });
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
Deno.bench("session → fact and raw batches → CSV and JSONL cells", () => {
  generateSession(ctx, i++ % 100_000, record);
  batches.clear();
  batches.add(record, 0);
  const t = batches.factTurn!, r = batches.raw!;
  for (let row = 0; row < t.length; row++) {
    for (let c = 0; c < FACT_TURN.columns.length; c++) csv.cell(t, c, row);
  }
  for (let row = 0; row < r.length; row++) {
    for (let c = 0; c < RAW_TURN.columns.length; c++) json.cell(r, c, row);
  }
});
