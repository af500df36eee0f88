/**
 * Steps that wait for promises (lib/steps.ts): the synchronous runner refuses them
 * and lets the computation clean up; the asynchronous one settles them and throws a
 * rejection into the computation at its step.
 */
import assert from "node:assert/strict";
import {
  awaitStep,
  runSteps,
  runStepsAsync,
  type Steps,
} from "../lib/steps.ts";
import { generateDataset } from "../lib/dataset.ts";
import { loadConfig } from "../lib/config/load.ts";
import { effectiveConfig } from "../lib/config/effective.ts";
import { compileModel } from "../lib/model/model.ts";
import { FileSink } from "../lib/sink/file_sink.ts";
import { ROOT } from "./helpers.ts";

Deno.test("runSteps refuses a promise step, and the computation's finally runs", () => {
  let cleaned = false;
  function* waits(): Steps<number> {
    try {
      return yield* awaitStep(Promise.resolve(1));
    } finally {
      cleaned = true;
    }
  }
  assert.throws(() => runSteps(waits()), /Cannot run an asynchronous step/);
  assert.ok(cleaned);
});

Deno.test("runStepsAsync throws a rejection into the computation at its step", async () => {
  const seen: string[] = [];
  function* fails(): Steps<string> {
    try {
      yield* awaitStep(Promise.reject(new Error("disk full")));
      return "unreachable";
    } catch (e) {
      seen.push((e as Error).message);
      return "recovered";
    }
  }
  assert.equal(await runStepsAsync(fails()), "recovered");
  assert.deepEqual(seen, ["disk full"]);
});

Deno.test("a Parquet dataset run synchronously fails cleanly: no file left, no worker leaked", () => {
  const loaded = loadConfig(`${ROOT}/config.yaml`);
  const config = effectiveConfig(loaded.config, {}, loaded.source);
  const dir = Deno.makeTempDirSync({ prefix: "chatsynth-steps-" });
  // Count the workers started and stopped (the page compressor is one).
  const RealWorker = globalThis.Worker;
  let started = 0, stopped = 0;
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      started++;
    }
    override terminate(): void {
      stopped++;
      super.terminate();
    }
  };
  try {
    const target = {
      lines: (names: string[], header?: string) =>
        new FileSink({ names, files: [], header }),
      files: (names: string[]) =>
        names.map((n) => `${dir}/${n.replace("/", "_")}`),
      mkdir() {},
    };
    const spec = {
      model: compileModel(config),
      seed: 1,
      sessions: 5,
      users: 3,
      formats: config.formats,
      encodings: ["parquet" as const],
    };
    assert.throws(
      () => generateDataset(spec, target),
      /Cannot run an asynchronous step synchronously/,
    );
    // Every file the encoders had opened was removed, the worker stopped.
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(started, 1);
    assert.equal(stopped, 1);
  } finally {
    globalThis.Worker = RealWorker;
    Deno.removeSync(dir, { recursive: true });
  }
});
