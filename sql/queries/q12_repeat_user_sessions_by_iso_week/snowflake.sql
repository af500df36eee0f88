-- Repeat users (two or more sessions in the dataset): their sessions and distinct users per ISO week of the session start (UTC).
WITH repeat_users AS (
  SELECT user_key FROM snowflake.fact_session GROUP BY user_key HAVING count(*) >= 2
)
SELECT
  d.iso_week_year,
  d.iso_week,
  count(*) AS sessions,
  count(DISTINCT s.user_key) AS repeat_users
FROM snowflake.fact_session AS s
JOIN repeat_users AS r ON r.user_key = s.user_key
JOIN snowflake.dim_date AS d ON d.date_key = s.start_date_key
GROUP BY d.iso_week_year, d.iso_week
ORDER BY iso_week_year, iso_week
