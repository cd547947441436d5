/** A generated 4,000-account book through the importer: every row accounted for, exactly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBook, writeGeneratedBook, type ImportReport, type WrittenBook } from '../../../src/book/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

let db: TestDb;
let dir: string;
let book: WrittenBook;
let report: ImportReport;

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'bookrun-generated-'));
  book = await writeGeneratedBook({ accounts: 4_000, seed: 1, out: join(dir, 'book.csv') });
  report = await importBook({ db: db.db, file: book.file, bookName: 'generated' });
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

describe('when a generated 4,000-account book is imported', () => {
  it('imports every valid account, quarantines exactly the invalid rows and merges the duplicates', () => {
    expect(book).toMatchObject({ accounts: 4_000, rows: 4_080, duplicates: 60, conflictingDuplicates: 30, invalidRows: 20 });
    expect(report).toMatchObject({
      rows: book.rows,
      imported: book.accounts,
      updated: 0,
      unchanged: 0,
      stale: 0,
      quarantined: book.invalidRows,
      duplicates: book.duplicates,
      conflicts: book.conflictingDuplicates,
    });
    expect(report.imported + report.quarantined + report.duplicates).toBe(report.rows);
  });

  it('writes one account per id, twelve owners and a quarantine row per invalid row', async () => {
    const [counts] = await db.sql`
      select (select count(*)::int from accounts) as accounts,
             (select count(distinct external_id)::int from accounts) as ids,
             (select count(*)::int from reps) as reps,
             (select count(*)::int from quarantined_rows where import_id = ${report.importId}) as quarantined,
             (select count(*)::int from accounts where conflicts <> '[]'::jsonb) as conflicted`;
    expect(counts).toEqual({ accounts: 4_000, ids: 4_000, reps: 12, quarantined: 20, conflicted: 30 });
  });

  it('records the import with every row accounted for', async () => {
    const [row] = await db.sql`select rows, imported, updated, unchanged, stale, duplicates, conflicts, quarantined from imports where id = ${report.importId}`;
    expect(row).toEqual({ rows: 4_080, imported: 4_000, updated: 0, unchanged: 0, stale: 0, duplicates: 60, conflicts: 30, quarantined: 20 });
  });

  it('reports each kind of planted problem with its column', () => {
    const columns = [...new Set(report.issues.map((i) => i.column))];
    expect(columns).toEqual(expect.arrayContaining(['Employees', 'Account Name', 'ARR (USD)', 'Last Modified', null]));
    expect(columns.some((c) => /^Contact [12] Email$/.test(c ?? ''))).toBe(true);
    const allowed = new Set(['Employees', 'Account Name', 'ARR (USD)', 'Last Modified', 'Contact 1 Email', 'Contact 2 Email', null]);
    expect(columns.filter((c) => !allowed.has(c))).toEqual([]);
  });

  it('finds nothing new when the same book is imported again', async () => {
    const again = await importBook({ db: db.db, file: book.file, bookName: 'generated' });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 4_000, quarantined: 20 });
  }, 60_000);
});
