/**
 * `bookrun outbox …` as operators use it: list, release/resolve with clear errors, a relay started
 * without a receiver URL, and the receiver and relay as real processes that stop cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/index.ts';
import { runCli } from '../../support/cli.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { approveAll, seedDraftedItems, type DraftedWorld } from './seed.ts';

const BIN = new URL('../../../bin/bookrun.js', import.meta.url).pathname;

let db: TestDb;
let world: DraftedWorld;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 4, repCount: 1 });
  await approveAll(db.db, world.items);
});

afterAll(async () => {
  // Only processes this file started, by their own handle.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.drop();
});

function bookrun(args: string[], env: Record<string, string>): ChildProcess {
  // An explicit environment: nothing from the test runner (e.g. a stray BOOKRUN_FAULT_AT) leaks in.
  const child = spawn(process.execPath, [BIN, ...args], { env: { DATABASE_URL: db.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

describe('when an operator lists and settles outbox rows', () => {
  it('lists rows as one JSON object with counts per status', async () => {
    const run = await runCli(['outbox', 'list', '--json'], { DATABASE_URL: db.url });
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout[0] ?? '{}') as { rows: Array<{ status: string }>; counts: Record<string, number> };
    expect(list.rows).toHaveLength(8);
    expect(list.counts).toEqual({ pending: 8, sending: 0, delivered: 0, failed: 0, held: 0 });
    const held = await runCli(['outbox', 'list', '--status', 'held'], { DATABASE_URL: db.url });
    expect(held.stdout).toContain('no held rows');
  });

  it('releases and resolves held rows, and explains refusals', async () => {
    const [a, b] = await db.db.select({ id: outbox.id }).from(outbox).limit(2);
    if (!a || !b) throw new Error('rows expected');
    const notHeld = await runCli(['outbox', 'resolve', a.id], { DATABASE_URL: db.url });
    expect(notHeld.code).toBe(1);
    expect(notHeld.stderr.join('\n')).toContain('is pending; only held rows can be resolved');
    const badId = await runCli(['outbox', 'release', 'nope'], { DATABASE_URL: db.url });
    expect(badId.code).toBe(2);
    expect(badId.stderr.join('\n')).toContain('"nope" is not an outbox row id');

    await db.db.update(outbox).set({ status: 'held', lastError: 'test' }).where(eq(outbox.id, a.id));
    await db.db.update(outbox).set({ status: 'held', lastError: 'test' }).where(eq(outbox.id, b.id));
    const resolved = await runCli(['outbox', 'resolve', a.id, '--json', '--by', 'ops@example.test'], { DATABASE_URL: db.url });
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout[0] ?? '{}')).toMatchObject({ id: a.id, from: 'held', to: 'delivered' });
    const released = await runCli(['outbox', 'release', b.id], { DATABASE_URL: db.url });
    expect(released.code).toBe(0);
    expect(released.stdout[0]).toContain('held → pending');
  });

  it('refuses to start a relay without BOOKRUN_OUTBOX_URL, saying what to set', () => {
    const child = spawn(process.execPath, [BIN, 'outbox', 'relay'], { env: { DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('exit', (code) => {
        try {
          expect(code).toBe(2);
          expect(stderr).toContain('BOOKRUN_OUTBOX_URL is not set');
          resolve();
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  });
});

describe('when the receiver and the relay run as processes', () => {
  it('delivers every pending row once and both exit 0 on SIGTERM', async () => {
    const receiver = bookrun(['outbox', 'receiver', '--port', '0'], {});
    const [first] = (await once(createInterface({ input: receiver.stdout! }), 'line')) as [string];
    const match = /^bookrun outbox receiver listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
    expect(match).not.toBeNull();
    const url = match?.[1] ?? '';

    const relay = bookrun(['outbox', 'relay', '--poll-ms', '50', '--lease-ms', '2000'], { BOOKRUN_OUTBOX_URL: url });
    const pending = (await db.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))).length;
    expect(pending).toBeGreaterThan(0);
    const deadline = Date.now() + 20_000;
    let stats = { delivered: 0, received: 0 };
    while (Date.now() < deadline) {
      stats = (await (await fetch(`${url}/stats`)).json()) as typeof stats;
      if (stats.delivered >= pending) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stats).toMatchObject({ delivered: pending, received: pending });

    relay.kill('SIGTERM');
    receiver.kill('SIGTERM');
    const [[relayCode], [receiverCode]] = (await Promise.all([once(relay, 'exit'), once(receiver, 'exit')])) as [[number | null], [number | null]];
    expect(relayCode).toBe(0);
    expect(receiverCode).toBe(0);
  }, 40_000);
});
