-- Sessions by ISO weekday and hour of the session start in the user's local time.
SELECT
  CAST(EXTRACT(isodow FROM session_start_local) AS INTEGER) AS iso_weekday,
  CAST(EXTRACT(hour FROM session_start_local) AS INTEGER) AS hour,
  count(*) AS sessions
FROM raw.turns
WHERE turn_number = 1 -- one line per session, session_start_local is a wall-clock TIMESTAMP
GROUP BY 1, 2
ORDER BY iso_weekday, hour
