-- Turns, fallback turns and total latency by year, quarter, region, age band, channel type, platform, intent category, dialogue acts and day part (every dimension joined).
SELECT
  d.year,
  d.quarter,
  u.region,
  u.age_band,
  c.channel_type,
  dv.platform,
  i.intent_category,
  ua.act AS user_act,
  ba.act AS bot_act,
  tm.day_part,
  count(*) AS turns,
  count(*) FILTER (WHERE t.is_fallback) AS fallbacks,
  sum(t.latency_ms) AS latency_ms_sum
FROM star.fact_turn AS t
JOIN star.dim_date AS d ON d.date_key = t.date_key
JOIN star.dim_time AS tm ON tm.time_key = t.time_key
JOIN star.dim_user AS u ON u.user_key = t.user_key
JOIN star.dim_channel AS c ON c.channel_key = t.channel_key
JOIN star.dim_device AS dv ON dv.device_key = t.device_key
JOIN star.dim_intent AS i ON i.intent_key = t.intent_key
JOIN star.dim_dialogue_act AS ua ON ua.act_key = t.user_act_key
JOIN star.dim_dialogue_act AS ba ON ba.act_key = t.bot_act_key
GROUP BY
  d.year, d.quarter, u.region, u.age_band, c.channel_type, dv.platform,
  i.intent_category, ua.act, ba.act, tm.day_part
ORDER BY year, quarter, region, age_band, channel_type, platform, intent_category, user_act, bot_act, day_part
