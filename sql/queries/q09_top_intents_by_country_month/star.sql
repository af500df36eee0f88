-- Top three turn intents per user country and month of the turn (UTC), ties kept (RANK).
WITH counts AS (
  SELECT
    u.country_code,
    d.year,
    d.month,
    i.intent_name AS intent,
    count(*) AS turns
  FROM star.fact_turn AS t
  JOIN star.dim_user AS u ON u.user_key = t.user_key
  JOIN star.dim_date AS d ON d.date_key = t.date_key
  JOIN star.dim_intent AS i ON i.intent_key = t.intent_key
  GROUP BY u.country_code, d.year, d.month, i.intent_name
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
