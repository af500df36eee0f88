-- Satisfaction by the user's region: sessions, the sum of their satisfaction scores and its mean per session.
SELECT
  user_region AS region,
  count(*) AS sessions,
  sum(session_satisfaction) AS satisfaction_sum,
  CAST(sum(session_satisfaction) AS DOUBLE PRECISION) / count(*) AS satisfaction_mean
FROM raw.turns
WHERE turn_number = 1 -- one line per session (every line repeats the session's score)
GROUP BY user_region
ORDER BY region
