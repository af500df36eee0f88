/**
 * Micro-benchmarks of the Parquet writer's hot path (appending a batch of 1,000
 * sessions' rows to the current row group), for comparing changes:
 *   deno bench -A bench/parquet_bench.ts
 * (Whole-run speed: bench/parquet_speed.sh.)
 */
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/config/effective.ts";
import { compileModel } from "../lib/model/model.ts";
import { StreamFactory } from "../lib/random/mod.ts";
import { FakerPool } from "../lib/model/faker_pool.ts";
import { Population } from "../lib/model/population.ts";
import { generateSession, SessionRecord } from "../lib/model/session.ts";
import { textTables } from "../lib/model/text.ts";
import { SessionBatches } from "../lib/project/session_rows.ts";
import { RawUserColumns } from "../lib/project/users.ts";
import { parquetEncoding } from "../lib/encoding/parquet.ts";
import { SharedResourcePool } from "../lib/encoding/shared.ts";
import { FACT_TURN, RAW_TURN } from "../lib/schema/tables.ts";
import { runStepsAsync } from "../lib/steps.ts";

const root = new URL("..", import.meta.url).pathname;
const loaded = loadConfig(`${root}config.yaml`);
const model = compileModel(effectiveConfig(loaded.config, {}, loaded.source));
const c = model.config;
const streams = new StreamFactory(1);
const users = 500;
const fakers = new FakerPool(new Date(Date.UTC(2025, 0, 1)));
const population = new Population(model, streams, fakers, users);
const table = new RawUserColumns(model, population);
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
const record = new SessionRecord(c.turns.count.max);
const batches = new SessionBatches(model, 1000, { facts: true, raw: table });
for (let i = 0; i < 1000; i++) {
  generateSession(ctx, i, record);
  batches.add(record, record.zone);
}
const dir = Deno.makeTempDirSync();
const shared = new SharedResourcePool();
const target = {
  lines: () => {
    throw new Error("unused");
  },
  files: (names: string[]) => names.map((n) => `${dir}/${n}`),
  shared,
};
// Full row groups are compressed on the worker thread, as in a run.
const enc = parquetEncoding();
const raw = await runStepsAsync(enc.open(RAW_TURN, ["raw.parquet"], target));
const turn = await runStepsAsync(enc.open(FACT_TURN, ["turn.parquet"], target));

Deno.bench("1,000 sessions → batches (add)", () => {
  batches.clear();
  for (let i = 0; i < 1000; i++) {
    generateSession(ctx, i, record);
    batches.add(record, record.zone);
  }
});
Deno.bench(
  `append raw turns (${batches.raw!.length} rows × 44 columns)`,
  () => {
    raw.write(batches.raw!);
  },
);
Deno.bench(
  `append fact_turn (${batches.factTurn!.length} rows × 16 columns)`,
  () => {
    turn.write(batches.factTurn!);
  },
);
globalThis.addEventListener("unload", () => {
  raw.abort();
  turn.abort();
  shared.releaseAll();
  Deno.removeSync(dir, { recursive: true });
});
