-- Resolution rate by the session's goal intent and channel: sessions, resolved sessions and their ratio.
SELECT
  i.intent_name AS goal_intent,
  c.channel_name AS channel,
  count(*) AS sessions,
  count(*) FILTER (WHERE s.resolved) AS resolved,
  CAST(count(*) FILTER (WHERE s.resolved) AS DOUBLE PRECISION) / count(*) AS resolution_rate
FROM snowflake.fact_session AS s
JOIN snowflake.dim_intent AS i ON i.intent_key = s.goal_intent_key
JOIN snowflake.dim_channel AS c ON c.channel_key = s.channel_key
GROUP BY i.intent_name, c.channel_name
ORDER BY goal_intent, channel
