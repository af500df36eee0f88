-- Escalation rate by the intent category of the session's goal: sessions, escalated sessions and their ratio.
SELECT
  i.intent_category,
  count(*) AS sessions,
  count(*) FILTER (WHERE s.escalated) AS escalated,
  CAST(count(*) FILTER (WHERE s.escalated) AS DOUBLE PRECISION) / count(*) AS escalation_rate
FROM star.fact_session AS s
JOIN star.dim_intent AS i ON i.intent_key = s.goal_intent_key
GROUP BY i.intent_category
ORDER BY intent_category
