/** `importBook` against a real Postgres: quarantine, idempotence, updates, stale rows, duplicates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BookFileError, BookInputError, importBook, loadColumnMap, type ImportReport } from '../../../src/book/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

const FIXTURES = new URL('../../fixtures/books/', import.meta.url).pathname;
const MESSY = join(FIXTURES, 'messy-crm-export.csv');

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'bookrun-import-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

/** The messy fixture with some rows replaced, written next to the test's other files. */
function variant(name: string, replace: (text: string) => string): string {
  const file = join(dir, name);
  writeFileSync(file, replace(readFileSync(MESSY, 'utf8')));
  return file;
}

async function tableCounts(): Promise<Record<string, number>> {
  const [row] = await db.sql<Array<Record<string, number>>>`
    select (select count(*)::int from accounts) as accounts, (select count(*)::int from contacts) as contacts,
           (select count(*)::int from activities) as activities, (select count(*)::int from reps) as reps`;
  return row ?? {};
}

async function account(externalId: string) {
  const [row] = await db.sql<Array<Record<string, unknown>>>`
    select a.*, r.email as owner_email from accounts a left join reps r on r.id = a.owner_rep_id
    where a.external_id = ${externalId} and a.book_id = (select id from books where name = 'east')`;
  return row ?? {};
}

describe('when importing a messy CRM export (BOM, CRLF, quoted commas and newlines, UTF-8, broken rows)', () => {
  let report: ImportReport;
  beforeAll(async () => {
    report = await importBook({ db: db.db, file: MESSY, bookName: 'east' });
  });

  it('imports the good rows and accounts for every data row', () => {
    expect(report).toMatchObject({ book: 'east', rows: 13, imported: 5, updated: 0, unchanged: 0, stale: 0, quarantined: 7, duplicates: 1, conflicts: 1 });
    expect(report.imported + report.updated + report.unchanged + report.stale + report.quarantined + report.duplicates).toBe(report.rows);
    expect(report.ignoredColumns).toEqual(['Internal Score']);
  });

  it('reports each bad row with the line it starts on, the column as written, and why', () => {
    expect(report.issues).toEqual([
      { line: 6, column: 'Employees', reason: '"lots" is not a number' },
      { line: 7, column: 'Contact 2 Email', reason: '"bad@@evergreen.example" is not an email address' },
      { line: 8, column: 'Account Name', reason: 'account name is blank' },
      { line: 9, column: 'Annual Revenue', reason: '"-5000" cannot be negative' },
      { line: 10, column: null, reason: expect.stringMatching(/^row has 4 cells, the header has 20/) },
      { line: 12, column: null, reason: expect.stringContaining('" appears inside an unquoted cell') },
      { line: 16, column: 'Last Modified Date', reason: '"yesterday" is not a date (use YYYY-MM-DD)' },
    ]);
  });

  it('keeps the import and every quarantined row, with its cells, queryable', async () => {
    const [imp] = await db.sql`select * from imports where id = ${report.importId}`;
    expect(imp).toMatchObject({ file_name: 'messy-crm-export.csv', rows: 13, imported: 5, quarantined: 7 });
    expect(imp?.['finished_at']).not.toBeNull();
    const rows = await db.sql`select line, "column", reason, raw from quarantined_rows where import_id = ${report.importId} order by line`;
    expect(rows.map((r) => r['line'])).toEqual([6, 7, 8, 9, 10, 12, 16]);
    expect(rows[0]?.['raw']).toMatchObject({ 'Account ID': 'A-003', Employees: 'lots' });
    expect(typeof rows[5]?.['raw']).toBe('string');
  });

  it('stores values, owners, contacts and activities as the CRM stated them', async () => {
    const brightwater = await account('A-002');
    expect(brightwater).toMatchObject({ name: 'Brightwater Analytics GmbH', domain: 'brightwater.example', employees: 120_000, source_line: 3, owner_email: 'jonas.weber@seller.example' });
    expect(brightwater['notes']).toBe('Call notes:\n- Asked about SSO, SCIM\n- Wants a pilot');
    expect(await account('A-006')).toMatchObject({ name: '北京星河物流', arr_usd: 250_000 });
    expect(await account('A-007')).toMatchObject({ industry: null, arr_usd: null, owner_rep_id: null });
    const contacts = await db.sql`select c.name, c.key, c.do_not_contact from contacts c join accounts a on a.id = c.account_id where a.external_id in ('A-001', 'A-002') order by c.key`;
    expect(contacts.map((c) => [c['name'], c['key'], c['do_not_contact']])).toEqual([
      ['Åsa Lindqvist', 'asa@northwind.example', false],
      ['Jürgen Schäfer', 'juergen@brightwater.example', true],
      ['Zoë Müller', 'zoe.mueller@northwind.example', false],
    ]);
    expect(await tableCounts()).toEqual({ accounts: 5, contacts: 4, activities: 6, reps: 3 });
  });

  it('merges rows of one account: the newest wins, disagreements are recorded as conflicts', async () => {
    const northwind = await account('A-001');
    expect(northwind).toMatchObject({ name: 'Northwind Logistics, Inc.', employees: 1350, arr_usd: 1_200_000, source_line: 15, owner_email: 'maya.chen@seller.example' });
    expect(northwind['signals']).toEqual(['Hiring 12 dispatch planners', 'Opened an office in Austin']);
    expect(northwind['conflicts']).toEqual([{ field: 'employees', values: ['1200', '1350'], lines: [2, 15] }]);
  });
});

describe('when the same file is imported again', () => {
  it('changes nothing and duplicates nothing', async () => {
    const before = await tableCounts();
    const again = await importBook({ db: db.db, file: MESSY, bookName: 'east' });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 5, stale: 0, quarantined: 7 });
    expect(await tableCounts()).toEqual(before);
  });
});

describe('when a row changed in the CRM', () => {
  it('updates that account only', async () => {
    const file = variant('changed.csv', (t) => t.replace('evaluation,EMEA - DACH,Jonas Weber,jonas.weber@seller.example,2026-09-15', 'negotiation,EMEA - DACH,Jonas Weber,jonas.weber@seller.example,2026-10-30'));
    const report = await importBook({ db: db.db, file, bookName: 'east' });
    expect(report).toMatchObject({ imported: 0, updated: 1, unchanged: 4 });
    expect(await account('A-002')).toMatchObject({ stage: 'negotiation' });
  });

  it('counts a new contact or activity as an update', async () => {
    const file = variant('new-activity.csv', (t) => t.replace('2026-10-19 note: Legal review started', '2026-10-19 note: Legal review started | 2026-10-20 call: Agreed terms'));
    const report = await importBook({ db: db.db, file, bookName: 'east' });
    expect(report).toMatchObject({ updated: 1 });
  });
});

describe('when a row is older than what the book has', () => {
  it('is reported stale and does not overwrite newer values', async () => {
    const file = variant('stale.csv', (t) => t.replace('250000,negotiation,APAC,Daniel Okafor,daniel.okafor@seller.example,2026-10-20', '250000,closed lost,APAC,Daniel Okafor,daniel.okafor@seller.example,2026-01-01'));
    const report = await importBook({ db: db.db, file, bookName: 'east' });
    // too: the original file's A-002 row predates the change imported above.
    expect(report).toMatchObject({ stale: 2, updated: 0 });
    expect(await account('A-002')).toMatchObject({ stage: 'negotiation' });
    expect(await account('A-006')).toMatchObject({ stage: 'negotiation' });
  });
});

describe('when a file lacks some columns', () => {
  it('updates what it has and leaves the other columns alone', async () => {
    const file = join(dir, 'names-only.csv');
    writeFileSync(file, 'Account ID,Account Name\nA-006,Beijing Xinghe Logistics\n');
    const report = await importBook({ db: db.db, file, bookName: 'east' });
    expect(report).toMatchObject({ updated: 1 });
    expect(await account('A-006')).toMatchObject({ name: 'Beijing Xinghe Logistics', stage: 'negotiation', employees: 300, arr_usd: 250_000 });
  });
});

describe('when the headers need a map file', () => {
  it('imports through the map and upserts owners by lower-cased email', async () => {
    const mapping = await loadColumnMap(join(FIXTURES, 'org-map.json'));
    const report = await importBook({ db: db.db, file: join(FIXTURES, 'org-export.csv'), bookName: 'orgs', mapping });
    expect(report).toMatchObject({ rows: 3, imported: 3, quarantined: 0, ignoredColumns: ['Tier'] });
    const reps = await db.sql`select email from reps where email like 'pat.rep%'`;
    expect(reps.map((r) => r['email'])).toEqual(['pat.rep@seller.example']);
  });
});

describe('when the file cannot be used', () => {
  it('names a missing file', async () => {
    await expect(importBook({ db: db.db, file: join(dir, 'nope.csv'), bookName: 'east' })).rejects.toThrow(BookFileError);
  });

  it('refuses a file without a required column before writing anything', async () => {
    const file = join(dir, 'no-name.csv');
    writeFileSync(file, 'Account ID,Employees\nA-1,10\n');
    const before = await db.sql`select count(*)::int as n from imports`;
    await expect(importBook({ db: db.db, file, bookName: 'nothing' })).rejects.toThrow(BookInputError);
    const after = await db.sql`select count(*)::int as n from imports`;
    expect(after[0]?.['n']).toBe(before[0]?.['n']);
  });
});
