-- Escalation rate by the intent category of the session's goal: sessions, escalated sessions and their ratio.
WITH category AS (
  -- intent -> intent_category, from the pairs the log holds
  SELECT DISTINCT intent, intent_category FROM raw.turns
)
SELECT
  c.intent_category,
  count(*) AS sessions,
  count(*) FILTER (WHERE t.session_escalated) AS escalated,
  CAST(count(*) FILTER (WHERE t.session_escalated) AS DOUBLE PRECISION) / count(*) AS escalation_rate
FROM raw.turns AS t
JOIN category AS c ON c.intent = t.session_goal
WHERE t.turn_number = 1 -- one line per session
GROUP BY c.intent_category
ORDER BY intent_category
