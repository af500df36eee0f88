/**
 * Stream a dataset folder into {@linkcode Observations}: from the fact tables and
 * `dim_user` (star or snowflake), or from the raw JSONL when that is all there is.
 * Files are read line by line; nothing is held per row.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import type { Config } from "../config/schema.ts";
import type { Format } from "../config/schema.ts";
import { LineReader } from "../manifest/file_digest.ts";
import { Observations } from "./observations.ts";
import { UsageError } from "../errors.ts";
import { notRegularFileReason } from "../manifest/regular_file.ts";
import { inFolder } from "../wording.ts";

function columnIndex(header: string, path: string, need: string[]) {
  const cols = header.split(",");
  const idx: Record<string, number> = {};
  for (const n of need) {
    const i = cols.indexOf(n);
    if (i < 0) {
      throw new UsageError(`Cannot validate "${path}": no column ${n}`);
    }
    idx[n] = i;
  }
  return idx;
}

/** Check that `dir/rel` is a regular file inside the dataset; returns its path. */
function datasetFile(dir: string, rel: string): string {
  const why = notRegularFileReason(dir, rel);
  if (why) {
    throw new UsageError(`Cannot validate "${dir}": ${rel} is ${why}`);
  }
  return inFolder(dir, rel);
}

function readFacts(
  path: string,
  need: string[],
  each: (f: string[], ix: Record<string, number>) => void,
) {
  const r = new LineReader(path);
  try {
    const header = r.next();
    if (header === undefined) {
      throw new UsageError(`Cannot validate "${path}": empty file`);
    }
    const ix = columnIndex(header, path, need);
    const width = header.split(",").length;
    for (let line = r.next(); line !== undefined; line = r.next()) {
      if (line.includes('"')) {
        throw new UsageError(
          `Cannot validate "${path}": unexpected quoted field in a fact row`,
        );
      }
      const f = line.split(",");
      if (f.length !== width) {
        throw new UsageError(
          `Cannot validate "${path}": a row has ${f.length} fields, the header ${width} (truncated or damaged file)`,
        );
      }
      each(f, ix);
    }
  } finally {
    r.close();
  }
}

async function readUsers(
  path: string,
  each: (row: Record<string, string>) => void,
): Promise<void> {
  const parser = createReadStream(path).pipe(parse({ columns: true }));
  let first = true;
  try {
    for await (const row of parser) {
      if (first) {
        for (const c of ["user_key", "age", "tenure_days"]) {
          if (!(c in row)) {
            throw new UsageError(`Cannot validate "${path}": no column ${c}`);
          }
        }
        first = false;
      }
      each(row as Record<string, string>);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `Cannot validate "${path}": ${(e as Error).message.split("\n")[0]}`,
    );
  }
}

/**
 * Read the dataset into observations.
 *
 * @param dir Dataset folder.
 * @param c Effective config (the manifest's parameters).
 * @param formats Formats present; star is preferred, then snowflake, then raw.
 * @throws {UsageError} When a needed file or column is missing.
 */
export async function readDataset(
  dir: string,
  c: Config,
  formats: Format[],
  sessions: number,
  users: number,
): Promise<{ obs: Observations; source: string }> {
  const obs = new Observations(c, sessions, users);
  const intentIndex = new Map(c.intents.map((x, i) => [x.name, i]));
  const channelIndex = new Map(c.channels.map((x, i) => [x.name, i]));
  const deviceIndex = new Map(c.population.devices.map((x, i) => [x.name, i]));
  const countryIndex = new Map(
    c.population.countries.map((x, i) => [x.code, i]),
  );
  const folder = formats.includes("star")
    ? "star"
    : formats.includes("snowflake")
    ? "snowflake"
    : undefined;
  if (folder) {
    readFacts(
      datasetFile(dir, `${folder}/fact_turn.csv`),
      [
        "session_key",
        "turn_number",
        "intent_key",
        "channel_key",
        "confidence",
        "is_fallback",
        "latency_ms",
        "think_time_ms",
      ],
      (f, ix) =>
        obs.turn({
          session: Number(f[ix.session_key]),
          turnNumber: Number(f[ix.turn_number]),
          intent: Number(f[ix.intent_key]) - 1,
          channel: Number(f[ix.channel_key]) - 1,
          confidence: Number(f[ix.confidence]),
          fallback: f[ix.is_fallback] === "true",
          latencyMs: Number(f[ix.latency_ms]),
          thinkMs: Number(f[ix.think_time_ms]),
        }),
    );
    readFacts(
      datasetFile(dir, `${folder}/fact_session.csv`),
      [
        "session_key",
        "user_key",
        "channel_key",
        "device_key",
        "start_ts",
        "turn_count",
        "fallback_count",
        "mean_confidence",
        "sentiment_score",
        "sentiment_label",
        "satisfaction",
        "escalated",
        "resolved",
      ],
      (f, ix) =>
        obs.session({
          session: Number(f[ix.session_key]),
          user: Number(f[ix.user_key]) - 1,
          channel: Number(f[ix.channel_key]) - 1,
          device: Number(f[ix.device_key]) - 1,
          startTs: f[ix.start_ts],
          turnCount: Number(f[ix.turn_count]),
          // The exact rate, as the generator's sentiment uses it (the stored
          // fallback_rate is rounded to 4 decimals).
          fallbackRate: Number(f[ix.fallback_count]) /
            Number(f[ix.turn_count]),
          meanConfidence: Number(f[ix.mean_confidence]),
          sentimentScore: Number(f[ix.sentiment_score]),
          sentimentLabel: f[ix.sentiment_label],
          satisfaction: Number(f[ix.satisfaction]),
          escalated: f[ix.escalated] === "true",
          resolved: f[ix.resolved] === "true",
        }),
    );
    await readUsers(
      datasetFile(dir, `${folder}/dim_user.csv`),
      (r) =>
        obs.user({
          user: Number(r.user_key) - 1,
          age: Number(r.age),
          device: folder === "star"
            ? deviceIndex.get(r.device_name) ?? -1
            : Number(r.device_key) - 1,
          country: folder === "star"
            ? countryIndex.get(r.country_code) ?? -1
            : Number(r.country_key) - 1,
          tenureDays: Number(r.tenure_days),
        }),
    );
    return {
      obs,
      source:
        `${folder}/fact_turn.csv, ${folder}/fact_session.csv, ${folder}/dim_user.csv`,
    };
  }
  // Raw only: each line carries its turn, session and user.
  const path = datasetFile(dir, "raw/turns.jsonl");
  const seenUser = new Uint8Array(users);
  const r = new LineReader(path);
  type Line = Record<string, unknown>;
  let pending: Line | undefined;
  const flushSession = (l: Line) =>
    obs.session({
      session: l.session_id as number,
      user: (l.user_id as number) - 1,
      channel: channelIndex.get(l.channel as string) ?? -1,
      device: deviceIndex.get(l.user_device as string) ?? -1,
      startTs: l.session_start as string,
      turnCount: l.session_turns as number,
      fallbackRate: (l.session_fallbacks as number) /
        (l.session_turns as number),
      meanConfidence: l.session_mean_confidence as number,
      sentimentScore: l.session_sentiment_score as number,
      sentimentLabel: l.session_sentiment as string,
      satisfaction: l.session_satisfaction as number,
      escalated: l.session_escalated as boolean,
      resolved: l.session_resolved as boolean,
    });
  try {
    for (let text = r.next(); text !== undefined; text = r.next()) {
      let l: Line;
      try {
        l = JSON.parse(text);
      } catch {
        throw new UsageError(`Cannot validate "${path}": a line is not JSON`);
      }
      if (typeof l !== "object" || l === null || Array.isArray(l)) {
        throw new UsageError(
          `Cannot validate "${path}": a line is not a JSON object`,
        );
      }
      if (pending && pending.session_id !== l.session_id) flushSession(pending);
      pending = l;
      obs.turn({
        session: l.session_id as number,
        turnNumber: l.turn_number as number,
        intent: intentIndex.get(l.intent as string) ?? -1,
        channel: channelIndex.get(l.channel as string) ?? -1,
        confidence: l.confidence as number,
        fallback: l.is_fallback as boolean,
        latencyMs: l.latency_ms as number,
        thinkMs: l.think_time_ms as number,
      });
      const u = (l.user_id as number) - 1;
      if (u >= 0 && u < users && !seenUser[u]) {
        seenUser[u] = 1;
        obs.user({
          user: u,
          age: l.user_age as number,
          device: deviceIndex.get(l.user_device as string) ?? -1,
          country: countryIndex.get(l.user_country_code as string) ?? -1,
          tenureDays: l.user_tenure_days as number,
        });
      }
    }
    if (pending) flushSession(pending);
  } finally {
    r.close();
  }
  return { obs, source: "raw/turns.jsonl (users: those with sessions)" };
}
