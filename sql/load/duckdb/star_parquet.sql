-- Load the star representation's Parquet files into DuckDB, after sql/schema/star.sql.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.
INSERT INTO star.dim_user BY NAME SELECT * FROM read_parquet('star/dim_user.parquet');
INSERT INTO star.dim_channel BY NAME SELECT * FROM read_parquet('star/dim_channel.parquet');
INSERT INTO star.dim_device BY NAME SELECT * FROM read_parquet('star/dim_device.parquet');
INSERT INTO star.dim_intent BY NAME SELECT * FROM read_parquet('star/dim_intent.parquet');
INSERT INTO star.dim_date BY NAME SELECT * FROM read_parquet('star/dim_date.parquet');
INSERT INTO star.dim_time BY NAME SELECT * FROM read_parquet('star/dim_time.parquet');
INSERT INTO star.fact_session BY NAME SELECT * FROM read_parquet('star/fact_session.parquet');
INSERT INTO star.dim_dialogue_act BY NAME SELECT * FROM read_parquet('star/dim_dialogue_act.parquet');
INSERT INTO star.fact_turn BY NAME SELECT * FROM read_parquet('star/fact_turn.parquet');
