/**
 * A fresh, migrated Postgres database per test file (openstatus ADR-0008: shared fixtures make CI
 * flaky). Databases are cloned from a template migrated once per migration set, which takes
 * milliseconds instead of re-running migrations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { createDb, type DbHandle } from '../../db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/migrate.ts';

export const BASE_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/bookrun';

/** Arbitrary constant: serialises template creation across parallel test files. */
const TEMPLATE_LOCK = 4_021_118;

function urlFor(name: string): string {
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function adminSql(): postgres.Sql {
  return postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function ensureTemplate(sql: postgres.Sql): Promise<string> {
  const name = `bookrun_tpl_${migrationsHash()}`;
  await sql`select pg_advisory_lock(${TEMPLATE_LOCK})`;
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) {
      const building = `${name}_building_${process.pid}`;
      await migrateDatabase(urlFor(building));
      await sql.unsafe(`alter database "${building}" rename to "${name}"`);
    }
  } finally {
    await sql`select pg_advisory_unlock(${TEMPLATE_LOCK})`;
  }
  return name;
}

export type TestDb = DbHandle & { url: string; name: string; drop(): Promise<void> };

/** Creates a migrated database for one test file; call `drop()` in `afterAll`. */
export async function createTestDb(): Promise<TestDb> {
  const admin = adminSql();
  const name = `bookrun_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  try {
    const template = await ensureTemplate(admin);
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = urlFor(name);
  const handle = createDb(url, { max: 10 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const sql = adminSql();
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
