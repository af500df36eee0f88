-- Satisfaction by the user's region: sessions, the sum of their satisfaction scores and its mean per session.
SELECT
  u.region,
  count(*) AS sessions,
  sum(s.satisfaction) AS satisfaction_sum,
  CAST(sum(s.satisfaction) AS DOUBLE PRECISION) / count(*) AS satisfaction_mean
FROM star.fact_session AS s
JOIN star.dim_user AS u ON u.user_key = s.user_key
GROUP BY u.region
ORDER BY region
