-- Monthly active users: distinct users with a session starting in the month (UTC), and those sessions.
SELECT
  CAST(EXTRACT(year FROM session_start AT TIME ZONE 'UTC') AS INTEGER) AS year,
  CAST(EXTRACT(month FROM session_start AT TIME ZONE 'UTC') AS INTEGER) AS month,
  count(DISTINCT user_id) AS active_users,
  count(*) AS sessions
FROM raw.turns
WHERE turn_number = 1 -- one line per session
GROUP BY 1, 2
ORDER BY year, month
