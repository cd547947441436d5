/** The gate every job passes before it runs: pause holds (longer as a pause goes on), cancel drops. */
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../../../db/schema/index.ts';
import { createRunGate } from '../../../src/run/run-gate.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook, seedRun } from '../review/seed.ts';

let db: TestDb;
let runId: string;

beforeAll(async () => {
  db = await createTestDb();
  const book = await seedBook(db.db, { accountCount: 1 });
  runId = await seedRun(db.db, book.bookId);
});
afterAll(async () => db?.drop());

const job = (data: Record<string, unknown>) => ({ data }) as unknown as Job;
const setStatus = (status: 'running' | 'paused' | 'cancelled') => db.db.update(runs).set({ status }).where(eq(runs.id, runId));

describe('the run gate', () => {
  it('lets jobs of a running run, of an unknown run and without a run through', async () => {
    await setStatus('running');
    const gate = createRunGate(db.db);
    expect(await gate(job({ runId }), 'research')).toEqual({ kind: 'run' });
    expect(await gate(job({ runId: 'run-19990101-000000' }), 'draft')).toEqual({ kind: 'run' });
    expect(await gate(job({ scheduleId: 'nightly-x' }), 'nightly')).toEqual({ kind: 'run' });
  });

  it('holds a paused run\'s jobs, 5 s at first and longer as the pause goes on, up to a minute', async () => {
    await setStatus('paused');
    let now = 1_000_000;
    const gate = createRunGate(db.db, () => now);
    expect(await gate(job({ runId }), 'research')).toEqual({ kind: 'hold', delayMs: 5_000 });
    now += 20_000;
    expect(await gate(job({ runId }), 'draft')).toEqual({ kind: 'hold', delayMs: 20_000 });
    now += 600_000;
    expect(await gate(job({ runId }), 'run')).toEqual({ kind: 'hold', delayMs: 60_000 });
    // Resumed: the status is read again once the cached read is a second old.
    await setStatus('running');
    now += 1_000;
    expect(await gate(job({ runId }), 'research')).toEqual({ kind: 'run' });
  });

  it("drops a cancelled run's model jobs but lets its run job write the summary", async () => {
    await setStatus('cancelled');
    const gate = createRunGate(db.db);
    expect(await gate(job({ runId }), 'prioritize')).toMatchObject({ kind: 'drop', reason: `run ${runId} was cancelled` });
    expect(await gate(job({ runId }), 'run')).toEqual({ kind: 'run' });
  });
});
