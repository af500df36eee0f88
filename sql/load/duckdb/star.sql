-- Load the star representation into DuckDB, after sql/schema/star.sql.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.
COPY star.dim_user FROM 'star/dim_user.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_channel FROM 'star/dim_channel.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_device FROM 'star/dim_device.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_intent FROM 'star/dim_intent.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_date FROM 'star/dim_date.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_time FROM 'star/dim_time.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.fact_session FROM 'star/fact_session.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.dim_dialogue_act FROM 'star/dim_dialogue_act.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
COPY star.fact_turn FROM 'star/fact_turn.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
