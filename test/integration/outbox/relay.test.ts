/**
 * The relay against the real reference receiver on loopback and a real database: one delivery per
 * row, definite failures retried, uncertain outcomes settled by asking the receiver (never by
 * re-sending on a guess), and held rows left to a human.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../../db/schema/index.ts';
import { AppError } from '../../../src/errors.ts';
import { claimDue, claimExpired, postDelivery, releaseHeld, resolveHeld, startReceiver, startRelay, type Receiver, type Relay, type StartRelayArgs } from '../../../src/outbox/index.ts';
import { markDelivered } from '../../../src/outbox/transitions.ts';
import { DeliveryBody } from '../../../src/outbox/payloads.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { approveAll, seedDraftedItems, type DraftedWorld } from './seed.ts';

let db: TestDb;
let world: DraftedWorld;
let next = 0;
const open: Array<{ close(): Promise<void> } | Relay> = [];
const logs: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 60, repCount: 3 });
});

afterEach(async () => {
  for (const thing of open.splice(0)) await ('stop' in thing ? thing.stop() : thing.close());
  // Each test starts from an empty outbox; the items it approved stay decided.
  await db.db.delete(outbox);
  logs.length = 0;
});

afterAll(async () => db?.drop());

/** Approves the next `n` items; returns their outbox keys (two per item). */
async function approve(n: number): Promise<string[]> {
  const items = world.items.slice(next, next + n);
  next += n;
  if (items.length < n) throw new Error('seed more items');
  return approveAll(db.db, items);
}

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  open.push(r);
  return r;
}

function relay(url: string, extra: Partial<StartRelayArgs> = {}): Relay {
  const r = startRelay({ db: db.db, outbox: { url, token: undefined }, log: { info: (l) => logs.push(l), warn: (l) => logs.push(l) }, loop: false, retryBaseMs: 0, leaseMs: 2_000, ...extra });
  open.push(r);
  return r;
}

async function rows() {
  return db.db.select().from(outbox).orderBy(outbox.idempotencyKey);
}

async function statuses(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await rows()) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe('when the receiver is healthy', () => {
  it('delivers every row exactly once and then has nothing to do', async () => {
    const keys = await approve(5);
    const rx = await receiver();
    const rl = relay(rx.url);
    const first = await rl.drainOnce();
    expect(first).toMatchObject({ claimed: 10, delivered: 10, retried: 0, failed: 0, held: 0 });
    expect(await rl.drainOnce()).toMatchObject({ claimed: 0, recovered: 0 });
    expect(rx.stats({ keys: true })).toMatchObject({ delivered: 10, received: 10, duplicates: 0 });
    expect(Object.keys(rx.stats({ keys: true }).byKey ?? {}).sort()).toEqual([...keys].sort());
    expect(await statuses()).toEqual({ delivered: 10 });
    for (const r of await rows()) expect(r).toMatchObject({ attempts: 1, leaseUntil: null, lastError: null });
    // What arrived is what was approved, byte for byte.
    const stored = new Map((await rows()).map((r) => [r.idempotencyKey, r.payload]));
    for (const d of rx.deliveries()) expect(d.payload).toEqual(stored.get(d.idempotencyKey));
  });

  it('shares the outbox between two relays without sending any row twice', async () => {
    await approve(10);
    const rx = await receiver();
    const a = relay(rx.url, { batchSize: 3, concurrency: 2 });
    const b = relay(rx.url, { batchSize: 3, concurrency: 2 });
    for (let i = 0; i < 10; i++) await Promise.all([a.drainOnce(), b.drainOnce()]);
    expect(await statuses()).toEqual({ delivered: 20 });
    expect(rx.stats()).toMatchObject({ delivered: 20, received: 20, duplicates: 0 });
  });

  it('on stop, finishes the delivery in flight and returns unstarted claims to pending, attempt uncounted', async () => {
    await approve(2);
    const rx = await receiver({ faults: { answerDelayMs: 300 } });
    const rl = relay(rx.url, { concurrency: 1 });
    const pass = rl.drainOnce();
    await new Promise((r) => setTimeout(r, 100));
    await rl.stop();
    expect(await pass).toMatchObject({ claimed: 4, delivered: 1, released: 3 });
    expect(await statuses()).toEqual({ delivered: 1, pending: 3 });
    for (const r of (await rows()).filter((x) => x.status === 'pending')) expect(r).toMatchObject({ attempts: 0, leaseUntil: null });
    expect(rx.stats()).toMatchObject({ received: 1 });
  });

  it('runs as a loop and stops cleanly', async () => {
    await approve(2);
    const rx = await receiver();
    const rl = startRelay({ db: db.db, outbox: { url: rx.url, token: undefined }, log: { info: () => {}, warn: () => {} }, pollMs: 20 });
    const deadline = Date.now() + 10_000;
    while ((await statuses())['delivered'] !== 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await rl.stop();
    await rl.stop();
    expect(rx.stats()).toMatchObject({ delivered: 4, received: 4 });
  });
});

describe('when the receiver fails with 5xx and then recovers', () => {
  it('asks before re-sending, retries with backoff, and delivers each key once', async () => {
    await approve(3);
    const rx = await receiver({ faults: { failNext: 4, failStatus: 503 } });
    const rl = relay(rx.url, { concurrency: 1, retryBaseMs: 60_000 });
    const first = await rl.drainOnce();
    expect(first).toMatchObject({ delivered: 2, retried: 4 });
    const waiting = (await rows()).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(4);
    for (const r of waiting) {
      expect(r.lastError).toContain('receiver answered 503');
      expect(r.lastError).toContain('confirmed it does not have the key');
      expect(r.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    }
    // Not due yet: nothing is sent.
    expect(await rl.drainOnce()).toMatchObject({ claimed: 0 });
    await db.db.update(outbox).set({ nextAttemptAt: sql`now()` }).where(eq(outbox.status, 'pending'));
    expect(await rl.drainOnce()).toMatchObject({ delivered: 4 });
    expect(await statuses()).toEqual({ delivered: 6 });
    expect(rx.stats()).toMatchObject({ delivered: 6, received: 10, duplicates: 0, refused: 4 });
  });

  it('backs off after a refused connection (nothing was sent) without holding the row', async () => {
    await approve(1);
    const rx = await receiver();
    const url = rx.url;
    await rx.close();
    open.pop();
    const rl = relay(url, { retryBaseMs: 1_000 });
    expect(await rl.drainOnce()).toMatchObject({ retried: 2, held: 0 });
    for (const r of await rows()) {
      expect(r.status).toBe('pending');
      expect(r.lastError).toContain('ECONNREFUSED');
      expect(r.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 500);
    }
  });
});

describe('when a delivery arrives but its answer is lost', () => {
  it('asks the receiver, which has it, and records it delivered without sending again', async () => {
    await approve(3);
    const rx = await receiver({ faults: { dropAfterCommit: 3 } });
    const rl = relay(rx.url, { concurrency: 1 });
    expect(await rl.drainOnce()).toMatchObject({ delivered: 6, retried: 0, held: 0 });
    const byKey = rx.stats({ keys: true }).byKey ?? {};
    expect(Object.values(byKey)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(rx.stats()).toMatchObject({ delivered: 6, received: 6, duplicates: 0 });
    expect(logs.filter((l) => l.includes('confirmed it has the key'))).toHaveLength(3);
  });

  it('treats an answer later than the timeout the same way', async () => {
    await approve(1);
    const rx = await receiver({ faults: { answerDelayMs: 1_500 } });
    const rl = relay(rx.url, { requestTimeoutMs: 300, concurrency: 2 });
    expect(await rl.drainOnce()).toMatchObject({ delivered: 2 });
    expect(rx.stats()).toMatchObject({ delivered: 2, received: 2 });
    for (const r of await rows()) expect(r.attempts).toBe(1);
  });

  it('holds the row for a human when the receiver cannot answer lookups, and never re-sends it', async () => {
    await approve(1);
    const rx = await receiver({ faults: { dropAfterCommit: 1, lookup: false } });
    const rl = relay(rx.url, { concurrency: 1 });
    expect(await rl.drainOnce()).toMatchObject({ delivered: 1, held: 1 });
    const [held] = (await rows()).filter((r) => r.status === 'held');
    expect(held?.lastError).toContain('outcome unknown');
    expect(held?.lastError).toContain('lookup answered 501');
    expect(held?.lastError).toContain(`bookrun outbox release ${held?.id}`);
    await db.db.update(outbox).set({ nextAttemptAt: sql`now()` });
    expect(await rl.drainOnce()).toMatchObject({ claimed: 0, recovered: 0 });
    expect(rx.stats()).toMatchObject({ received: 2 });
  });

  it('holds the row when the receiver went away between the send and the lookup', async () => {
    await approve(1);
    const rx = await receiver();
    // The POST reaches the receiver and is applied; then the receiver dies before answering.
    const dying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === 'POST') {
        await rx.close();
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      }
      return res;
    };
    const rl = relay(rx.url, { fetch: dying, concurrency: 1, batchSize: 1 });
    expect(await rl.drainOnce()).toMatchObject({ held: 1 });
    const [held] = (await rows()).filter((r) => r.status === 'held');
    expect(held?.lastError).toContain('connection failed mid-request (ECONNRESET)');
    expect(held?.lastError).toContain('lookup failed (ECONNREFUSED)');
    expect(rx.stats()).toMatchObject({ delivered: 1, received: 1 });
  });
});

describe('when a relay died mid-delivery (expired lease)', () => {
  it('settles each row by asking the receiver: sent ones are delivered, unsent ones sent once', async () => {
    await approve(2);
    const rx = await receiver();
    // A relay claims all four rows, sends two, and dies.
    const claimed = await claimDue(db.db, { limit: 10, leaseMs: 200 });
    expect(claimed).toHaveLength(4);
    for (const row of claimed.slice(0, 2)) {
      const outcome = await postDelivery({ url: rx.url, token: undefined, timeoutMs: 1_000 }, DeliveryBody.parse({ idempotencyKey: row.idempotencyKey, kind: row.kind, payload: row.payload }));
      expect(outcome.kind).toBe('delivered');
    }
    const rl = relay(rx.url, { leaseMs: 2_000 });
    expect(await rl.drainOnce()).toMatchObject({ recovered: 0, claimed: 0 }); // leases still running
    await new Promise((r) => setTimeout(r, 300));
    // Two confirmed by lookup; two confirmed absent, due at once (retryBaseMs 0) and sent in the same pass.
    expect(await rl.drainOnce()).toMatchObject({ recovered: 4, retried: 2, claimed: 2, delivered: 4 });
    expect(await rl.drainOnce()).toMatchObject({ recovered: 0, claimed: 0 });
    expect(await statuses()).toEqual({ delivered: 4 });
    expect(Object.values(rx.stats({ keys: true }).byKey ?? {})).toEqual([1, 1, 1, 1]);
  });

  it('claims no more than the limit, however many rows are due (regression: a semi-join re-scan claimed all)', async () => {
    await approve(6);
    expect(await claimDue(db.db, { limit: 3, leaseMs: 100 })).toHaveLength(3);
    expect(await claimDue(db.db, { limit: 4, leaseMs: 100 })).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 150));
    expect(await claimExpired(db.db, { limit: 5, leaseMs: 5_000 })).toHaveLength(5);
  });

  it('fences out the relay that lost its lease: its late write changes nothing', async () => {
    await approve(1);
    const [mine] = await claimDue(db.db, { limit: 1, leaseMs: 100 });
    if (!mine) throw new Error('nothing claimed');
    await new Promise((r) => setTimeout(r, 150));
    const [theirs] = await claimExpired(db.db, { limit: 1, leaseMs: 5_000 });
    expect(theirs?.attempts).toBe(mine.attempts + 1);
    expect(await markDelivered(db.db, { id: mine.id, attempts: mine.attempts })).toBe(false);
    expect(await markDelivered(db.db, { id: mine.id, attempts: mine.attempts + 1 })).toBe(true);
  });
});

describe('when the receiver refuses a delivery for good', () => {
  it('fails the row with the reason and never puts the token in last_error or logs', async () => {
    await approve(1);
    const secret = 'sk-outbox-very-secret-123';
    const rx = await receiver({ token: 'the-right-token' });
    const rl = relay(rx.url, { outbox: { url: rx.url, token: secret } });
    expect(await rl.drainOnce()).toMatchObject({ failed: 2 });
    for (const r of await rows()) {
      expect(r.status).toBe('failed');
      expect(r.lastError).toContain('receiver refused it (401)');
      expect(r.lastError).not.toContain(secret);
    }
    expect(logs.join('\n')).not.toContain(secret);
    expect(rx.stats()).toMatchObject({ delivered: 0, refused: 2 });

    // After the token is fixed, an operator releases the failed rows and they go out.
    const fixed = relay(rx.url, { outbox: { url: rx.url, token: 'the-right-token' } });
    for (const r of await rows()) await releaseHeld(db.db, { id: r.id, actor: 'ops@example.test', note: 'token rotated' });
    expect(await fixed.drainOnce()).toMatchObject({ delivered: 2 });
  });
});

describe('when a human settles a held row', () => {
  async function holdTwo(): Promise<string[]> {
    await approve(1);
    const rx = await receiver({ faults: { dropAfterCommit: 1, lookup: false, failNext: 0 } });
    const rl = relay(rx.url, { concurrency: 1 });
    // The first row is applied and held (answer lost, lookup impossible); hold the second by hand.
    await rl.drainOnce();
    const all = await rows();
    await db.db.update(outbox).set({ status: 'held', lastError: 'held for the test' }).where(inArray(outbox.id, all.map((r) => r.id)));
    return all.map((r) => r.id);
  }

  it('resolve marks it delivered (never sent again) and release sends it on the next pass', async () => {
    const [a, b] = await holdTwo();
    if (!a || !b) throw new Error('two rows expected');
    const resolved = await resolveHeld(db.db, { id: a, actor: 'ops@example.test', note: 'seen in the CRM' });
    expect(resolved).toMatchObject({ from: 'held', to: 'delivered' });
    const released = await releaseHeld(db.db, { id: b, actor: 'ops@example.test' });
    expect(released).toMatchObject({ from: 'held', to: 'pending' });
    const rx = await receiver();
    const rl = relay(rx.url);
    expect(await rl.drainOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await statuses()).toEqual({ delivered: 2 });
    const audits = await db.db.select({ action: auditLog.action, actor: auditLog.actor }).from(auditLog).where(inArray(auditLog.entityId, [a, b]));
    expect(audits.map((x) => x.action).sort()).toEqual(['outbox.released', 'outbox.resolved']);
  });

  it('refuses rows that are not held, and ids that do not exist, saying why', async () => {
    const [a] = await holdTwo();
    if (!a) throw new Error('row expected');
    await resolveHeld(db.db, { id: a, actor: 'cli' });
    const again = await resolveHeld(db.db, { id: a, actor: 'cli' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AppError);
    expect((again as AppError).code).toBe('conflict');
    expect((again as AppError).message).toContain('is delivered; only held rows can be resolved');
    const release = await releaseHeld(db.db, { id: a, actor: 'cli' }).catch((e: unknown) => e);
    expect((release as AppError).message).toContain('only held or failed rows can be released');
    const missing = await releaseHeld(db.db, { id: '00000000-0000-4000-8000-000000000009', actor: 'cli' }).catch((e: unknown) => e);
    expect((missing as AppError).code).toBe('not_found');
  });
});

describe('when the relay is misconfigured', () => {
  it('refuses to start without a receiver URL, or with a timeout longer than half the lease', () => {
    expect(() => startRelay({ db: db.db, outbox: { url: undefined, token: undefined }, log: { info: () => {}, warn: () => {} } })).toThrow(/set BOOKRUN_OUTBOX_URL/);
    expect(() => startRelay({ db: db.db, outbox: { url: 'http://127.0.0.1:1', token: undefined }, log: { info: () => {}, warn: () => {} }, leaseMs: 1_000, requestTimeoutMs: 800 })).toThrow(/at most half of leaseMs/);
  });
});
