-- Load the star representation into PostgreSQL, after sql/schema/star.sql:
-- psql -v ON_ERROR_STOP=1 -f <this file>, from the dataset folder.
-- Generated from lib/schema/tables.ts by `deno task sql`; do not edit.
\copy star.dim_user FROM 'star/dim_user.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_channel FROM 'star/dim_channel.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_device FROM 'star/dim_device.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_intent FROM 'star/dim_intent.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_date FROM 'star/dim_date.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_time FROM 'star/dim_time.csv' WITH (FORMAT csv, HEADER match)
\copy star.fact_session FROM 'star/fact_session.csv' WITH (FORMAT csv, HEADER match)
\copy star.dim_dialogue_act FROM 'star/dim_dialogue_act.csv' WITH (FORMAT csv, HEADER match)
\copy star.fact_turn FROM 'star/fact_turn.csv' WITH (FORMAT csv, HEADER match)
