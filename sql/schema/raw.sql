-- The raw log: one row per turn (a JSONL line), session and user context denormalized.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Runs unchanged in DuckDB and PostgreSQL. TIMESTAMP WITH TIME ZONE columns hold UTC instants.
CREATE SCHEMA IF NOT EXISTS raw;

-- One JSON object per line per turn, with the user and session context denormalized.
CREATE TABLE raw.turns (
  session_id BIGINT NOT NULL, -- = session_key
  turn_number INTEGER NOT NULL, -- 1..session_turns
  user_id BIGINT NOT NULL, -- = user_key
  user_name VARCHAR NOT NULL, -- Synthetic full name (Faker) in the locale's own name order
  user_email VARCHAR NOT NULL, -- = dim_user.email (unique per user)
  user_age INTEGER NOT NULL, -- Age (years)
  user_age_band VARCHAR NOT NULL, -- Age band label
  user_country_code VARCHAR NOT NULL, -- ISO 3166-1 alpha-2
  user_country VARCHAR NOT NULL, -- Country name
  user_region VARCHAR NOT NULL, -- Region
  user_locale VARCHAR NOT NULL, -- Faker locale
  language VARCHAR NOT NULL, -- Language of user_text and bot_text, ISO 639-1: the language of user_locale (pt_BR → pt)
  user_device VARCHAR NOT NULL, -- Device
  user_platform VARCHAR NOT NULL, -- mobile or desktop
  user_tenure_days INTEGER NOT NULL, -- Days between signup and the calendar start (days)
  user_signup_date DATE NOT NULL, -- Signup date
  channel VARCHAR NOT NULL, -- Channel
  channel_type VARCHAR NOT NULL, -- Channel type
  session_start TIMESTAMP WITH TIME ZONE NOT NULL, -- First user message of the session (turn 1's user_ts)
  session_end TIMESTAMP WITH TIME ZONE NOT NULL, -- Last bot response of the session (the last turn's bot_ts)
  session_turns INTEGER NOT NULL, -- Lines of the session (turns)
  session_fallbacks INTEGER NOT NULL, -- Lines of the session with is_fallback true (turns)
  session_mean_confidence DECIMAL(5,4) NOT NULL, -- Exact mean of the session's confidence, rounded half away from zero (probability)
  session_mean_latency_ms DECIMAL(13,1) NOT NULL, -- Exact mean of the session's latency_ms, rounded half away from zero (ms)
  session_sentiment_score DECIMAL(5,4) NOT NULL, -- Sentiment in [−1, 1]
  session_sentiment VARCHAR NOT NULL, -- negative, neutral or positive
  session_satisfaction INTEGER NOT NULL, -- 1..5 (points)
  session_escalated BOOLEAN NOT NULL, -- Handed to a human
  session_resolved BOOLEAN NOT NULL, -- Resolved
  session_goal VARCHAR NOT NULL, -- Intent of the session's first goal
  intent VARCHAR NOT NULL, -- Intent
  intent_category VARCHAR NOT NULL, -- Intent category
  user_act VARCHAR NOT NULL, -- Dialogue act of the user's message
  bot_act VARCHAR NOT NULL, -- Dialogue act of the bot's reply
  confidence DECIMAL(5,4) NOT NULL, -- NLU confidence (probability)
  is_fallback BOOLEAN NOT NULL, -- Bot fell back
  latency_ms BIGINT NOT NULL, -- Bot latency (ms)
  think_time_ms BIGINT NOT NULL, -- User think time before this message (ms)
  user_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- User message time
  bot_ts TIMESTAMP WITH TIME ZONE NOT NULL, -- Bot response time
  user_text VARCHAR NOT NULL, -- User utterance (template + Faker values)
  bot_text VARCHAR NOT NULL, -- Bot response (fallback response on a fallback turn)
  user_time_zone VARCHAR NOT NULL, -- = dim_user.time_zone (IANA zone)
  session_start_local TIMESTAMP NOT NULL, -- session_start in user_time_zone, ISO 8601 with the UTC offset
  PRIMARY KEY (session_id, turn_number)
);
