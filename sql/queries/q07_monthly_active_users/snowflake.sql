-- Monthly active users: distinct users with a session starting in the month (UTC), and those sessions.
SELECT
  y.year,
  m.month,
  count(DISTINCT s.user_key) AS active_users,
  count(*) AS sessions
FROM snowflake.fact_session AS s
JOIN snowflake.dim_date AS d ON d.date_key = s.start_date_key
JOIN snowflake.dim_month AS m ON m.month_key = d.month_key
JOIN snowflake.dim_quarter AS q ON q.quarter_key = m.quarter_key
JOIN snowflake.dim_year AS y ON y.year_key = q.year_key
GROUP BY y.year, m.month
ORDER BY year, month
