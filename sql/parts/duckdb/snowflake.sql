-- DuckDB views of the snowflake representation over the part folders parts/*/ (text files).
-- Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.
-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.
CREATE SCHEMA IF NOT EXISTS snowflake;

CREATE OR REPLACE VIEW snowflake.fact_session AS
SELECT session_key, user_key, channel_key, device_key, goal_intent_key, start_date_key, start_time_key, start_ts, end_ts, duration_ms, turn_count, fallback_count, fallback_rate, mean_confidence, mean_latency_ms, sentiment_score, sentiment_label, satisfaction, escalated, resolved, language, local_date_key, local_time_key
FROM read_csv('parts/*/snowflake/fact_session.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    session_key: 'BIGINT',
    user_key: 'BIGINT',
    channel_key: 'INTEGER',
    device_key: 'INTEGER',
    goal_intent_key: 'INTEGER',
    start_date_key: 'INTEGER',
    start_time_key: 'INTEGER',
    start_ts: 'TIMESTAMP WITH TIME ZONE',
    end_ts: 'TIMESTAMP WITH TIME ZONE',
    duration_ms: 'BIGINT',
    turn_count: 'INTEGER',
    fallback_count: 'INTEGER',
    fallback_rate: 'DECIMAL(5,4)',
    mean_confidence: 'DECIMAL(5,4)',
    mean_latency_ms: 'DECIMAL(13,1)',
    sentiment_score: 'DECIMAL(5,4)',
    sentiment_label: 'VARCHAR',
    satisfaction: 'INTEGER',
    escalated: 'BOOLEAN',
    resolved: 'BOOLEAN',
    language: 'VARCHAR',
    local_date_key: 'INTEGER',
    local_time_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.fact_turn AS
SELECT session_key, turn_number, user_key, date_key, time_key, intent_key, user_act_key, bot_act_key, channel_key, device_key, user_ts, bot_ts, confidence, is_fallback, latency_ms, think_time_ms
FROM read_csv('parts/*/snowflake/fact_turn.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    session_key: 'BIGINT',
    turn_number: 'INTEGER',
    user_key: 'BIGINT',
    date_key: 'INTEGER',
    time_key: 'INTEGER',
    intent_key: 'INTEGER',
    user_act_key: 'INTEGER',
    bot_act_key: 'INTEGER',
    channel_key: 'INTEGER',
    device_key: 'INTEGER',
    user_ts: 'TIMESTAMP WITH TIME ZONE',
    bot_ts: 'TIMESTAMP WITH TIME ZONE',
    confidence: 'DECIMAL(5,4)',
    is_fallback: 'BOOLEAN',
    latency_ms: 'BIGINT',
    think_time_ms: 'BIGINT'
});

CREATE OR REPLACE VIEW snowflake.dim_user AS
SELECT user_key, user_name, email, age, age_band_key, country_key, device_key, tenure_days, signup_date_key, time_zone
FROM read_csv('parts/*/snowflake/dim_user.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    user_key: 'BIGINT',
    user_name: 'VARCHAR',
    email: 'VARCHAR',
    age: 'INTEGER',
    age_band_key: 'INTEGER',
    country_key: 'INTEGER',
    device_key: 'INTEGER',
    tenure_days: 'INTEGER',
    signup_date_key: 'INTEGER',
    time_zone: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_age_band AS
SELECT age_band_key, age_band, min_age, max_age
FROM read_csv('parts/*/snowflake/dim_age_band.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    age_band_key: 'INTEGER',
    age_band: 'VARCHAR',
    min_age: 'INTEGER',
    max_age: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_country AS
SELECT country_key, country_code, country_name, locale, region_key
FROM read_csv('parts/*/snowflake/dim_country.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    country_key: 'INTEGER',
    country_code: 'VARCHAR',
    country_name: 'VARCHAR',
    locale: 'VARCHAR',
    region_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_region AS
SELECT region_key, region
FROM read_csv('parts/*/snowflake/dim_region.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    region_key: 'INTEGER',
    region: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_date AS
SELECT date_key, date, day_of_month, iso_weekday, weekday_name, iso_week, iso_week_year, is_weekend, month_key
FROM read_csv('parts/*/snowflake/dim_date.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    date_key: 'INTEGER',
    date: 'DATE',
    day_of_month: 'INTEGER',
    iso_weekday: 'INTEGER',
    weekday_name: 'VARCHAR',
    iso_week: 'INTEGER',
    iso_week_year: 'INTEGER',
    is_weekend: 'BOOLEAN',
    month_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_month AS
SELECT month_key, month, month_name, quarter_key
FROM read_csv('parts/*/snowflake/dim_month.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    month_key: 'INTEGER',
    month: 'INTEGER',
    month_name: 'VARCHAR',
    quarter_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_quarter AS
SELECT quarter_key, quarter, year_key
FROM read_csv('parts/*/snowflake/dim_quarter.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    quarter_key: 'INTEGER',
    quarter: 'INTEGER',
    year_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_year AS
SELECT year_key, year
FROM read_csv('parts/*/snowflake/dim_year.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    year_key: 'INTEGER',
    year: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_time AS
SELECT time_key, time, hour, minute, day_part
FROM read_csv('parts/*/snowflake/dim_time.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    time_key: 'INTEGER',
    time: 'VARCHAR',
    hour: 'INTEGER',
    minute: 'INTEGER',
    day_part: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_intent AS
SELECT intent_key, intent_name, intent_category_key
FROM read_csv('parts/*/snowflake/dim_intent.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    intent_key: 'INTEGER',
    intent_name: 'VARCHAR',
    intent_category_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_intent_category AS
SELECT intent_category_key, intent_category
FROM read_csv('parts/*/snowflake/dim_intent_category.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    intent_category_key: 'INTEGER',
    intent_category: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_dialogue_act AS
SELECT act_key, act, speaker, description
FROM read_csv('parts/*/snowflake/dim_dialogue_act.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    act_key: 'INTEGER',
    act: 'VARCHAR',
    speaker: 'VARCHAR',
    description: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_channel AS
SELECT channel_key, channel_name, channel_type_key
FROM read_csv('parts/*/snowflake/dim_channel.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    channel_key: 'INTEGER',
    channel_name: 'VARCHAR',
    channel_type_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_channel_type AS
SELECT channel_type_key, channel_type
FROM read_csv('parts/*/snowflake/dim_channel_type.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    channel_type_key: 'INTEGER',
    channel_type: 'VARCHAR'
});

CREATE OR REPLACE VIEW snowflake.dim_device AS
SELECT device_key, device_name, platform_key
FROM read_csv('parts/*/snowflake/dim_device.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    device_key: 'INTEGER',
    device_name: 'VARCHAR',
    platform_key: 'INTEGER'
});

CREATE OR REPLACE VIEW snowflake.dim_platform AS
SELECT platform_key, platform
FROM read_csv('parts/*/snowflake/dim_platform.csv', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {
    platform_key: 'INTEGER',
    platform: 'VARCHAR'
});
