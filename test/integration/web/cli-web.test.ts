/** `bookrun web` as a real process: the first stdout line, serving, help, usage errors, graceful shutdown. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../support/db.ts';

const BIN = new URL('../../../bin/bookrun.js', import.meta.url).pathname;
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});

afterAll(async () => {
  await db?.drop();
});

describe('when bookrun web runs as a process', () => {
  it('prints the listening line first, serves pages with a CSP, and exits 0 on SIGTERM', async () => {
    // `env` adds the test database to the inherited environment.
    const child = spawn('env', [`DATABASE_URL=${db.url}`, process.execPath, BIN, 'web', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const match = /^bookrun web listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      expect(match).not.toBeNull();
      const health = await fetch(`${match?.[1]}/healthz`);
      expect(health.status).toBe(200);
      const page = await fetch(`${match?.[1]}/`);
      expect(page.status).toBe(401);
      expect(page.headers.get('content-security-policy')).toContain("object-src 'none'");
      const css = await fetch(`${match?.[1]}/assets/app.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('explains itself in --help', () => {
    const out = spawnSync(process.execPath, [BIN, 'web', '--help'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    for (const text of ['--port', '--host', 'bookrun web listening on http://HOST:PORT', 'bookrun reps add', '/admin/queues']) expect(out.stdout).toContain(text);
  });

  it('exits 2 on a bad port', () => {
    const out = spawnSync(process.execPath, [BIN, 'web', '--port', '99999'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--port');
  });
});
