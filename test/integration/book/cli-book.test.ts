/** `bookrun book generate | import` through `main()`, against a real Postgres: output and exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../../src/cli/context.ts';
import { main } from '../../../src/cli/main.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

const FIXTURES = new URL('../../fixtures/books/', import.meta.url).pathname;
// The CLI reads DATABASE_URL through loadConfig(); this file points it at its own test database.
// eslint-disable-next-line no-restricted-syntax -- tests may set the environment the CLI reads
const env = process.env;

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  // loadConfig() reads the environment: point the CLI at this file's database.
  env['DATABASE_URL'] = db.url;
  dir = mkdtempSync(join(tmpdir(), 'bookrun-cli-book-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

async function run(...args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), untilSignal: () => new Promise(() => {}) };
  const code = await main(['node', 'bookrun', ...args], ctx);
  return { code, stdout, stderr };
}

describe('when running bookrun book generate', () => {
  it('writes the file and says what is in it', async () => {
    const out = join(dir, 'small.csv');
    const result = await run('book', 'generate', '--accounts', '200', '--seed', '3', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([`wrote 200 accounts to ${out} (204 rows: plus 3 duplicate rows and 1 broken row for import to merge and quarantine)`]);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^Account ID,Account Name,Website,/);
  });

  it('prints one JSON object with --json', async () => {
    const result = await run('book', 'generate', '--accounts', '10', '--out', join(dir, 'tiny.csv'), '--json');
    expect(result.stdout).toHaveLength(1);
    expect(JSON.parse(result.stdout[0] ?? '')).toMatchObject({ file: join(dir, 'tiny.csv'), accounts: 10, rows: 10, duplicates: 0, invalidRows: 0 });
  });

  it('exits 2 on a bad --accounts', async () => {
    const result = await run('book', 'generate', '--accounts', 'many', '--out', join(dir, 'x.csv'));
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toContain('--accounts must be a number');
  });
});

describe('when running bookrun book import', () => {
  it('prints exactly one JSON object in the contract shape with --json, and exits 0 despite quarantined rows', async () => {
    const result = await run('book', 'import', join(FIXTURES, 'messy-crm-export.csv'), '--book', 'cli', '--json');
    expect(result.code).toBe(0);
    expect(result.stdout).toHaveLength(1);
    const report = JSON.parse(result.stdout[0] ?? '');
    expect(report).toMatchObject({ book: 'cli', rows: 13, imported: 5, updated: 0, unchanged: 0, quarantined: 7, duplicates: 1, conflicts: 1 });
    expect(report.issues).toHaveLength(7);
    expect(report.issues[0]).toEqual({ line: 6, column: 'Employees', reason: '"lots" is not a number' });
    expect(result.stderr).toContain('ignored columns: Internal Score');
  });

  it('prints the quarantine table and a summary line for people', async () => {
    const result = await run('book', 'import', join(FIXTURES, 'messy-crm-export.csv'), '--book', 'cli');
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(/^line \| column\s+\| reason$/);
    expect(result.stdout.some((l) => /^\s+6 \| Employees\s+\| "lots" is not a number$/.test(l))).toBe(true);
    expect(result.stdout.at(-1)).toMatch(/^book cli: 13 rows from .*: 0 imported, 0 updated, 5 unchanged, 7 quarantined, 1 duplicate row merged \(1 account with conflicting values\) in [\d.]+ s$/);
  });

  it('imports a foreign export through --map', async () => {
    const result = await run('book', 'import', join(FIXTURES, 'org-export.csv'), '--book', 'orgs', '--map', join(FIXTURES, 'org-map.json'), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout[0] ?? '')).toMatchObject({ rows: 3, imported: 3, quarantined: 0 });
  });

  it('exits 2 naming the missing field and the headers found', async () => {
    const result = await run('book', 'import', join(FIXTURES, 'org-export.csv'), '--book', 'orgs');
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(/no column for required fields externalId .* and name .*; headers found: "Org #", "Org Name", "Headcount", "Owner Mail", "Tier"/);
    expect(result.stdout).toEqual([]);
  });

  it('exits 2 naming the map file and its bad key', async () => {
    const map = join(FIXTURES, 'bad-map.json');
    const result = await run('book', 'import', join(FIXTURES, 'org-export.csv'), '--book', 'orgs', '--map', map);
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toContain(`map file ${map} is invalid: key "columns.Org Name": "nmae" is not a bookrun field`);
  });

  it('exits 1 naming a file that does not exist', async () => {
    const result = await run('book', 'import', join(dir, 'missing.csv'), '--book', 'cli');
    expect(result.code).toBe(1);
    expect(result.stderr.join('\n')).toContain(`${join(dir, 'missing.csv')} not found`);
  });

  it('exits 1 and says to migrate when the database is not there', async () => {
    const url = new URL(db.url);
    url.pathname = '/bookrun_book_cli_absent';
    env['DATABASE_URL'] = url.toString();
    try {
      const result = await run('book', 'import', join(FIXTURES, 'org-export.csv'), '--book', 'orgs', '--map', join(FIXTURES, 'org-map.json'));
      expect(result.code).toBe(1);
      expect(result.stderr.join('\n')).toContain('run: bookrun db migrate');
    } finally {
      env['DATABASE_URL'] = db.url;
    }
  });
});
