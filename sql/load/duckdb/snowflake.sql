-- Load the snowflake representation into DuckDB, after sql/schema/snowflake.sql.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.
COPY snowflake.dim_age_band FROM 'snowflake/dim_age_band.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_region FROM 'snowflake/dim_region.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_country FROM 'snowflake/dim_country.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_platform FROM 'snowflake/dim_platform.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_device FROM 'snowflake/dim_device.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_year FROM 'snowflake/dim_year.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_quarter FROM 'snowflake/dim_quarter.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_month FROM 'snowflake/dim_month.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_date FROM 'snowflake/dim_date.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_user FROM 'snowflake/dim_user.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_channel_type FROM 'snowflake/dim_channel_type.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_channel FROM 'snowflake/dim_channel.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_intent_category FROM 'snowflake/dim_intent_category.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_intent FROM 'snowflake/dim_intent.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_time FROM 'snowflake/dim_time.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.fact_session FROM 'snowflake/fact_session.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.dim_dialogue_act FROM 'snowflake/dim_dialogue_act.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY snowflake.fact_turn FROM 'snowflake/fact_turn.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
