/**
 * PostgreSQL for tests: the server URL (env `CHATSYNTH_POSTGRES_URL`), a one-line
 * reason to skip when no server answers, and a scratch database per test file so
 * that files running in parallel never share the `star` and `snowflake` schemas.
 */
import { connectPostgres } from "../lib/workload/postgres_load.ts";

/** The server tests use: env `CHATSYNTH_POSTGRES_URL`, or the local default. */
export const POSTGRES_URL = Deno.env.get("CHATSYNTH_POSTGRES_URL") ??
  "postgres://chatsynth:chatsynth@127.0.0.1:5432/chatsynth";

/**
 * Why PostgreSQL tests cannot run, or `undefined` when the server answers.
 *
 * @returns One line, e.g. `no PostgreSQL server: Cannot connect to PostgreSQL at
 *   postgres://chatsynth@127.0.0.1:5432/chatsynth: ECONNREFUSED ... (set
 *   CHATSYNTH_POSTGRES_URL)`.
 */
export async function postgresAvailable(
  url: string = POSTGRES_URL,
): Promise<string | undefined> {
  try {
    const sql = await connectPostgres(url);
    await sql.end();
    return undefined;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return `no PostgreSQL server: ${why} (set CHATSYNTH_POSTGRES_URL)`;
  }
}

/** Why `psql` cannot run, or `undefined` when it is on PATH. */
export function psqlAvailable(): string | undefined {
  try {
    const r = new Deno.Command("psql", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return r.success ? undefined : "psql --version failed";
  } catch {
    return "psql is not installed";
  }
}

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.href;
}

/**
 * Create the database `chatsynth_t_<name>` (from template0, C collation, UTF-8;
 * dropped first when an interrupted run left it), run `fn` with its URL, and drop it
 * afterwards, also when `fn` throws. `fn` must close its own connections first.
 *
 * @param name Lower-case letters, digits and `_`; unique per test file.
 * @param fn Receives the scratch database's URL.
 * @param url The server, as a role with the CREATEDB privilege.
 * @returns What `fn` returns.
 */
export async function withScratchDatabase<T>(
  name: string,
  fn: (url: string) => T | Promise<T>,
  url: string = POSTGRES_URL,
): Promise<T> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`Scratch database name "${name}" is not [a-z0-9_]+`);
  }
  const database = `chatsynth_t_${name}`;
  const admin = await connectPostgres(url);
  // Without FORCE, which would also need the right to end the server's own
  // autovacuum workers; DROP DATABASE ends those itself, other sessions make it fail.
  const drop = () => admin.unsafe(`DROP DATABASE IF EXISTS ${database}`);
  try {
    await drop();
    await admin.unsafe(
      `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    let result: T;
    try {
      result = await fn(withDatabase(url, database));
    } catch (e) {
      // fn's failure is the news; a drop refused because fn left a session open
      // is not.
      await drop().catch(() => {});
      throw e;
    }
    await drop();
    return result;
  } finally {
    await admin.end();
  }
}
