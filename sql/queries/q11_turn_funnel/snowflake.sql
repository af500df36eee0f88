-- Turn funnel: per turn number, the sessions that reached it and those that ended there resolved, escalated or otherwise.
SELECT
  t.turn_number,
  count(*) AS sessions_reached,
  count(*) FILTER (WHERE t.turn_number = s.turn_count) AS sessions_ended,
  count(*) FILTER (WHERE t.turn_number = s.turn_count AND s.resolved) AS ended_resolved,
  count(*) FILTER (WHERE t.turn_number = s.turn_count AND s.escalated) AS ended_escalated,
  count(*) FILTER (
    WHERE t.turn_number = s.turn_count AND NOT s.resolved AND NOT s.escalated
  ) AS ended_other
FROM snowflake.fact_turn AS t
JOIN snowflake.fact_session AS s ON s.session_key = t.session_key
GROUP BY t.turn_number
ORDER BY turn_number
