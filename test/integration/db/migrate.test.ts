import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { migrateDatabase } from '../../../db/migrate.ts';
import { books } from '../../../db/schema/index.ts';
import { BASE_DATABASE_URL, createTestDb, type TestDb } from '../../support/db.ts';

describe('db migrate', () => {
  const name = `bookrun_migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const url = Object.assign(new URL(BASE_DATABASE_URL), { pathname: `/${name}` }).toString();

  afterAll(async () => {
    const sql = postgres(Object.assign(new URL(BASE_DATABASE_URL), { pathname: '/postgres' }).toString(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.end();
  });

  it('creates a missing database, applies every migration, and is a no-op the second time', async () => {
    const first = await migrateDatabase(url);
    expect(first).toMatchObject({ database: name, created: true });
    expect(first.applied).toBeGreaterThan(0);
    expect(first.applied).toBe(first.total);
    const second = await migrateDatabase(url);
    expect(second).toMatchObject({ created: false, applied: 0, total: first.total });
  });

  it('survives concurrent migrations of the same database', async () => {
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    expect(results.every((r) => r.applied === 0)).toBe(true);
  });
});

describe('test databases', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db.drop());

  it('are migrated clones the schema can write to', async () => {
    const [row] = await db.db.insert(books).values({ name: 'east' }).returning();
    expect(row?.name).toBe('east');
  });
});
