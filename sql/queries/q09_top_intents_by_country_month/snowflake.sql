-- Top three turn intents per user country and month of the turn (UTC), ties kept (RANK).
WITH counts AS (
  SELECT
    c.country_code,
    y.year,
    m.month,
    i.intent_name AS intent,
    count(*) AS turns
  FROM snowflake.fact_turn AS t
  JOIN snowflake.dim_user AS u ON u.user_key = t.user_key
  JOIN snowflake.dim_country AS c ON c.country_key = u.country_key
  JOIN snowflake.dim_date AS d ON d.date_key = t.date_key
  JOIN snowflake.dim_month AS m ON m.month_key = d.month_key
  JOIN snowflake.dim_quarter AS q ON q.quarter_key = m.quarter_key
  JOIN snowflake.dim_year AS y ON y.year_key = q.year_key
  JOIN snowflake.dim_intent AS i ON i.intent_key = t.intent_key
  GROUP BY c.country_code, y.year, m.month, i.intent_name
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
