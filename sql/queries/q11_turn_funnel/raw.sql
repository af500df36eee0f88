-- Turn funnel: per turn number, the sessions that reached it and those that ended there resolved, escalated or otherwise.
SELECT
  turn_number,
  count(*) AS sessions_reached,
  count(*) FILTER (WHERE turn_number = session_turns) AS sessions_ended,
  count(*) FILTER (WHERE turn_number = session_turns AND session_resolved) AS ended_resolved,
  count(*) FILTER (WHERE turn_number = session_turns AND session_escalated) AS ended_escalated,
  count(*) FILTER (
    WHERE turn_number = session_turns AND NOT session_resolved AND NOT session_escalated
  ) AS ended_other
FROM raw.turns -- one line per session and turn number: no deduplication needed
GROUP BY turn_number
ORDER BY turn_number
