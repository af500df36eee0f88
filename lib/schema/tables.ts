/**
 * Every output table and the raw record: columns in output order, keys, units.
 *
 * Star (docs/design.md §5.1): two facts and seven denormalized dimensions. Snowflake: the same
 * facts, dimensions normalized into hierarchies (user → country → region, user → age
 * band, date → month → quarter → year, intent → intent category, channel → channel
 * type, device → platform); `dim_dialogue_act` is the same in both.
 *
 * @module
 */
import { col, fk, int64, type Table, unique } from "./table.ts";

const sessionKey = int64(col.int(
  "session_key",
  "Session surrogate key, 1..sessions (session index + 1)",
));
const userKey = int64(col.int("user_key", "User surrogate key, 1..users"));
const channelKey = col.int(
  "channel_key",
  "Channel surrogate key, 1-based config order",
);
const deviceKey = col.int(
  "device_key",
  "Device surrogate key, 1-based config order",
);
const intentKey = col.int(
  "intent_key",
  "Intent surrogate key, 1-based config order",
);
const goalIntentKey = col.int(
  "goal_intent_key",
  "Intent surrogate key of the session's first goal (a task intent)",
);
const actKey = col.int(
  "act_key",
  "Dialogue act surrogate key, 1-based in the model's act order",
);
const userActKey = col.int(
  "user_act_key",
  "Dialogue act of the user's message (dim_dialogue_act key)",
);
const botActKey = col.int(
  "bot_act_key",
  "Dialogue act of the bot's reply (dim_dialogue_act key)",
);
const dateKeyOf = (name: string, what: string) =>
  col.int(name, `${what}, as YYYYMMDD (UTC)`);
const timeKeyOf = (name: string, what: string) =>
  col.int(name, `${what}, as the integer HHMM (UTC; 08:41 is 841)`);

/** `fact_session`: one row per session (both schemas). */
export const FACT_SESSION: Table = {
  name: "fact_session",
  grain: "One row per chatbot session.",
  columns: [
    sessionKey,
    userKey,
    channelKey,
    deviceKey,
    goalIntentKey,
    dateKeyOf("start_date_key", "Date of the session start"),
    timeKeyOf("start_time_key", "Minute of the session start"),
    col.ts(
      "start_ts",
      "First user message (turn 1's user_ts), ISO 8601 UTC with ms",
    ),
    col.ts(
      "end_ts",
      "Last bot response (the last turn's bot_ts), ISO 8601 UTC with ms",
    ),
    col.int("duration_ms", "end_ts − start_ts", "ms"),
    col.int(
      "turn_count",
      "Turns: its fact_turn rows (the dialogue model's distribution, mean ≈ 7)",
      "turns",
    ),
    col.int(
      "fallback_count",
      "Its fact_turn rows with is_fallback = true",
      "turns",
    ),
    col.num(
      "fallback_rate",
      4,
      "fallback_count / turn_count, exact, rounded half away from zero",
      "probability",
    ),
    col.num(
      "mean_confidence",
      4,
      "Exact mean of its turns' confidence, rounded half away from zero",
      "probability",
    ),
    {
      ...col.num(
        "mean_latency_ms",
        1,
        "Exact mean of its turns' latency_ms, rounded half away from zero",
        "ms",
      ),
      precision: 13,
    },
    col.num(
      "sentiment_score",
      4,
      "Sentiment in [−1, 1] from mean_confidence, fallback rate and noise",
    ),
    col.str(
      "sentiment_label",
      "negative, neutral or positive (score vs label_cutoff)",
    ),
    col.int(
      "satisfaction",
      "Satisfaction score 1..5 derived from sentiment",
      "points",
    ),
    col.bool(
      "escalated",
      "Handed to a human: the last turn's bot_act is handoff",
    ),
    col.bool(
      "resolved",
      "Not escalated, last turn not a fallback, and resolved",
    ),
    col.str(
      "language",
      "Language of the session's text, ISO 639-1: the language of its user's country's locale (pt_BR → pt)",
    ),
    col.int(
      "local_date_key",
      "Start date in the user's time_zone (DST included), YYYYMMDD",
    ),
    col.int(
      "local_time_key",
      "Start minute in the user's time_zone, as the integer HHMM",
    ),
  ],
  primaryKey: ["session_key"],
  foreignKeys: [
    fk("user_key", "dim_user"),
    fk("channel_key", "dim_channel"),
    fk("device_key", "dim_device"),
    fk("goal_intent_key", "dim_intent", "intent_key"),
    fk("start_date_key", "dim_date", "date_key"),
    fk("start_time_key", "dim_time", "time_key"),
    fk("local_date_key", "dim_date", "date_key"),
    fk("local_time_key", "dim_time", "time_key"),
  ],
};

/** `fact_turn`: one row per turn (both schemas). */
export const FACT_TURN: Table = {
  name: "fact_turn",
  grain: "One row per turn: a user message and the bot's response.",
  columns: [
    sessionKey,
    col.int("turn_number", "Position in the session, 1..turn_count"),
    userKey,
    dateKeyOf("date_key", "Date of the user message"),
    timeKeyOf("time_key", "Minute of the user message"),
    intentKey,
    userActKey,
    botActKey,
    channelKey,
    deviceKey,
    col.ts("user_ts", "User message time, ISO 8601 UTC with ms"),
    col.ts("bot_ts", "Bot response time = user_ts + latency_ms"),
    col.num("confidence", 4, "NLU confidence, Beta per intent", "probability"),
    col.bool("is_fallback", "confidence < threshold + noise"),
    col.int(
      "latency_ms",
      "Bot response latency, lognormal × channel multiplier",
      "ms",
    ),
    col.int(
      "think_time_ms",
      "User think time before this message (0 on turn 1)",
      "ms",
    ),
  ],
  primaryKey: ["session_key", "turn_number"],
  foreignKeys: [
    fk("session_key", "fact_session"),
    fk("user_key", "dim_user"),
    fk("date_key", "dim_date"),
    fk("time_key", "dim_time"),
    fk("intent_key", "dim_intent"),
    fk("user_act_key", "dim_dialogue_act", "act_key"),
    fk("bot_act_key", "dim_dialogue_act", "act_key"),
    fk("channel_key", "dim_channel"),
    fk("device_key", "dim_device"),
  ],
};

const userName = col.str(
  "user_name",
  "Synthetic full name (Faker) in the locale's own name order",
);
const email = unique(col.str(
  "email",
  "Synthetic ASCII e-mail at example.com, ending in user_key (unique)",
));
const age = col.int("age", "Age, truncated Normal(28, 9) on 13..75", "years");
const tenure = col.int(
  "tenure_days",
  "Days between signup and the calendar start",
  "days",
);
const timeZone = col.str(
  "time_zone",
  "IANA zone, one of the country's (e.g. America/Chicago)",
);
/** `dim_dialogue_act`: the same in both schemas (a role-playing dimension). */
const DIM_DIALOGUE_ACT: Table = {
  name: "dim_dialogue_act",
  grain:
    "One row per dialogue act; fact_turn refers to it twice (user_act_key, bot_act_key).",
  columns: [
    actKey,
    col.str("act", "Act name, as in the raw user_act and bot_act"),
    col.str("speaker", "user, bot or both: who may perform it"),
    col.str("description", "What the act is"),
  ],
  primaryKey: ["act_key"],
  foreignKeys: [],
};

const timeCols = [
  col.int(
    "time_key",
    "HHMM (a UTC minute for start_time_key and time_key, a local one for local_time_key)",
  ),
  col.str("time", "HH:MM (UTC)"),
  col.int("hour", "Hour 0..23 (UTC)"),
  col.int("minute", "Minute 0..59"),
  col.str(
    "day_part",
    "night (0–5), morning (6–11), afternoon (12–17), evening (18–23)",
  ),
];

/** Star schema tables, in output order. */
export const STAR_TABLES: Table[] = [
  FACT_SESSION,
  FACT_TURN,
  {
    name: "dim_user",
    grain:
      "One row per user, with country, region, age band and device denormalized.",
    columns: [
      userKey,
      userName,
      email,
      age,
      col.str("age_band", "Age band label from the config"),
      col.str("country_code", "ISO 3166-1 alpha-2"),
      col.str("country_name", "Country name"),
      col.str("region", "Region of the country"),
      col.str("locale", "Faker locale of the name"),
      col.str("device_name", "The user's device"),
      col.str("platform", "mobile or desktop"),
      tenure,
      col.date("signup_date", "calendar start − tenure_days"),
      timeZone,
    ],
    primaryKey: ["user_key"],
    foreignKeys: [],
  },
  {
    name: "dim_date",
    grain:
      "One row per calendar day from the earliest signup to the last turn, a day either side: UTC dates (start_date_key, date_key) and local ones (local_date_key) share it.",
    columns: [
      col.int("date_key", "YYYYMMDD"),
      col.date("date", "The day"),
      col.int("year", "Calendar year"),
      col.int("quarter", "1..4"),
      col.int("month", "1..12"),
      col.str("month_name", "January..December"),
      col.int("day_of_month", "1..31"),
      col.int("iso_weekday", "ISO 8601 weekday, Monday = 1 .. Sunday = 7"),
      col.str("weekday_name", "Monday..Sunday"),
      col.int("iso_week", "ISO 8601 week 1..53"),
      col.int("iso_week_year", "ISO 8601 week-numbering year"),
      col.bool("is_weekend", "Saturday or Sunday"),
    ],
    primaryKey: ["date_key"],
    foreignKeys: [],
  },
  {
    name: "dim_time",
    grain: "One row per minute of the day.",
    columns: timeCols,
    primaryKey: ["time_key"],
    foreignKeys: [],
  },
  {
    name: "dim_intent",
    grain: "One row per intent.",
    columns: [
      intentKey,
      col.str("intent_name", "Intent"),
      col.str("intent_category", "Group of intents"),
    ],
    primaryKey: ["intent_key"],
    foreignKeys: [],
  },
  DIM_DIALOGUE_ACT,
  {
    name: "dim_channel",
    grain: "One row per channel.",
    columns: [
      channelKey,
      col.str("channel_name", "Channel"),
      col.str("channel_type", "web, app or messaging"),
    ],
    primaryKey: ["channel_key"],
    foreignKeys: [],
  },
  {
    name: "dim_device",
    grain: "One row per device.",
    columns: [
      deviceKey,
      col.str("device_name", "Device"),
      col.str("platform", "mobile or desktop"),
    ],
    primaryKey: ["device_key"],
    foreignKeys: [],
  },
];

/** Snowflake schema tables, in output order. */
export const SNOWFLAKE_TABLES: Table[] = [
  FACT_SESSION,
  FACT_TURN,
  {
    name: "dim_user",
    grain:
      "One row per user; country, age band, device and signup date by key.",
    columns: [
      userKey,
      userName,
      email,
      age,
      col.int("age_band_key", "Age band surrogate key"),
      col.int("country_key", "Country surrogate key"),
      deviceKey,
      tenure,
      dateKeyOf("signup_date_key", "Signup date"),
      timeZone,
    ],
    primaryKey: ["user_key"],
    foreignKeys: [
      fk("age_band_key", "dim_age_band"),
      fk("country_key", "dim_country"),
      fk("device_key", "dim_device"),
      fk("signup_date_key", "dim_date", "date_key"),
    ],
  },
  {
    name: "dim_age_band",
    grain: "One row per age band.",
    columns: [
      col.int("age_band_key", "Surrogate key, 1-based config order"),
      col.str("age_band", "Label"),
      col.int("min_age", "Lowest age in the band", "years"),
      col.int("max_age", "Highest age in the band", "years"),
    ],
    primaryKey: ["age_band_key"],
    foreignKeys: [],
  },
  {
    name: "dim_country",
    grain: "One row per country.",
    columns: [
      col.int("country_key", "Surrogate key, 1-based config order"),
      col.str("country_code", "ISO 3166-1 alpha-2"),
      col.str("country_name", "Country name"),
      col.str("locale", "Faker locale of names"),
      col.int("region_key", "Region surrogate key"),
    ],
    primaryKey: ["country_key"],
    foreignKeys: [fk("region_key", "dim_region")],
  },
  {
    name: "dim_region",
    grain: "One row per region.",
    columns: [
      col.int(
        "region_key",
        "Surrogate key, order of first appearance in the config",
      ),
      col.str("region", "Region name"),
    ],
    primaryKey: ["region_key"],
    foreignKeys: [],
  },
  {
    name: "dim_date",
    grain:
      "One row per calendar day (UTC and local dates share it); month, quarter and year by key.",
    columns: [
      col.int("date_key", "YYYYMMDD"),
      col.date("date", "The day"),
      col.int("day_of_month", "1..31"),
      col.int("iso_weekday", "ISO 8601 weekday, Monday = 1 .. Sunday = 7"),
      col.str("weekday_name", "Monday..Sunday"),
      col.int("iso_week", "ISO 8601 week 1..53"),
      col.int("iso_week_year", "ISO 8601 week-numbering year"),
      col.bool("is_weekend", "Saturday or Sunday"),
      col.int("month_key", "YYYYMM"),
    ],
    primaryKey: ["date_key"],
    foreignKeys: [fk("month_key", "dim_month")],
  },
  {
    name: "dim_month",
    grain: "One row per calendar month.",
    columns: [
      col.int("month_key", "YYYYMM"),
      col.int("month", "1..12"),
      col.str("month_name", "January..December"),
      col.int("quarter_key", "YYYYQ"),
    ],
    primaryKey: ["month_key"],
    foreignKeys: [fk("quarter_key", "dim_quarter")],
  },
  {
    name: "dim_quarter",
    grain: "One row per calendar quarter.",
    columns: [
      col.int("quarter_key", "YYYYQ"),
      col.int("quarter", "1..4"),
      col.int("year_key", "YYYY"),
    ],
    primaryKey: ["quarter_key"],
    foreignKeys: [fk("year_key", "dim_year")],
  },
  {
    name: "dim_year",
    grain: "One row per calendar year.",
    columns: [col.int("year_key", "YYYY"), col.int("year", "Calendar year")],
    primaryKey: ["year_key"],
    foreignKeys: [],
  },
  {
    name: "dim_time",
    grain: "One row per minute of the day.",
    columns: timeCols,
    primaryKey: ["time_key"],
    foreignKeys: [],
  },
  {
    name: "dim_intent",
    grain: "One row per intent.",
    columns: [
      intentKey,
      col.str("intent_name", "Intent"),
      col.int("intent_category_key", "Intent category surrogate key"),
    ],
    primaryKey: ["intent_key"],
    foreignKeys: [fk("intent_category_key", "dim_intent_category")],
  },
  {
    name: "dim_intent_category",
    grain: "One row per intent category.",
    columns: [
      col.int(
        "intent_category_key",
        "Surrogate key, order of first appearance in the config",
      ),
      col.str("intent_category", "Category name"),
    ],
    primaryKey: ["intent_category_key"],
    foreignKeys: [],
  },
  DIM_DIALOGUE_ACT,
  {
    name: "dim_channel",
    grain: "One row per channel.",
    columns: [
      channelKey,
      col.str("channel_name", "Channel"),
      col.int("channel_type_key", "Channel type surrogate key"),
    ],
    primaryKey: ["channel_key"],
    foreignKeys: [fk("channel_type_key", "dim_channel_type")],
  },
  {
    name: "dim_channel_type",
    grain: "One row per channel type.",
    columns: [
      col.int(
        "channel_type_key",
        "Surrogate key, order of first appearance in the config",
      ),
      col.str("channel_type", "web, app or messaging"),
    ],
    primaryKey: ["channel_type_key"],
    foreignKeys: [],
  },
  {
    name: "dim_device",
    grain: "One row per device.",
    columns: [
      deviceKey,
      col.str("device_name", "Device"),
      col.int("platform_key", "Platform surrogate key"),
    ],
    primaryKey: ["device_key"],
    foreignKeys: [fk("platform_key", "dim_platform")],
  },
  {
    name: "dim_platform",
    grain: "One row per platform.",
    columns: [
      col.int(
        "platform_key",
        "Surrogate key, order of first appearance in the config",
      ),
      col.str("platform", "mobile or desktop"),
    ],
    primaryKey: ["platform_key"],
    foreignKeys: [],
  },
];

/** The raw JSONL record: one line per turn, keys in this order. */
export const RAW_TURN: Table = {
  name: "turns",
  grain:
    "One JSON object per line per turn, with the user and session context denormalized.",
  columns: [
    int64(col.int("session_id", "= session_key")),
    col.int("turn_number", "1..session_turns"),
    int64(col.int("user_id", "= user_key")),
    userName,
    col.str("user_email", "= dim_user.email (unique per user)"),
    col.int("user_age", "Age", "years"),
    col.str("user_age_band", "Age band label"),
    col.str("user_country_code", "ISO 3166-1 alpha-2"),
    col.str("user_country", "Country name"),
    col.str("user_region", "Region"),
    col.str("user_locale", "Faker locale"),
    col.str(
      "language",
      "Language of user_text and bot_text, ISO 639-1: the language of user_locale (pt_BR → pt)",
    ),
    col.str("user_device", "Device"),
    col.str("user_platform", "mobile or desktop"),
    col.int(
      "user_tenure_days",
      "Days between signup and the calendar start",
      "days",
    ),
    col.date("user_signup_date", "Signup date"),
    col.str("channel", "Channel"),
    col.str("channel_type", "Channel type"),
    col.ts(
      "session_start",
      "First user message of the session (turn 1's user_ts)",
    ),
    col.ts(
      "session_end",
      "Last bot response of the session (the last turn's bot_ts)",
    ),
    col.int("session_turns", "Lines of the session", "turns"),
    col.int(
      "session_fallbacks",
      "Lines of the session with is_fallback true",
      "turns",
    ),
    col.num(
      "session_mean_confidence",
      4,
      "Exact mean of the session's confidence, rounded half away from zero",
      "probability",
    ),
    {
      ...col.num(
        "session_mean_latency_ms",
        1,
        "Exact mean of the session's latency_ms, rounded half away from zero",
        "ms",
      ),
      precision: 13,
    },
    col.num("session_sentiment_score", 4, "Sentiment in [−1, 1]"),
    col.str("session_sentiment", "negative, neutral or positive"),
    col.int("session_satisfaction", "1..5", "points"),
    col.bool("session_escalated", "Handed to a human"),
    col.bool("session_resolved", "Resolved"),
    col.str("session_goal", "Intent of the session's first goal"),
    col.str("intent", "Intent"),
    col.str("intent_category", "Intent category"),
    col.str("user_act", "Dialogue act of the user's message"),
    col.str("bot_act", "Dialogue act of the bot's reply"),
    col.num("confidence", 4, "NLU confidence", "probability"),
    col.bool("is_fallback", "Bot fell back"),
    col.int("latency_ms", "Bot latency", "ms"),
    col.int("think_time_ms", "User think time before this message", "ms"),
    col.ts("user_ts", "User message time"),
    col.ts("bot_ts", "Bot response time"),
    col.str("user_text", "User utterance (template + Faker values)"),
    col.str("bot_text", "Bot response (fallback response on a fallback turn)"),
    col.str("user_time_zone", "= dim_user.time_zone (IANA zone)"),
    {
      ...col.ts(
        "session_start_local",
        "session_start in user_time_zone, ISO 8601 with the UTC offset",
      ),
      wallClock: true,
      localOf: "session_start",
    },
  ],
  primaryKey: ["session_id", "turn_number"],
  foreignKeys: [],
};

/**
 * The data files each format writes, relative to the output folder, in output order
 * (`raw/turns.jsonl`, `star/<table>.csv`, `snowflake/<table>.csv`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(FORMAT_FILES.raw, ["raw/turns.jsonl"]);
 * ```
 */
export const FORMAT_FILES: Readonly<
  Record<"raw" | "star" | "snowflake", readonly string[]>
> = {
  raw: [`raw/${RAW_TURN.name}.jsonl`],
  star: STAR_TABLES.map((t) => `star/${t.name}.csv`),
  snowflake: SNOWFLAKE_TABLES.map((t) => `snowflake/${t.name}.csv`),
};
