-- Sessions by ISO weekday and hour of the session start in UTC.
SELECT
  CAST(EXTRACT(isodow FROM session_start AT TIME ZONE 'UTC') AS INTEGER) AS iso_weekday,
  CAST(EXTRACT(hour FROM session_start AT TIME ZONE 'UTC') AS INTEGER) AS hour,
  count(*) AS sessions
FROM raw.turns
WHERE turn_number = 1 -- one line per session
GROUP BY 1, 2
ORDER BY iso_weekday, hour
