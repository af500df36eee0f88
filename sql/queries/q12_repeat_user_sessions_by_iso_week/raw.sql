-- Repeat users (two or more sessions in the dataset): their sessions and distinct users per ISO week of the session start (UTC).
WITH sessions AS (
  SELECT user_id, session_start
  FROM raw.turns
  WHERE turn_number = 1 -- one line per session
),
repeat_users AS (
  SELECT user_id FROM sessions GROUP BY user_id HAVING count(*) >= 2
)
SELECT
  CAST(EXTRACT(isoyear FROM s.session_start AT TIME ZONE 'UTC') AS INTEGER) AS iso_week_year,
  CAST(EXTRACT(week FROM s.session_start AT TIME ZONE 'UTC') AS INTEGER) AS iso_week,
  count(*) AS sessions,
  count(DISTINCT s.user_id) AS repeat_users
FROM sessions AS s
JOIN repeat_users AS r ON r.user_id = s.user_id
GROUP BY 1, 2
ORDER BY iso_week_year, iso_week
