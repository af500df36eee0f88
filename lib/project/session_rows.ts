/**
 * The hot path: one generated session → its `fact_session` row, its `fact_turn` rows
 * and its raw JSONL lines. Column order follows `FACT_SESSION`, `FACT_TURN` and
 * `RAW_TURN` (checked by tests against the schema-driven `csvRow`).
 *
 * @module
 */
import type { Model } from "../model/model.ts";
import { SENTIMENT_LABELS, type SessionRecord } from "../model/session.ts";
import { DAY_MS, dayParts } from "../calendar/iso_date.ts";
import { fixed, scaled } from "../number_format.ts";
import { localTimestamp, utcOffsetMinutes } from "../calendar/time_zone.ts";
import { ACT_NAMES } from "../model/dialogue_acts.ts";

const MINUTE_MS = 60_000;

/**
 * Row writers' shared lookups for one run.
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/load.ts";
 * import { effectiveConfig } from "../config/effective.ts";
 * import { compileModel } from "../model/model.ts";
 * const text = Deno.readTextFileSync("config.yaml");
 * const model = compileModel(effectiveConfig(parseConfig(text, "config.yaml"), {}, "config.yaml"));
 * const w = new SessionRowWriter(model);
 * const ms = Date.UTC(2025, 0, 15, 13, 45); // 2025-01-15 13:45Z, inside config.yaml's calendar
 * if (w.dateKey(ms) !== 20250115 || w.timeKey(ms) !== 1345) throw new Error("Keys");
 * ```
 */
export class SessionRowWriter {
  /** YYYYMMDD by epoch day − dimDateFirstDay. */
  #dateKeys: Int32Array;
  #firstDay: number;
  /** JSON string literals, precomputed per index. */
  #intentJson: string[];
  /** `"session_goal":"<intent>"` per intent index. */
  #goalJson: string[];
  /** `"user_act":"<act>"` and `"bot_act":"<act>"` per act index. */
  #userActJson: string[];
  #botActJson: string[];
  #channelJson: string[];
  #sentimentJson: string[];
  /** Language codes by index (`dialogue.text` order). */
  #languages: string[];
  /** Zone names by zone index, and as JSON members `"user_time_zone":"…"`. */
  #zones: string[];
  #zoneJson: string[];

  /** Precompute the date keys and JSON literals of `model`'s config. */
  constructor(model: Model) {
    this.#firstDay = model.dimDateFirstDay;
    const n = model.dimDateLastDay - model.dimDateFirstDay + 1;
    this.#dateKeys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.#dateKeys[i] = dayParts(this.#firstDay + i).dateKey;
    }
    const c = model.config;
    const j = JSON.stringify;
    this.#intentJson = c.intents.map((i) =>
      `"intent":${j(i.name)},"intent_category":${j(i.category)}`
    );
    this.#goalJson = c.intents.map((i) => `"session_goal":${j(i.name)}`);
    this.#userActJson = ACT_NAMES.map((a) => `"user_act":${j(a)}`);
    this.#botActJson = ACT_NAMES.map((a) => `"bot_act":${j(a)}`);
    this.#channelJson = c.channels.map((ch) =>
      `"channel":${j(ch.name)},"channel_type":${j(ch.type)}`
    );
    this.#sentimentJson = SENTIMENT_LABELS.map((l) => j(l));
    this.#languages = Object.keys(c.dialogue.text);
    this.#zones = model.timeZones;
    this.#zoneJson = model.timeZones.map((z) => `"user_time_zone":${j(z)}`);
  }

  /**
   * UTC offset of zone `zone` (index into the model's `timeZones`) at an instant,
   * minutes east (see `utcOffsetMinutes`).
   */
  offsetMinutes(zone: number, ms: number): number {
    return utcOffsetMinutes(this.#zones[zone], ms);
  }

  /**
   * `date_key` (YYYYMMDD) of an instant.
   *
   * @throws {RangeError} When the instant's day is outside `dim_date` (a bug: the
   *   model bounds every session inside it).
   */
  dateKey(ms: number): number {
    const i = Math.floor(ms / DAY_MS) - this.#firstDay;
    const k = this.#dateKeys[i];
    if (k === undefined) {
      throw new RangeError(`Instant ${ms} is outside dim_date`);
    }
    return k;
  }

  /**
   * `time_key` (HHMM) of an instant, also before 1970 (a local instant west of UTC
   * on 1969-12-31 is negative: the minute of the day is taken modulo a day, not
   * with the sign of `%`).
   */
  timeKey(ms: number): number {
    const minute = Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    return Math.floor(minute / 60) * 100 + (minute % 60);
  }

  /**
   * The `fact_session` row of a session (no line ending).
   *
   * @param offset The user's UTC offset at the session start, minutes east.
   */
  factSession(
    s: SessionRecord,
    startTs: string,
    endTs: string,
    offset: number,
  ): string {
    const local = s.startMs + offset * MINUTE_MS;
    return `${s.sessionKey},${s.user + 1},${s.channel + 1},${s.device + 1},${
      s.goal + 1
    },${this.dateKey(s.startMs)},${
      this.timeKey(s.startMs)
    },${startTs},${endTs},${
      s.endMs - s.startMs
    },${s.turnCount},${s.fallbackCount},${scaled(s.fallbackRateE4, 4)},${
      scaled(s.meanConfidenceE4, 4)
    },${scaled(s.meanLatencyE1, 1)},${fixed(s.sentimentScore, 4)},${
      SENTIMENT_LABELS[s.sentimentLabel]
    },${s.satisfaction},${s.escalated},${s.resolved},${
      this.#languages[s.language]
    },${this.dateKey(local)},${this.timeKey(local)}`;
  }

  /** The `fact_turn` row of turn `i` (0-based) of a session (no line ending). */
  factTurn(s: SessionRecord, i: number, userTs: string, botTs: string): string {
    const ms = s.userMs[i];
    return `${s.sessionKey},${i + 1},${s.user + 1},${this.dateKey(ms)},${
      this.timeKey(ms)
    },${s.intent[i] + 1},${s.userAct[i] + 1},${s.botAct[i] + 1},${
      s.channel + 1
    },${s.device + 1},${userTs},${botTs},${fixed(s.confidence[i], 4)},${
      s.fallback[i] === 1
    },${s.latencyMs[i]},${s.thinkMs[i]}`;
  }

  /**
   * The session part of a raw line, from `"channel"` to `"session_goal"`
   * (no surrounding commas).
   */
  rawSession(s: SessionRecord, startTs: string, endTs: string): string {
    return `${
      this.#channelJson[s.channel]
    },"session_start":"${startTs}","session_end":"${endTs}","session_turns":${s.turnCount},"session_fallbacks":${s.fallbackCount},"session_mean_confidence":${
      scaled(s.meanConfidenceE4, 4)
    },"session_mean_latency_ms":${
      scaled(s.meanLatencyE1, 1)
    },"session_sentiment_score":${
      fixed(s.sentimentScore, 4)
    },"session_sentiment":${
      this.#sentimentJson[s.sentimentLabel]
    },"session_satisfaction":${s.satisfaction},"session_escalated":${s.escalated},"session_resolved":${s.resolved},${
      this.#goalJson[s.goal]
    }`;
  }

  /**
   * The local-time tail of a raw line, `"user_time_zone"` and
   * `"session_start_local"` (no surrounding commas).
   *
   * @param zone The user's zone index (into the model's `timeZones`).
   * @param offset The zone's UTC offset at the session start, minutes east.
   */
  rawLocal(s: SessionRecord, zone: number, offset: number): string {
    return `${this.#zoneJson[zone]},"session_start_local":"${
      localTimestamp(s.startMs, offset)
    }"`;
  }

  /**
   * One raw JSONL line (no line ending) for turn `i`.
   *
   * @param userPart From `rawUserFragment`.
   * @param sessionPart From {@linkcode rawSession}.
   * @param localPart From {@linkcode rawLocal}.
   */
  rawTurn(
    s: SessionRecord,
    i: number,
    userPart: string,
    sessionPart: string,
    userTs: string,
    botTs: string,
    localPart: string,
  ): string {
    return `{"session_id":${s.sessionKey},"turn_number":${
      i + 1
    },${userPart},${sessionPart},${this.#intentJson[s.intent[i]]},${
      this.#userActJson[s.userAct[i]]
    },${this.#botActJson[s.botAct[i]]},"confidence":${
      fixed(s.confidence[i], 4)
    },"is_fallback":${s.fallback[i] === 1},"latency_ms":${
      s.latencyMs[i]
    },"think_time_ms":${
      s.thinkMs[i]
    },"user_ts":"${userTs}","bot_ts":"${botTs}","user_text":${
      JSON.stringify(s.userText[i])
    },"bot_text":${JSON.stringify(s.botText[i])},${localPart}}`;
  }
}
