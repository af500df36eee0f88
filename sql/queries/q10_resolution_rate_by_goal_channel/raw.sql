-- Resolution rate by the session's goal intent and channel: sessions, resolved sessions and their ratio.
SELECT
  session_goal AS goal_intent,
  channel,
  count(*) AS sessions,
  count(*) FILTER (WHERE session_resolved) AS resolved,
  CAST(count(*) FILTER (WHERE session_resolved) AS DOUBLE PRECISION) / count(*) AS resolution_rate
FROM raw.turns
WHERE turn_number = 1 -- one line per session
GROUP BY session_goal, channel
ORDER BY goal_intent, channel
