-- Monthly active users: distinct users with a session starting in the month (UTC), and those sessions.
SELECT
  d.year,
  d.month,
  count(DISTINCT s.user_key) AS active_users,
  count(*) AS sessions
FROM star.fact_session AS s
JOIN star.dim_date AS d ON d.date_key = s.start_date_key
GROUP BY d.year, d.month
ORDER BY year, month
