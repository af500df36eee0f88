-- Sessions by ISO weekday and hour of the session start in UTC.
SELECT
  d.iso_weekday,
  tm.hour,
  count(*) AS sessions
FROM star.fact_session AS s
JOIN star.dim_date AS d ON d.date_key = s.start_date_key
JOIN star.dim_time AS tm ON tm.time_key = s.start_time_key
GROUP BY d.iso_weekday, tm.hour
ORDER BY iso_weekday, hour
