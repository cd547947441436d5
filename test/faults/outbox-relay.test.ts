/**
 * S1 (reliability-and-security.md §6): the outbox relay killed with SIGKILL at each crash point —
 * before the POST, after the receiver answered but before Postgres knew, after recording — and a
 * second relay finishing the job. Acceptance: the receiver counts exactly one delivery per outbox
 * row; and, because an unknown outcome is settled by asking the receiver, nothing is even re-sent
 * (a receiver without dedupe would have applied every effect once).
 *
 * The relays are real `bookrun outbox relay` processes; the receiver (the test's witness) runs in
 * this process; the database is real Postgres.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.ts';
import { releaseHeld, resolveHeld, startReceiver, type Receiver } from '../../src/outbox/index.ts';
import { approveAll, seedDraftedItems, type DraftedWorld } from '../integration/outbox/seed.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { ProcessGroup, describeExit, type ManagedProcess } from './support/processes.ts';
import { recordOutcome } from './support/report.ts';

/** Approved items per scenario: two outbox rows (CRM write-back, send hand-off) each. */
const ITEMS = 30;
/** Short leases so a dead relay's rows are checked within a second (production: 60 s). */
const RELAY_FLAGS = ['--lease-ms', '1000', '--poll-ms', '200', '--batch', '10', '--concurrency', '4'];

type Crash = { at: 'relay_before_send' | 'relay_after_send' | 'relay_after_record'; skip: number };
type Scenario = {
  fault: string;
  crashes: Crash[];
  /** false: the receiver cannot answer lookups, so rows of unknown outcome are held for a human. */
  lookup?: boolean;
};

const SCENARIOS: Scenario[] = [
  { fault: 'relay kill -9 before send', crashes: [{ at: 'relay_before_send', skip: 7 }] },
  { fault: 'relay kill -9 after send, before record', crashes: [{ at: 'relay_after_send', skip: 7 }] },
  { fault: 'relay kill -9 after record', crashes: [{ at: 'relay_after_record', skip: 7 }] },
  {
    fault: 'relay kill -9 three times in a row (after send, before send, after send)',
    crashes: [
      { at: 'relay_after_send', skip: 3 },
      { at: 'relay_before_send', skip: 5 },
      { at: 'relay_after_send', skip: 11 },
    ],
  },
  { fault: 'relay kill -9 after send, receiver without lookups (held for a human)', crashes: [{ at: 'relay_after_send', skip: 7 }], lookup: false },
];

let db: TestDb;
let world: DraftedWorld;
let dir: string;
const procs = new ProcessGroup();
let used = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bookrun-outbox-faults-'));
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: ITEMS * SCENARIOS.length, repCount: 4 });
}, 60_000);

afterAll(async () => {
  // Only the relays this file spawned, by recorded PID.
  await procs.stopAll();
  procs.dispose();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function counts(): Promise<Record<string, number>> {
  const rows = await db.db.select({ status: outbox.status, n: sql<number>`count(*)::int` }).from(outbox).groupBy(outbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

function relayEnv(receiver: Receiver, crash?: Crash): Record<string, string> {
  // An explicit environment: nothing of the test runner's leaks into the relay.
  return {
    DATABASE_URL: db.url,
    BOOKRUN_OUTBOX_URL: receiver.url,
    ...(crash ? { BOOKRUN_FAULT_AT: crash.at, BOOKRUN_FAULT_SKIP: String(crash.skip) } : {}),
  };
}

async function waitUntilSettled(relay: ManagedProcess, rows: number, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let now = await counts();
  while (Date.now() < deadline) {
    now = await counts();
    if ((now['delivered'] ?? 0) + (now['held'] ?? 0) + (now['failed'] ?? 0) === rows) return now;
    if (!relay.isRunning) throw new Error(`the finishing relay exited (${describeExit(relay.exit)})\n${relay.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`outbox not settled within ${timeoutMs} ms: ${JSON.stringify(now)}\n${procs.tails('relay')}`);
}

describe('when the outbox relay is killed at a crash point and another relay takes over', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.fault}: every approved effect is delivered exactly once`, async () => {
      const started = Date.now();
      await db.db.delete(outbox);
      const items = world.items.slice(used, used + ITEMS);
      used += ITEMS;
      const keys = await approveAll(db.db, items);
      expect(keys).toHaveLength(ITEMS * 2);
      const receiver = await startReceiver({ faults: { lookup: scenario.lookup ?? true } });
      const notes: string[] = [];
      try {
        let n = 0;
        for (const crash of scenario.crashes) {
          const relay = await procs.spawnBookrun({ name: `relay-${crash.at}-${++n}-${Date.now()}`, dir, env: relayEnv(receiver, crash), args: ['outbox', 'relay', ...RELAY_FLAGS] });
          const exit = await relay.exited;
          expect(exit.signal, `relay ${n} should have died at ${crash.at}\n${relay.tail()}`).toBe('SIGKILL');
          expect(relay.output('stderr').some((l) => l.includes(`crash point ${crash.at} reached`))).toBe(true);
          const at = await counts();
          notes.push(`crash ${n} at ${crash.at} (skip ${crash.skip}): ${JSON.stringify(at)}, receiver ${receiver.stats().delivered} applied`);
        }

        const finisher = await procs.spawnBookrun({ name: `relay-finish-${Date.now()}`, dir, env: relayEnv(receiver), args: ['outbox', 'relay', ...RELAY_FLAGS] });
        let settled = await waitUntilSettled(finisher, keys.length, 60_000);
        if (settled['held']) {
          // The human step: look each held key up at the receiver (here: its ledger; in life, the
          // CRM), then resolve what arrived and release what did not. The finisher sends those.
          const held = await db.db.select({ id: outbox.id, key: outbox.idempotencyKey }).from(outbox).where(eq(outbox.status, 'held'));
          const at = new Set(receiver.deliveries().map((d) => d.idempotencyKey));
          let resolved = 0;
          for (const row of held) {
            if (at.has(row.key)) {
              await resolveHeld(db.db, { id: row.id, actor: 'fault-suite', note: 'key found at the receiver' });
              resolved++;
            } else await releaseHeld(db.db, { id: row.id, actor: 'fault-suite', note: 'key not at the receiver' });
          }
          notes.push(`${held.length} held for a human (none re-sent while held): ${resolved} resolved, ${held.length - resolved} released`);
          settled = await waitUntilSettled(finisher, keys.length, 60_000);
        }
        finisher.signal('SIGTERM');
        const finished = await finisher.exited;
        expect(finished.code, finisher.tail()).toBe(0);
        const recovered = finisher.output('stderr').filter((l) => l.includes('lease expired')).length;
        const heldNow = settled['held'] ?? 0;

        const stats = receiver.stats({ keys: true });
        const byKey = stats.byKey ?? {};
        const applied = new Set(receiver.deliveries().map((d) => d.idempotencyKey));
        const lost = keys.filter((k) => !applied.has(k)).length;
        const duplicated = Object.values(byKey).filter((count) => count > 1).length;
        const extraSends = stats.received - Object.keys(byKey).length;
        notes.push(`finisher found ${recovered} rows of unknown outcome (lease expired) and asked the receiver; rows ${JSON.stringify(settled)}; receiver ${JSON.stringify({ delivered: stats.delivered, received: stats.received, duplicates: stats.duplicates, refused: stats.refused })}; max POSTs per key ${Math.max(...Object.values(byKey))}`);
        recordOutcome({
          suite: 'outbox',
          fault: scenario.fault,
          lost,
          duplicated,
          extraCalls: extraSends,
          kills: scenario.crashes.length,
          seconds: (Date.now() - started) / 1000,
          notes: notes.join(' | '),
          passed: lost === 0 && duplicated === 0 && extraSends === 0 && settled['delivered'] === keys.length && heldNow === 0,
        });
        // Printed so a run of the suite shows what it measured.
        console.log(`[outbox] ${scenario.fault}: lost ${lost}, duplicated ${duplicated}, extra sends ${extraSends}\n  ${notes.join('\n  ')}`);

        expect(settled).toEqual({ delivered: keys.length });
        expect(stats.delivered).toBe(keys.length);
        expect(applied.size).toBe(receiver.deliveries().length); // the receiver applied no key twice
        expect(lost).toBe(0);
        expect(duplicated).toBe(0);
        expect(extraSends).toBe(0);
        expect(stats.duplicates).toBe(0);
      } finally {
        await receiver.close();
      }
    }, 120_000);
  }
});
