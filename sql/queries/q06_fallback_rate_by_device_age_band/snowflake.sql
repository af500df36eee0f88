-- Fallback rate by device and the user's age band: turns, fallback turns and their ratio.
SELECT
  d.device_name AS device,
  a.age_band,
  count(*) AS turns,
  count(*) FILTER (WHERE t.is_fallback) AS fallbacks,
  CAST(count(*) FILTER (WHERE t.is_fallback) AS DOUBLE PRECISION) / count(*) AS fallback_rate
FROM snowflake.fact_turn AS t
JOIN snowflake.dim_device AS d ON d.device_key = t.device_key
JOIN snowflake.dim_user AS u ON u.user_key = t.user_key
JOIN snowflake.dim_age_band AS a ON a.age_band_key = u.age_band_key
GROUP BY d.device_name, a.age_band
ORDER BY device, age_band
