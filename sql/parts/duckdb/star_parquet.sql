-- DuckDB views of the star representation over the part folders parts/*/ (Parquet files).
-- Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.
-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.
CREATE SCHEMA IF NOT EXISTS star;

CREATE OR REPLACE VIEW star.fact_session AS
SELECT session_key, user_key, channel_key, device_key, goal_intent_key, start_date_key, start_time_key, start_ts, end_ts, duration_ms, turn_count, fallback_count, fallback_rate, mean_confidence, mean_latency_ms, sentiment_score, sentiment_label, satisfaction, escalated, resolved, language, local_date_key, local_time_key
FROM read_parquet('parts/*/star/fact_session.parquet');

CREATE OR REPLACE VIEW star.fact_turn AS
SELECT session_key, turn_number, user_key, date_key, time_key, intent_key, user_act_key, bot_act_key, channel_key, device_key, user_ts, bot_ts, confidence, is_fallback, latency_ms, think_time_ms
FROM read_parquet('parts/*/star/fact_turn.parquet');

CREATE OR REPLACE VIEW star.dim_user AS
SELECT user_key, user_name, email, age, age_band, country_code, country_name, region, locale, device_name, platform, tenure_days, signup_date, time_zone
FROM read_parquet('parts/*/star/dim_user.parquet');

CREATE OR REPLACE VIEW star.dim_date AS
SELECT date_key, date, year, quarter, month, month_name, day_of_month, iso_weekday, weekday_name, iso_week, iso_week_year, is_weekend
FROM read_parquet('parts/*/star/dim_date.parquet');

CREATE OR REPLACE VIEW star.dim_time AS
SELECT time_key, time, hour, minute, day_part
FROM read_parquet('parts/*/star/dim_time.parquet');

CREATE OR REPLACE VIEW star.dim_intent AS
SELECT intent_key, intent_name, intent_category
FROM read_parquet('parts/*/star/dim_intent.parquet');

CREATE OR REPLACE VIEW star.dim_dialogue_act AS
SELECT act_key, act, speaker, description
FROM read_parquet('parts/*/star/dim_dialogue_act.parquet');

CREATE OR REPLACE VIEW star.dim_channel AS
SELECT channel_key, channel_name, channel_type
FROM read_parquet('parts/*/star/dim_channel.parquet');

CREATE OR REPLACE VIEW star.dim_device AS
SELECT device_key, device_name, platform
FROM read_parquet('parts/*/star/dim_device.parquet');
