/**
 * `bookrun db migrate`: create the database if it is missing, then apply the committed drizzle-kit
 * migrations. Safe to run concurrently (an advisory lock serialises it) and repeatedly.
 */
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary constant: the advisory lock id that serialises migrations across processes. */
const MIGRATION_LOCK = 4_021_117;

export type MigrateResult = { database: string; created: boolean; applied: number; total: number };

/** The database name in a Postgres URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL has no database name: add one, e.g. /bookrun`);
  return name;
}

/** Creates the database named in `url` when it does not exist; returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length > 0) return false;
    try {
      await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function migrateDatabase(url: string): Promise<MigrateResult> {
  const created = await ensureDatabase(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    const before = await appliedCount(sql);
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    const total = await appliedCount(sql);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    return { database: databaseName(url), created, applied: total - before, total };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function appliedCount(sql: postgres.Sql): Promise<number> {
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from information_schema.tables
    where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`;
  if (!rows[0]?.n) return 0;
  const applied = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return applied[0]?.n ?? 0;
}
