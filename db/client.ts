/**
 * The Postgres connection: drizzle over postgres.js. `createDb(url)` is called once per process
 * by the entry point (src/deps.ts) and closed on shutdown.
 */
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import {
  accountMemory,
  accounts,
  activities,
  artifacts,
  auditLog,
  books,
  contacts,
  imports,
  llmCalls,
  quarantinedRows,
  reps,
  reviewItems,
  runItems,
  runs,
  stepResults,
} from './schema/index.ts';

export const schema = {
  accountMemory,
  accounts,
  activities,
  artifacts,
  auditLog,
  books,
  contacts,
  imports,
  llmCalls,
  quarantinedRows,
  reps,
  reviewItems,
  runItems,
  runs,
  stepResults,
};

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
    connection: { application_name: 'bookrun' },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
