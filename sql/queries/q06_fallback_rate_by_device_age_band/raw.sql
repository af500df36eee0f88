-- Fallback rate by device and the user's age band: turns, fallback turns and their ratio.
SELECT
  user_device AS device,
  user_age_band AS age_band,
  count(*) AS turns,
  count(*) FILTER (WHERE is_fallback) AS fallbacks,
  CAST(count(*) FILTER (WHERE is_fallback) AS DOUBLE PRECISION) / count(*) AS fallback_rate
FROM raw.turns
GROUP BY user_device, user_age_band
ORDER BY device, age_band
