-- Turns, fallback turns and total latency by year, quarter, region, age band, channel type, platform, intent category, dialogue acts and day part (every dimension joined).
SELECT
  CAST(EXTRACT(year FROM user_ts AT TIME ZONE 'UTC') AS INTEGER) AS year,
  CAST(EXTRACT(quarter FROM user_ts AT TIME ZONE 'UTC') AS INTEGER) AS quarter,
  user_region AS region,
  user_age_band AS age_band,
  channel_type,
  user_platform AS platform,
  intent_category,
  user_act,
  bot_act,
  CASE
    WHEN EXTRACT(hour FROM user_ts AT TIME ZONE 'UTC') < 6 THEN 'night'
    WHEN EXTRACT(hour FROM user_ts AT TIME ZONE 'UTC') < 12 THEN 'morning'
    WHEN EXTRACT(hour FROM user_ts AT TIME ZONE 'UTC') < 18 THEN 'afternoon'
    ELSE 'evening'
  END AS day_part,
  count(*) AS turns,
  count(*) FILTER (WHERE is_fallback) AS fallbacks,
  sum(latency_ms) AS latency_ms_sum
FROM raw.turns
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
ORDER BY year, quarter, region, age_band, channel_type, platform, intent_category, user_act, bot_act, day_part
