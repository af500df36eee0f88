-- Load the raw representation's Parquet files into DuckDB, after sql/schema/raw.sql.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
-- Paths are relative to the dataset folder: run from there, or SET file_search_path to it.
INSERT INTO raw.turns BY NAME SELECT * FROM read_parquet('raw/turns.parquet');
