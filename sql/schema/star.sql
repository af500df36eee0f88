-- Star schema: two facts and denormalized dimensions.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Runs unchanged in DuckDB and PostgreSQL. TIMESTAMP WITH TIME ZONE columns hold UTC instants.
CREATE SCHEMA IF NOT EXISTS star;

-- One row per user, with country, region, age band and device denormalized.
CREATE TABLE star.dim_user (
  user_key BIGINT NOT NULL, -- User surrogate key, 1..users
  user_name VARCHAR NOT NULL, -- Synthetic full name (Faker) in the locale's own name order
  email VARCHAR NOT NULL, -- Synthetic ASCII e-mail at example.com, ending in user_key (unique)
  age INTEGER NOT NULL, -- Age, truncated Normal(28, 9) on 13..75 (years)
  age_band VARCHAR NOT NULL, -- Age band label from the config
  country_code VARCHAR NOT NULL, -- ISO 3166-1 alpha-2
  country_name VARCHAR NOT NULL, -- Country name
  region VARCHAR NOT NULL, -- Region of the country
  locale VARCHAR NOT NULL, -- Faker locale of the name
  device_name VARCHAR NOT NULL, -- The user's device
  platform VARCHAR NOT NULL, -- mobile or desktop
  tenure_days INTEGER NOT NULL, -- Days between signup and the calendar start (days)
  signup_date DATE NOT NULL, -- calendar start − tenure_days
  time_zone VARCHAR NOT NULL, -- IANA zone, one of the country's (e.g. America/Chicago)
  PRIMARY KEY (user_key),
  UNIQUE (email)
);

-- One row per channel.
CREATE TABLE star.dim_channel (
  channel_key INTEGER NOT NULL, -- Channel surrogate key, 1-based config order
  channel_name VARCHAR NOT NULL, -- Channel
  channel_type VARCHAR NOT NULL, -- web, app or messaging
  PRIMARY KEY (channel_key)
);

-- One row per device.
CREATE TABLE star.dim_device (
  device_key INTEGER NOT NULL, -- Device surrogate key, 1-based config order
  device_name VARCHAR NOT NULL, -- Device
  platform VARCHAR NOT NULL, -- mobile or desktop
  PRIMARY KEY (device_key)
);

-- One row per intent.
CREATE TABLE star.dim_intent (
  intent_key INTEGER NOT NULL, -- Intent surrogate key, 1-based config order
  intent_name VARCHAR NOT NULL, -- Intent
  intent_category VARCHAR NOT NULL, -- Group of intents
  PRIMARY KEY (intent_key)
);

-- One row per calendar day from the earliest signup to the last turn, a day either side: UTC dates (start_date_key, date_key) and local ones (local_date_key) share it.
CREATE TABLE star.dim_date (
  date_key INTEGER NOT NULL, -- YYYYMMDD
  date DATE NOT NULL, -- The day
  year INTEGER NOT NULL, -- Calendar year
  quarter INTEGER NOT NULL, -- 1..4
  month INTEGER NOT NULL, -- 1..12
  month_name VARCHAR NOT NULL, -- January..December
  day_of_month INTEGER NOT NULL, -- 1..31
  iso_weekday INTEGER NOT NULL, -- ISO 8601 weekday, Monday = 1 .. Sunday = 7
  weekday_name VARCHAR NOT NULL, -- Monday..Sunday
  iso_week INTEGER NOT NULL, -- ISO 8601 week 1..53
  iso_week_year INTEGER NOT NULL, -- ISO 8601 week-numbering year
  is_weekend BOOLEAN NOT NULL, -- Saturday or Sunday
  PRIMARY KEY (date_key)
);

-- One row per minute of the day.
CREATE TABLE star.dim_time (
  time_key INTEGER NOT NULL, -- HHMM (a UTC minute for start_time_key and time_key, a local one for local_time_key)
  time VARCHAR NOT NULL, -- HH:MM (UTC)
  hour INTEGER NOT NULL, -- Hour 0..23 (UTC)
  minute INTEGER NOT NULL, -- Minute 0..59
  day_part VARCHAR NOT NULL, -- night (0–5), morning (6–11), afternoon (12–17), evening (18–23)
  PRIMARY KEY (time_key)
);

-- One row per chatbot session.
CREATE TABLE star.fact_session (
  session_key BIGINT NOT NULL, -- Session surrogate key, 1..sessions (session index + 1)
  user_key BIGINT NOT NULL, -- User surrogate key, 1..users
  channel_key INTEGER NOT NULL, -- Channel surrogate key, 1-based config order
  device_key INTEGER NOT NULL, -- Device surrogate key, 1-based config order
  goal_intent_key INTEGER NOT NULL, -- Intent surrogate key of the session's first goal (a task intent)
  start_date_key INTEGER NOT NULL, -- Date of the session start, as YYYYMMDD (UTC)
  start_time_key INTEGER NOT NULL, -- Minute of the session start, as the integer HHMM (UTC, 08:41 is 841)
  start_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- First user message (turn 1's user_ts), ISO 8601 UTC with ms
  end_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- Last bot response (the last turn's bot_ts), ISO 8601 UTC with ms
  duration_ms BIGINT NOT NULL, -- end_ts − start_ts (ms)
  turn_count INTEGER NOT NULL, -- Turns: its fact_turn rows (the dialogue model's distribution, mean ≈ 7) (turns)
  fallback_count INTEGER NOT NULL, -- Its fact_turn rows with is_fallback = true (turns)
  fallback_rate DECIMAL(5,4) NOT NULL, -- fallback_count / turn_count, exact, rounded half away from zero (probability)
  mean_confidence DECIMAL(5,4) NOT NULL, -- Exact mean of its turns' confidence, rounded half away from zero (probability)
  mean_latency_ms DECIMAL(13,1) NOT NULL, -- Exact mean of its turns' latency_ms, rounded half away from zero (ms)
  sentiment_score DECIMAL(5,4) NOT NULL, -- Sentiment in [−1, 1] from mean_confidence, fallback rate and noise
  sentiment_label VARCHAR NOT NULL, -- negative, neutral or positive (score vs label_cutoff)
  satisfaction INTEGER NOT NULL, -- Satisfaction score 1..5 derived from sentiment (points)
  escalated BOOLEAN NOT NULL, -- Handed to a human: the last turn's bot_act is handoff
  resolved BOOLEAN NOT NULL, -- Not escalated, last turn not a fallback, and resolved
  language VARCHAR NOT NULL, -- Language of the session's text, ISO 639-1: the language of its user's country's locale (pt_BR → pt)
  local_date_key INTEGER NOT NULL, -- Start date in the user's time_zone (DST included), YYYYMMDD
  local_time_key INTEGER NOT NULL, -- Start minute in the user's time_zone, as the integer HHMM
  PRIMARY KEY (session_key),
  FOREIGN KEY (user_key) REFERENCES star.dim_user (user_key),
  FOREIGN KEY (channel_key) REFERENCES star.dim_channel (channel_key),
  FOREIGN KEY (device_key) REFERENCES star.dim_device (device_key),
  FOREIGN KEY (goal_intent_key) REFERENCES star.dim_intent (intent_key),
  FOREIGN KEY (start_date_key) REFERENCES star.dim_date (date_key),
  FOREIGN KEY (start_time_key) REFERENCES star.dim_time (time_key),
  FOREIGN KEY (local_date_key) REFERENCES star.dim_date (date_key),
  FOREIGN KEY (local_time_key) REFERENCES star.dim_time (time_key)
);

-- One row per dialogue act, fact_turn refers to it twice (user_act_key, bot_act_key).
CREATE TABLE star.dim_dialogue_act (
  act_key INTEGER NOT NULL, -- Dialogue act surrogate key, 1-based in the model's act order
  act VARCHAR NOT NULL, -- Act name, as in the raw user_act and bot_act
  speaker VARCHAR NOT NULL, -- user, bot or both: who may perform it
  description VARCHAR NOT NULL, -- What the act is
  PRIMARY KEY (act_key)
);

-- One row per turn: a user message and the bot's response.
CREATE TABLE star.fact_turn (
  session_key BIGINT NOT NULL, -- Session surrogate key, 1..sessions (session index + 1)
  turn_number INTEGER NOT NULL, -- Position in the session, 1..turn_count
  user_key BIGINT NOT NULL, -- User surrogate key, 1..users
  date_key INTEGER NOT NULL, -- Date of the user message, as YYYYMMDD (UTC)
  time_key INTEGER NOT NULL, -- Minute of the user message, as the integer HHMM (UTC, 08:41 is 841)
  intent_key INTEGER NOT NULL, -- Intent surrogate key, 1-based config order
  user_act_key INTEGER NOT NULL, -- Dialogue act of the user's message (dim_dialogue_act key)
  bot_act_key INTEGER NOT NULL, -- Dialogue act of the bot's reply (dim_dialogue_act key)
  channel_key INTEGER NOT NULL, -- Channel surrogate key, 1-based config order
  device_key INTEGER NOT NULL, -- Device surrogate key, 1-based config order
  user_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- User message time, ISO 8601 UTC with ms
  bot_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- Bot response time = user_ts + latency_ms
  confidence DECIMAL(5,4) NOT NULL, -- NLU confidence, Beta per intent (probability)
  is_fallback BOOLEAN NOT NULL, -- confidence < threshold + noise
  latency_ms BIGINT NOT NULL, -- Bot response latency, lognormal × channel multiplier (ms)
  think_time_ms BIGINT NOT NULL, -- User think time before this message (0 on turn 1) (ms)
  PRIMARY KEY (session_key, turn_number),
  FOREIGN KEY (session_key) REFERENCES star.fact_session (session_key),
  FOREIGN KEY (user_key) REFERENCES star.dim_user (user_key),
  FOREIGN KEY (date_key) REFERENCES star.dim_date (date_key),
  FOREIGN KEY (time_key) REFERENCES star.dim_time (time_key),
  FOREIGN KEY (intent_key) REFERENCES star.dim_intent (intent_key),
  FOREIGN KEY (user_act_key) REFERENCES star.dim_dialogue_act (act_key),
  FOREIGN KEY (bot_act_key) REFERENCES star.dim_dialogue_act (act_key),
  FOREIGN KEY (channel_key) REFERENCES star.dim_channel (channel_key),
  FOREIGN KEY (device_key) REFERENCES star.dim_device (device_key)
);
