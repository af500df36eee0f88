-- Escalation rate by the intent category of the session's goal: sessions, escalated sessions and their ratio.
SELECT
  c.intent_category,
  count(*) AS sessions,
  count(*) FILTER (WHERE s.escalated) AS escalated,
  CAST(count(*) FILTER (WHERE s.escalated) AS DOUBLE PRECISION) / count(*) AS escalation_rate
FROM snowflake.fact_session AS s
JOIN snowflake.dim_intent AS i ON i.intent_key = s.goal_intent_key
JOIN snowflake.dim_intent_category AS c ON c.intent_category_key = i.intent_category_key
GROUP BY c.intent_category
ORDER BY intent_category
