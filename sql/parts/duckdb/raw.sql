-- DuckDB views of the raw representation over the part folders parts/*/ (text files).
-- Generated from lib/schema/tables.ts by tools/parts_sql.ts; do not edit.
-- Paths are relative: run from the folder holding parts/, or make 'parts/ absolute.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE OR REPLACE VIEW raw.turns AS
SELECT session_id, turn_number, user_id, user_name, user_email, user_age, user_age_band, user_country_code, user_country, user_region, user_locale, language, user_device, user_platform, user_tenure_days, user_signup_date, channel, channel_type, session_start, session_end, session_turns, session_fallbacks, session_mean_confidence, session_mean_latency_ms, session_sentiment_score, session_sentiment, session_satisfaction, session_escalated, session_resolved, session_goal, intent, intent_category, user_act, bot_act, confidence, is_fallback, latency_ms, think_time_ms, user_ts, bot_ts, user_text, bot_text, user_time_zone, CAST(left(session_start_local, 23) AS TIMESTAMP) AS session_start_local
FROM read_json('parts/*/raw/turns.jsonl', format = 'newline_delimited', columns = {
    session_id: 'BIGINT',
    turn_number: 'INTEGER',
    user_id: 'BIGINT',
    user_name: 'VARCHAR',
    user_email: 'VARCHAR',
    user_age: 'INTEGER',
    user_age_band: 'VARCHAR',
    user_country_code: 'VARCHAR',
    user_country: 'VARCHAR',
    user_region: 'VARCHAR',
    user_locale: 'VARCHAR',
    language: 'VARCHAR',
    user_device: 'VARCHAR',
    user_platform: 'VARCHAR',
    user_tenure_days: 'INTEGER',
    user_signup_date: 'DATE',
    channel: 'VARCHAR',
    channel_type: 'VARCHAR',
    session_start: 'TIMESTAMP WITH TIME ZONE',
    session_end: 'TIMESTAMP WITH TIME ZONE',
    session_turns: 'INTEGER',
    session_fallbacks: 'INTEGER',
    session_mean_confidence: 'DECIMAL(5,4)',
    session_mean_latency_ms: 'DECIMAL(13,1)',
    session_sentiment_score: 'DECIMAL(5,4)',
    session_sentiment: 'VARCHAR',
    session_satisfaction: 'INTEGER',
    session_escalated: 'BOOLEAN',
    session_resolved: 'BOOLEAN',
    session_goal: 'VARCHAR',
    intent: 'VARCHAR',
    intent_category: 'VARCHAR',
    user_act: 'VARCHAR',
    bot_act: 'VARCHAR',
    confidence: 'DECIMAL(5,4)',
    is_fallback: 'BOOLEAN',
    latency_ms: 'BIGINT',
    think_time_ms: 'BIGINT',
    user_ts: 'TIMESTAMP WITH TIME ZONE',
    bot_ts: 'TIMESTAMP WITH TIME ZONE',
    user_text: 'VARCHAR',
    bot_text: 'VARCHAR',
    user_time_zone: 'VARCHAR',
    session_start_local: 'VARCHAR'
});
