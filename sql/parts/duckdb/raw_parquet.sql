-- DuckDB views of the raw representation over the part folders parts/*/ (Parquet files).
-- Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.
-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE OR REPLACE VIEW raw.turns AS
SELECT session_id, turn_number, user_id, user_name, user_email, user_age, user_age_band, user_country_code, user_country, user_region, user_locale, language, user_device, user_platform, user_tenure_days, user_signup_date, channel, channel_type, session_start, session_end, session_turns, session_fallbacks, session_mean_confidence, session_mean_latency_ms, session_sentiment_score, session_sentiment, session_satisfaction, session_escalated, session_resolved, session_goal, intent, intent_category, user_act, bot_act, confidence, is_fallback, latency_ms, think_time_ms, user_ts, bot_ts, user_text, bot_text, user_time_zone, session_start_local
FROM read_parquet('parts/*/raw/turns.parquet');
