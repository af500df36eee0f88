-- DuckDB views of the snowflake representation over the part folders parts/*/ (Parquet files).
-- Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.
-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.
CREATE SCHEMA IF NOT EXISTS snowflake;

CREATE OR REPLACE VIEW snowflake.fact_session AS
SELECT session_key, user_key, channel_key, device_key, goal_intent_key, start_date_key, start_time_key, start_ts, end_ts, duration_ms, turn_count, fallback_count, fallback_rate, mean_confidence, mean_latency_ms, sentiment_score, sentiment_label, satisfaction, escalated, resolved, language, local_date_key, local_time_key
FROM read_parquet('parts/*/snowflake/fact_session.parquet');

CREATE OR REPLACE VIEW snowflake.fact_turn AS
SELECT session_key, turn_number, user_key, date_key, time_key, intent_key, user_act_key, bot_act_key, channel_key, device_key, user_ts, bot_ts, confidence, is_fallback, latency_ms, think_time_ms
FROM read_parquet('parts/*/snowflake/fact_turn.parquet');

CREATE OR REPLACE VIEW snowflake.dim_user AS
SELECT user_key, user_name, email, age, age_band_key, country_key, device_key, tenure_days, signup_date_key, time_zone
FROM read_parquet('parts/*/snowflake/dim_user.parquet');

CREATE OR REPLACE VIEW snowflake.dim_age_band AS
SELECT age_band_key, age_band, min_age, max_age
FROM read_parquet('parts/*/snowflake/dim_age_band.parquet');

CREATE OR REPLACE VIEW snowflake.dim_country AS
SELECT country_key, country_code, country_name, locale, region_key
FROM read_parquet('parts/*/snowflake/dim_country.parquet');

CREATE OR REPLACE VIEW snowflake.dim_region AS
SELECT region_key, region
FROM read_parquet('parts/*/snowflake/dim_region.parquet');

CREATE OR REPLACE VIEW snowflake.dim_date AS
SELECT date_key, date, day_of_month, iso_weekday, weekday_name, iso_week, iso_week_year, is_weekend, month_key
FROM read_parquet('parts/*/snowflake/dim_date.parquet');

CREATE OR REPLACE VIEW snowflake.dim_month AS
SELECT month_key, month, month_name, quarter_key
FROM read_parquet('parts/*/snowflake/dim_month.parquet');

CREATE OR REPLACE VIEW snowflake.dim_quarter AS
SELECT quarter_key, quarter, year_key
FROM read_parquet('parts/*/snowflake/dim_quarter.parquet');

CREATE OR REPLACE VIEW snowflake.dim_year AS
SELECT year_key, year
FROM read_parquet('parts/*/snowflake/dim_year.parquet');

CREATE OR REPLACE VIEW snowflake.dim_time AS
SELECT time_key, time, hour, minute, day_part
FROM read_parquet('parts/*/snowflake/dim_time.parquet');

CREATE OR REPLACE VIEW snowflake.dim_intent AS
SELECT intent_key, intent_name, intent_category_key
FROM read_parquet('parts/*/snowflake/dim_intent.parquet');

CREATE OR REPLACE VIEW snowflake.dim_intent_category AS
SELECT intent_category_key, intent_category
FROM read_parquet('parts/*/snowflake/dim_intent_category.parquet');

CREATE OR REPLACE VIEW snowflake.dim_dialogue_act AS
SELECT act_key, act, speaker, description
FROM read_parquet('parts/*/snowflake/dim_dialogue_act.parquet');

CREATE OR REPLACE VIEW snowflake.dim_channel AS
SELECT channel_key, channel_name, channel_type_key
FROM read_parquet('parts/*/snowflake/dim_channel.parquet');

CREATE OR REPLACE VIEW snowflake.dim_channel_type AS
SELECT channel_type_key, channel_type
FROM read_parquet('parts/*/snowflake/dim_channel_type.parquet');

CREATE OR REPLACE VIEW snowflake.dim_device AS
SELECT device_key, device_name, platform_key
FROM read_parquet('parts/*/snowflake/dim_device.parquet');

CREATE OR REPLACE VIEW snowflake.dim_platform AS
SELECT platform_key, platform
FROM read_parquet('parts/*/snowflake/dim_platform.parquet');
