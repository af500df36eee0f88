-- Turns, fallback turns and total latency by year, quarter, region, age band, channel type, platform, intent category, dialogue acts and day part (every dimension joined).
SELECT
  y.year,
  q.quarter,
  r.region,
  a.age_band,
  ct.channel_type,
  p.platform,
  ic.intent_category,
  ua.act AS user_act,
  ba.act AS bot_act,
  tm.day_part,
  count(*) AS turns,
  count(*) FILTER (WHERE t.is_fallback) AS fallbacks,
  sum(t.latency_ms) AS latency_ms_sum
FROM snowflake.fact_turn AS t
JOIN snowflake.dim_date AS d ON d.date_key = t.date_key
JOIN snowflake.dim_month AS m ON m.month_key = d.month_key
JOIN snowflake.dim_quarter AS q ON q.quarter_key = m.quarter_key
JOIN snowflake.dim_year AS y ON y.year_key = q.year_key
JOIN snowflake.dim_time AS tm ON tm.time_key = t.time_key
JOIN snowflake.dim_user AS u ON u.user_key = t.user_key
JOIN snowflake.dim_country AS co ON co.country_key = u.country_key
JOIN snowflake.dim_region AS r ON r.region_key = co.region_key
JOIN snowflake.dim_age_band AS a ON a.age_band_key = u.age_band_key
JOIN snowflake.dim_channel AS c ON c.channel_key = t.channel_key
JOIN snowflake.dim_channel_type AS ct ON ct.channel_type_key = c.channel_type_key
JOIN snowflake.dim_device AS dv ON dv.device_key = t.device_key
JOIN snowflake.dim_platform AS p ON p.platform_key = dv.platform_key
JOIN snowflake.dim_intent AS i ON i.intent_key = t.intent_key
JOIN snowflake.dim_intent_category AS ic ON ic.intent_category_key = i.intent_category_key
JOIN snowflake.dim_dialogue_act AS ua ON ua.act_key = t.user_act_key
JOIN snowflake.dim_dialogue_act AS ba ON ba.act_key = t.bot_act_key
GROUP BY
  y.year, q.quarter, r.region, a.age_band, ct.channel_type, p.platform,
  ic.intent_category, ua.act, ba.act, tm.day_part
ORDER BY year, quarter, region, age_band, channel_type, platform, intent_category, user_act, bot_act, day_part
