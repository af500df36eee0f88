-- Satisfaction by the user's region: sessions, the sum of their satisfaction scores and its mean per session.
SELECT
  r.region,
  count(*) AS sessions,
  sum(s.satisfaction) AS satisfaction_sum,
  CAST(sum(s.satisfaction) AS DOUBLE PRECISION) / count(*) AS satisfaction_mean
FROM snowflake.fact_session AS s
JOIN snowflake.dim_user AS u ON u.user_key = s.user_key
JOIN snowflake.dim_country AS c ON c.country_key = u.country_key
JOIN snowflake.dim_region AS r ON r.region_key = c.region_key
GROUP BY r.region
ORDER BY region
