/**
 * Load the star or snowflake representation of a dataset into PostgreSQL with the
 * repository's own scripts: `sql/schema/<rep>.sql`, then each `\copy` line of
 * `sql/load/postgres/<rep>.sql` run as `COPY ... FROM STDIN` with the file streamed
 * from the dataset folder — the same statements, options and order a user's
 * `psql -f` runs. PostgreSQL enforces every primary key, foreign key, NOT NULL and
 * type on the way in. The raw log loads into DuckDB only.
 *
 * @module
 */
import { open } from "node:fs/promises";
import { Socket } from "node:net";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres, { type Sql } from "postgres";
import { CheckFailure, UsageError } from "../errors.ts";
import { qualified, representationTables } from "./ddl.ts";
import { loadFailure, type LoadResult } from "./duckdb_load.ts";
import type { Representation } from "./representation.ts";
import { readSql } from "./sql_text.ts";

/** A PostgreSQL client (npm `postgres`), as {@link connectPostgres} opens it. */
export type { Sql };

/** The representations PostgreSQL loads: the CSV schemas. */
export type PostgresRepresentation = Exclude<Representation, "raw">;

/** Seconds to wait for a server to answer before giving up. */
const CONNECT_TIMEOUT_S = 5;

/**
 * A connection URL without its password, to name a server in a message.
 *
 * @param url A `postgres://user:password@host:port/database` URL.
 * @returns The URL with the password (and its `:`) removed; the text unchanged when it
 *   is not a URL.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * strictEqual(
 *   redactPassword("postgres://chatsynth:secret@127.0.0.1:5432/chatsynth"),
 *   "postgres://chatsynth@127.0.0.1:5432/chatsynth",
 * );
 * ```
 */
export function redactPassword(url: string): string {
  const password = urlPassword(url);
  if (password === undefined) return url;
  const scheme = url.indexOf("://") + 3;
  const at = url.lastIndexOf("@");
  const user = url.slice(scheme, at).split(":")[0];
  return `${url.slice(0, scheme)}${user}${url.slice(at)}`;
}

/**
 * The password of a connection URL as written (before any percent-decoding), or
 * undefined when there is none. The user information ends at the last `@`, since a
 * password may hold `@`, `/`, `#` or `?` that make the URL invalid.
 */
function urlPassword(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!m) return undefined;
  const at = url.lastIndexOf("@");
  if (at < m[0].length) return undefined;
  const info = url.slice(m[0].length, at);
  const colon = info.indexOf(":");
  return colon < 0 || colon === info.length - 1
    ? undefined
    : info.slice(colon + 1);
}

/** `text` with every occurrence of the URL's password (raw and decoded) masked. */
function maskPassword(text: string, url: string): string {
  const password = urlPassword(url);
  if (password === undefined) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch { /* not percent-encoded */ }
  let out = text;
  for (const p of new Set([password, decoded])) out = out.replaceAll(p, "***");
  return out;
}

/** The words of a driver or socket error, without a stack. */
function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const text = e.message.split("\n")[0].trim();
  if (
    typeof code === "string" && /^[A-Z_]+$/.test(code) && !text.includes(code)
  ) {
    return text === "" ? code : `${code} (${text})`;
  }
  return text === "" && typeof code === "string" ? code : text;
}

/** Where the driver would connect, as it passes its parsed options to `socket`. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * The client's socket, with Nagle's algorithm off. postgres 3.4.9 leaves it on, so
 * each small message that follows a write (a COPY's end, the next statement) waits
 * for the server's delayed acknowledgement, about 40 ms: a dozen small tables then
 * took a second to load instead of a tenth. Connects to the first host (or the Unix
 * socket `path`); the driver writes its startup message once connected, and still
 * applies its connect timeout.
 */
function socketWithoutDelay(target: SocketTarget): Socket {
  const socket = new Socket();
  socket.setNoDelay(true);
  if (target.path) socket.connect(target.path);
  else socket.connect(target.port[0], target.host[0]);
  return socket;
}

/**
 * Open a connection to a PostgreSQL server and check that it answers. The client is
 * quiet (server notices such as "schema does not exist, skipping" are dropped), uses
 * one connection (statements run in order on one session) with TCP_NODELAY, and
 * waits at most 5 s for the server. Of a URL listing several hosts only the first is
 * tried. Close it with `await sql.end()`.
 *
 * @param url A `postgres://user:password@host:port/database` URL.
 * @returns A connected client.
 * @throws {UsageError} When the URL is malformed or no server accepts it (refused,
 *   timed out, wrong password, unknown database): the message names the URL without
 *   its password and the reason, e.g. `Cannot connect to PostgreSQL at
 *   postgres://chatsynth@127.0.0.1:5432/chatsynth: ECONNREFUSED`.
 *
 * @example
 * Not run as a doc test: it needs a running PostgreSQL server.
 *
 * ```ts ignore
 * const sql = await connectPostgres("postgres://chatsynth:chatsynth@127.0.0.1:5432/chatsynth");
 * console.log(await postgresCollation(sql)); // "C"
 * await sql.end();
 * ```
 */
export async function connectPostgres(url: string): Promise<Sql> {
  const where = redactPassword(url);
  let sql: Sql;
  try {
    const options = {
      max: 1,
      onnotice: () => {},
      connect_timeout: CONNECT_TIMEOUT_S,
      // Read by the driver, missing from its type declarations.
      socket: socketWithoutDelay,
    } as postgres.Options<Record<string, never>>;
    sql = postgres(url, options);
  } catch (e) {
    throw new UsageError(
      `Cannot connect to PostgreSQL at ${where}: ${
        maskPassword(reason(e), url)
      }`,
    );
  }
  // The driver's own connect timeout does not end the first query when the host
  // never answers (e.g. a dropped SYN), so the wait is bounded here too.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_S} s`)),
      CONNECT_TIMEOUT_S * 1000,
    );
  });
  try {
    const probe = sql`SELECT 1`;
    probe.catch(() => {}); // settles after the race when the host is silent
    await Promise.race([probe, silent]);
  } catch (e) {
    sql.end({ timeout: 0 }).catch(() => {});
    throw new UsageError(
      `Cannot connect to PostgreSQL at ${where}: ${
        maskPassword(reason(e), url)
      }`,
    );
  } finally {
    clearTimeout(timer);
  }
  return sql;
}

/**
 * The collation of the connected database (`datcollate`, what `lc_collate` reports),
 * which decides the order of `ORDER BY` on text: byte order for `C` and `POSIX`
 * (`C.UTF-8` too), the same as DuckDB's; anything else sorts text differently, so a
 * comparison with DuckDB must then ignore row order.
 *
 * @param sql A connected client.
 * @returns E.g. "C", "C.UTF-8", "en_US.UTF-8"; "icu:en-US" for a database that sorts
 *   with an ICU locale (`LOCALE_PROVIDER icu`), whatever its `datcollate` says.
 *
 * @example
 * Not run as a doc test: it needs a running PostgreSQL server.
 *
 * ```ts ignore
 * ["C", "POSIX", "C.UTF-8"].includes(await postgresCollation(sql)); // byte order
 * ```
 */
export async function postgresCollation(sql: Sql): Promise<string> {
  // PostgreSQL 15 and 16 name the ICU locale daticulocale, 17 datlocale; the row as
  // JSON reads whichever exists. With the ICU provider, datcollate is not what sorts.
  const rows = await sql<
    { collation: string; provider: string; icu: string | null }[]
  >`
    SELECT datcollate AS collation, datlocprovider AS provider,
      coalesce(to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale') AS icu
    FROM pg_database AS d
    WHERE datname = current_database()`;
  const r = rows[0];
  return r.provider === "i" ? `icu:${r.icu}` : r.collation;
}

/** One `\copy` line of a psql load script. */
export interface CopyLine {
  /** Schema-qualified table, e.g. "star.dim_user". */
  table: string;
  /** Data file relative to the dataset folder, e.g. "star/dim_user.csv". */
  file: string;
  /** The text inside `WITH (...)`, e.g. "FORMAT csv, HEADER match". */
  options: string;
}

/**
 * The `\copy` meta-commands of a psql load script, in order; `--` comment lines and
 * blank lines skipped.
 *
 * @param text A script as `sql/load/postgres/<rep>.sql` holds.
 * @returns One entry per `\copy` line.
 * @throws {Error} On any other line (the script is generated: a broken checkout).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * deepStrictEqual(
 *   parseCopyScript(
 *     "-- star\n\\copy star.dim_user FROM 'star/dim_user.csv' WITH (FORMAT csv, HEADER match)\n",
 *   ),
 *   [{ table: "star.dim_user", file: "star/dim_user.csv", options: "FORMAT csv, HEADER match" }],
 * );
 * ```
 */
export function parseCopyScript(text: string): CopyLine[] {
  const out: CopyLine[] = [];
  for (const line of text.split("\n")) {
    if (/^\s*(--.*)?$/.test(line)) continue;
    const m = /^\\copy ([a-z_]+\.[a-z_]+) FROM '([^']+)' WITH \(([^)]*)\)\s*$/
      .exec(line);
    if (!m) throw new Error(`Not a \\copy line of a load script: ${line}`);
    out.push({ table: m[1], file: m[2], options: m[3] });
  }
  return out;
}

/** The message, detail and context of a PostgreSQL error, one per line. */
function serverMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const { detail, where } = e as { detail?: unknown; where?: unknown };
  return [e.message, detail, where].filter((s): s is string =>
    typeof s === "string" && s !== ""
  ).join("\n");
}

/**
 * Run `COPY ... FROM STDIN` and feed it a stream; settles when the server has
 * accepted or refused every row. The driver (postgres 3.4.9) resolves its writable's
 * end only on success: an error the server reports after the last row (a foreign key
 * is checked at the end of the statement) reaches only the query's own rejection,
 * never the stream (porsager/postgres issue 1173), so that rejection is watched too.
 */
async function copyIn(
  sql: Sql,
  statement: string,
  input: Readable,
): Promise<void> {
  const query = sql.unsafe(statement);
  const hooked = query as unknown as { reject: (e: unknown) => void };
  let refused: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => refused = reject);
  const reject = hooked.reject;
  hooked.reject = (e: unknown) => {
    refused(e);
    reject(e);
  };
  const copy = await query.writable();
  const fed = pipeline(input, copy);
  // Whichever loses the race settles unobserved (or never).
  fed.catch(() => {});
  failed.catch(() => {});
  await Promise.race([fed, failed]);
}

/**
 * Create the star or snowflake schema in PostgreSQL and load its CSV files from a
 * dataset folder: `DROP SCHEMA IF EXISTS <rep> CASCADE`, `sql/schema/<rep>.sql`, then
 * per `\copy` line of `sql/load/postgres/<rep>.sql` a `COPY <table> FROM STDIN WITH
 * (<options>)` fed from the file (`HEADER match`: PostgreSQL checks the header names).
 * Not in one transaction, as with psql: a failed load leaves the tables loaded so far.
 *
 * @param sql A client from {@link connectPostgres}.
 * @param datasetDir The dataset folder (holding `star/`, `snowflake/`).
 * @param rep "star" or "snowflake".
 * @returns Wall time of the DDL, every COPY and the closing ANALYZE (ms), and row counts per
 *   table.
 * @throws {CheckFailure} When a file is missing or unreadable, its header differs
 *   from the table's columns, or a row breaks a type, NOT NULL, primary key or foreign
 *   key: the message names the file, the table and, for a foreign key, the key, its
 *   value and the table it should be in, e.g. `Loading star/fact_turn.csv into
 *   star.fact_turn failed: intent_key 999 has no row in star.dim_intent (foreign key
 *   violated)`.
 * @throws {UsageError} When the server refuses to replace the schema (no CREATE
 *   privilege on the database, a read-only server), naming the schema and the reason.
 *
 * @example
 * Not run as a doc test: it needs a running PostgreSQL server.
 *
 * ```ts ignore
 * const sql = await connectPostgres("postgres://chatsynth:chatsynth@127.0.0.1:5432/chatsynth");
 * const r = await loadPostgres(sql, "output", "star");
 * console.log(r.ms, r.rows);
 * await sql.end();
 * ```
 */
export async function loadPostgres(
  sql: Sql,
  datasetDir: string,
  rep: PostgresRepresentation,
): Promise<LoadResult> {
  const tables = representationTables(rep);
  const copies = parseCopyScript(readSql(`load/postgres/${rep}.sql`));
  const steps = copies.map((c) => {
    const table = tables.find((t) => qualified(rep, t.name) === c.table);
    if (!table) {
      throw new Error(
        `sql/load/postgres/${rep}.sql loads ${c.table}, which is not in the ${rep} schema`,
      );
    }
    return { ...c, table };
  });
  if (steps.length !== tables.length) {
    throw new Error(
      `sql/load/postgres/${rep}.sql has ${steps.length} \\copy lines for ${tables.length} tables`,
    );
  }
  const started = performance.now();
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${rep} CASCADE`);
    await sql.unsafe(readSql(`schema/${rep}.sql`)).simple();
  } catch (e) {
    throw new UsageError(
      `Cannot create the ${rep} schema in PostgreSQL (sql/schema/${rep}.sql): ${
        reason(e)
      }`,
    );
  }
  for (const step of steps) {
    const path = `${datasetDir}/${step.file}`;
    let file;
    try {
      file = await open(path);
    } catch (e) {
      throw new CheckFailure(
        `Cannot load ${
          qualified(rep, step.table.name)
        }: cannot read "${path}" (${reason(e)})`,
      );
    }
    try {
      await copyIn(
        sql,
        `COPY ${
          qualified(rep, step.table.name)
        } FROM STDIN WITH (${step.options})`,
        file.createReadStream(),
      );
    } catch (e) {
      throw new CheckFailure(loadFailure(rep, step.table, serverMessage(e)));
    } finally {
      await file.close().catch(() => {});
    }
  }
  // Fresh tables have no planner statistics until autovacuum gets to them; ANALYZE
  // now, as part of the load, so the queries after it are planned on the real data.
  await sql.unsafe(
    `ANALYZE ${steps.map((s) => qualified(rep, s.table.name)).join(", ")}`,
  );
  const ms = performance.now() - started;
  const counts: { name: string; rows: number }[] = [];
  for (const step of steps) {
    const r = await sql.unsafe<{ n: string }[]>(
      `SELECT count(*) AS n FROM ${qualified(rep, step.table.name)}`,
    );
    counts.push({ name: step.table.name, rows: Number(r[0].n) });
  }
  return {
    representation: rep,
    encoding: "text",
    ms,
    rows: counts.reduce((a, t) => a + t.rows, 0),
    tables: counts,
  };
}
