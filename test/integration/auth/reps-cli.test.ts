/** `bookrun reps add | list`: the documented JSON shapes, idempotence per email, usage errors (exit 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

let db: TestDb;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDb();
  env = { DATABASE_URL: db.url, BOOKRUN_PUBLIC_URL: 'http://127.0.0.1:4399/' };
}, 60_000);
afterAll(async () => db?.drop());

describe('bookrun reps', () => {
  it('add prints {email, role, signInUrl}; again for the same email updates and gives a new link', async () => {
    const first = await runCli(['reps', 'add', '--email', 'Mia@Example.test', '--name', 'Mia', '--role', 'manager', '--tz', 'America/New_York', '--json'], env);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout[0] ?? '{}') as Record<string, unknown>;
    expect(a).toMatchObject({ email: 'mia@example.test', role: 'manager', timeZone: 'America/New_York', created: true });
    expect(a['signInUrl']).toMatch(/^http:\/\/127\.0\.0\.1:4399\/signin\?token=/);

    const second = await runCli(['reps', 'add', '--email', 'mia@example.test', '--name', 'Mia R', '--role', 'rep'], env);
    expect(second.code).toBe(0);
    expect(second.stdout[0]).toBe('updated rep Mia R <mia@example.test> (time zone America/New_York)');
    expect(second.stdout[2]).toMatch(/^ {2}http:\/\/127\.0\.0\.1:4399\/signin\?token=/);
    expect(second.stdout[2]).not.toContain(String(a['signInUrl']).split('token=')[1]);

    const list = await runCli(['reps', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout[0] ?? '{}')).toEqual({ reps: [{ email: 'mia@example.test', name: 'Mia R', role: 'rep', timeZone: 'America/New_York', accounts: 0, pending: 0, disabled: false }] });
  });

  it('says what is wrong with bad flags, with exit code 2', async () => {
    const role = await runCli(['reps', 'add', '--email', 'x@example.test', '--name', 'X', '--role', 'admin'], env);
    expect(role.code).toBe(2);
    expect(role.stderr.join('\n')).toContain('--role must be rep or manager, not "admin"');
    const tz = await runCli(['reps', 'add', '--email', 'x@example.test', '--name', 'X', '--role', 'rep', '--tz', 'Nowhere/Land'], env);
    expect(tz.code).toBe(2);
    expect(tz.stderr.join('\n')).toContain('--tz is not an IANA time zone');
    const email = await runCli(['reps', 'add', '--email', 'nope', '--name', 'X', '--role', 'rep'], env);
    expect(email.code).toBe(2);
    expect(email.stderr.join('\n')).toContain('--email is not an email address');
  });
});
