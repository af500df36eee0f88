-- Fallback rate by intent: turns, fallback turns and their ratio, per turn intent.
SELECT
  i.intent_name AS intent,
  count(*) AS turns,
  count(*) FILTER (WHERE t.is_fallback) AS fallbacks,
  CAST(count(*) FILTER (WHERE t.is_fallback) AS DOUBLE PRECISION) / count(*) AS fallback_rate
FROM star.fact_turn AS t
JOIN star.dim_intent AS i ON i.intent_key = t.intent_key
GROUP BY i.intent_name
ORDER BY intent
