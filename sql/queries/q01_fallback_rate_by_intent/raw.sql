-- Fallback rate by intent: turns, fallback turns and their ratio, per turn intent.
SELECT
  intent,
  count(*) AS turns,
  count(*) FILTER (WHERE is_fallback) AS fallbacks,
  CAST(count(*) FILTER (WHERE is_fallback) AS DOUBLE PRECISION) / count(*) AS fallback_rate
FROM raw.turns
GROUP BY intent
ORDER BY intent
