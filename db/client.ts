/**
 * The Postgres connection: drizzle over postgres.js. `createDb(url)` is called once per process
 * by the entry point (src/deps.ts) and closed on shutdown.
 */
import { PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as tables from './schema/index.ts';

/** Every table, for drizzle's relational queries (non-table exports are ignored by drizzle). */
export const schema = tables;

export type Db = PostgresJsDatabase<typeof schema>;
/** A transaction handle; services accept `Db | Tx` so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  /** The raw postgres.js client, for COPY-free bulk SQL and LISTEN. */
  sql: postgres.Sql;
  close(): Promise<void>;
};

export type CreateDbOptions = {
  /** Pool size; size it for workers × concurrency. @defaultValue 20 */
  max?: number;
};

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 20,
    // Notices (e.g. "relation already exists, skipping") are noise on stderr.
    onnotice: () => {},
    // JIT compiles queries whose cost estimate crosses a threshold — a manager's whole-team queue
    // does — and costs 25–50 ms per query, far more than it saves on bookrun's short queries.
    connection: { application_name: 'bookrun', jit: 'off' },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/**
 * Fails with a message that says what to do when Postgres is down, the database is missing,
 * or it has not been migrated. Called by entry points before any work starts.
 */
export async function checkDatabase(handle: DbHandle, url: string): Promise<void> {
  const where = new URL(url);
  if (where.password) where.password = '***';
  try {
    await handle.sql`select 1 from runs limit 0`;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === '3D000' || code === '42P01')
      throw new Error(`the database at ${where.toString()} is not set up (${message}); run: bookrun db migrate`, { cause: error });
    throw new Error(`Postgres is not reachable at ${where.toString()} (${message}); start it with: bash scripts/services`, { cause: error });
  }
}

/**
 * Runs `fn` in a transaction: the caller's, when `db` already is one (no savepoint: a failure
 * aborts the caller's transaction, as it propagates anyway), or a new one. Saves two round trips
 * per call inside the run's finalize step.
 */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return fn(db);
  return db.transaction(fn);
}
