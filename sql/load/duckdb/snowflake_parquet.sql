-- Load the snowflake representation's Parquet files into DuckDB, after sql/schema/snowflake.sql.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.
INSERT INTO snowflake.dim_age_band BY NAME SELECT * FROM read_parquet('snowflake/dim_age_band.parquet');
INSERT INTO snowflake.dim_region BY NAME SELECT * FROM read_parquet('snowflake/dim_region.parquet');
INSERT INTO snowflake.dim_country BY NAME SELECT * FROM read_parquet('snowflake/dim_country.parquet');
INSERT INTO snowflake.dim_platform BY NAME SELECT * FROM read_parquet('snowflake/dim_platform.parquet');
INSERT INTO snowflake.dim_device BY NAME SELECT * FROM read_parquet('snowflake/dim_device.parquet');
INSERT INTO snowflake.dim_year BY NAME SELECT * FROM read_parquet('snowflake/dim_year.parquet');
INSERT INTO snowflake.dim_quarter BY NAME SELECT * FROM read_parquet('snowflake/dim_quarter.parquet');
INSERT INTO snowflake.dim_month BY NAME SELECT * FROM read_parquet('snowflake/dim_month.parquet');
INSERT INTO snowflake.dim_date BY NAME SELECT * FROM read_parquet('snowflake/dim_date.parquet');
INSERT INTO snowflake.dim_user BY NAME SELECT * FROM read_parquet('snowflake/dim_user.parquet');
INSERT INTO snowflake.dim_channel_type BY NAME SELECT * FROM read_parquet('snowflake/dim_channel_type.parquet');
INSERT INTO snowflake.dim_channel BY NAME SELECT * FROM read_parquet('snowflake/dim_channel.parquet');
INSERT INTO snowflake.dim_intent_category BY NAME SELECT * FROM read_parquet('snowflake/dim_intent_category.parquet');
INSERT INTO snowflake.dim_intent BY NAME SELECT * FROM read_parquet('snowflake/dim_intent.parquet');
INSERT INTO snowflake.dim_time BY NAME SELECT * FROM read_parquet('snowflake/dim_time.parquet');
INSERT INTO snowflake.fact_session BY NAME SELECT * FROM read_parquet('snowflake/fact_session.parquet');
INSERT INTO snowflake.dim_dialogue_act BY NAME SELECT * FROM read_parquet('snowflake/dim_dialogue_act.parquet');
INSERT INTO snowflake.fact_turn BY NAME SELECT * FROM read_parquet('snowflake/fact_turn.parquet');
