-- Fallback rate by device and the user's age band: turns, fallback turns and their ratio.
SELECT
  d.device_name AS device,
  u.age_band,
  count(*) AS turns,
  count(*) FILTER (WHERE t.is_fallback) AS fallbacks,
  CAST(count(*) FILTER (WHERE t.is_fallback) AS DOUBLE PRECISION) / count(*) AS fallback_rate
FROM star.fact_turn AS t
JOIN star.dim_device AS d ON d.device_key = t.device_key
JOIN star.dim_user AS u ON u.user_key = t.user_key
GROUP BY d.device_name, u.age_band
ORDER BY device, age_band
