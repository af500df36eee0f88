-- Top three turn intents per user country and month of the turn (UTC), ties kept (RANK).
WITH counts AS (
  SELECT
    user_country_code AS country_code,
    CAST(EXTRACT(year FROM user_ts AT TIME ZONE 'UTC') AS INTEGER) AS year,
    CAST(EXTRACT(month FROM user_ts AT TIME ZONE 'UTC') AS INTEGER) AS month,
    intent,
    count(*) AS turns
  FROM raw.turns
  GROUP BY 1, 2, 3, 4
),
ranked AS (
  SELECT
    country_code, year, month, intent, turns,
    RANK() OVER (PARTITION BY country_code, year, month ORDER BY turns DESC) AS intent_rank
  FROM counts
)
SELECT country_code, year, month, intent_rank, intent, turns
FROM ranked
WHERE intent_rank <= 3
ORDER BY country_code, year, month, intent_rank, intent
