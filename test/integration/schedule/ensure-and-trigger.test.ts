/**
 * Reconcile of schedulers after Redis lost them, and the nightly trigger path (job and
 * `schedule trigger`) against real Redis and Postgres.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs, schedules } from '../../../db/schema/index.ts';
import { nightlyJob } from '../../../jobs/nightly.job.ts';
import type { Deps } from '../../../src/deps.ts';
import { runJobId } from '../../../src/queue/names.ts';
import { ensureSchedulers, nightKey, scheduleIdFor, setSchedule, triggerBookNight, triggerNightly } from '../../../src/schedule/index.ts';
import { createPipelineEnv, removeKeys, type PipelineEnv } from '../../support/pipeline.ts';
import { addBook, pendingNightlyJobs } from './support.ts';

let env: PipelineEnv;
let deps: Deps;

beforeAll(async () => {
  env = await createPipelineEnv({ env: { BOOKRUN_BUDGET_TOKENS: '50000' } });
  deps = await env.deps();
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

describe('when Redis lost its schedulers', () => {
  it('ensureSchedulers recreates them from Postgres, then leaves them alone', async () => {
    await addBook(deps.db, 'lost-a');
    await addBook(deps.db, 'lost-b');
    const a = await setSchedule(deps, { bookName: 'lost-a', cron: '0 2 * * *', tz: 'Europe/Berlin' });
    const b = await setSchedule(deps, { bookName: 'lost-b', cron: '0 3 * * *', tz: 'UTC' });
    expect(await ensureSchedulers(deps)).toEqual({ schedules: 2, created: 0, updated: 0, removed: 0 });

    await removeKeys(env.prefix); // Redis restarted without its data
    expect(await deps.queues.run.getJobSchedulersCount()).toBe(0);
    expect(await ensureSchedulers(deps)).toEqual({ schedules: 2, created: 2, updated: 0, removed: 0 });
    expect(await deps.queues.run.getJobScheduler(a.scheduleId)).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Berlin', name: 'nightly' });
    expect(await deps.queues.run.getJobScheduler(b.scheduleId)).toMatchObject({ pattern: '0 3 * * *', tz: 'UTC' });
    expect(await pendingNightlyJobs(deps.queues.run, a.scheduleId)).toHaveLength(1);
    expect(await pendingNightlyJobs(deps.queues.run, b.scheduleId)).toHaveLength(1);
    expect(await ensureSchedulers(deps)).toEqual({ schedules: 2, created: 0, updated: 0, removed: 0 });
  });

  it('brings a scheduler that differs from its row in line, and removes one whose row is gone', async () => {
    const bookId = await addBook(deps.db, 'drifted');
    const set = await setSchedule(deps, { bookName: 'drifted', cron: '0 2 * * *', tz: 'UTC' });
    // A write that reached Postgres but not Redis.
    await deps.db.update(schedules).set({ cron: '0 5 * * *' }).where(eq(schedules.id, set.scheduleId));
    // A remove that reached Postgres but not Redis.
    const orphanBook = await addBook(deps.db, 'orphaned');
    await setSchedule(deps, { bookName: 'orphaned', cron: '0 2 * * *', tz: 'UTC' });
    await deps.db.delete(schedules).where(eq(schedules.bookId, orphanBook));

    const report = await ensureSchedulers(deps);
    expect(report).toMatchObject({ updated: 1, removed: 1, created: 0 });
    expect(await deps.queues.run.getJobScheduler(scheduleIdFor(bookId))).toMatchObject({ pattern: '0 5 * * *' });
    expect(await deps.queues.run.getJobScheduler(scheduleIdFor(orphanBook))).toBeUndefined();
    expect(await pendingNightlyJobs(deps.queues.run, set.scheduleId)).toHaveLength(1);
  });
});

describe('when a night is triggered', () => {
  it("starts the night's run with the book's budget, and a second trigger for the same night attaches", async () => {
    await addBook(deps.db, 'nightly-book', { usd: 12.5 });
    const set = await setSchedule(deps, { bookName: 'nightly-book', cron: '0 2 * * *', tz: 'Europe/Berlin' });
    const fire = Date.parse('2026-11-21T01:00:00Z'); // 02:00 in Berlin
    const first = await triggerNightly(deps, { scheduleId: set.scheduleId, fireTimeMs: fire });
    expect(first).toMatchObject({ kind: 'started', created: true, runKey: 'nightly-2026-11-21' });
    // An operator's trigger later that night (fire time = now) names the same night.
    const second = await triggerNightly(deps, { scheduleId: set.scheduleId, fireTimeMs: fire + 3 * 3600_000 });
    expect(second).toMatchObject({ kind: 'attached', created: false, runKey: 'nightly-2026-11-21' });
    if (first.kind === 'unscheduled' || second.kind === 'unscheduled') throw new Error('unexpected');
    expect(second.runId).toBe(first.runId);

    const rows = await deps.db.select().from(runs).where(eq(runs.runKey, 'nightly-2026-11-21'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trigger: 'schedule', budgetUsd: 12.5, budgetTokens: null });
    expect(await deps.queues.run.getJob(runJobId(first.runId))).toBeDefined();
  });

  it('gives a book without its own budget the configured default', async () => {
    await addBook(deps.db, 'default-budget-book');
    await setSchedule(deps, { bookName: 'default-budget-book', cron: '0 2 * * *', tz: 'UTC' });
    const now = Date.now();
    const outcome = await triggerBookNight(deps, { bookName: 'default-budget-book', nowMs: now });
    expect(outcome).toMatchObject({ kind: 'started', runKey: nightKey(now, 'UTC') });
    if (outcome.kind === 'unscheduled') throw new Error('unexpected');
    const [row] = await deps.db.select().from(runs).where(eq(runs.id, outcome.runId));
    expect(row).toMatchObject({ budgetTokens: 50_000, budgetUsd: null, trigger: 'schedule' });
  });

  it('refuses to trigger a book that has no schedule', async () => {
    await addBook(deps.db, 'unscheduled-book');
    await expect(triggerBookNight(deps, { bookName: 'unscheduled-book', nowMs: Date.now() })).rejects.toThrow('book "unscheduled-book" has no schedule');
  });

  it("the nightly job takes the night from the job's fire time, and does nothing once the book is unscheduled", async () => {
    const bookId = await addBook(deps.db, 'job-book');
    const set = await setSchedule(deps, { bookName: 'job-book', cron: '0 2 * * *', tz: 'Europe/Berlin' });
    const [pending] = await pendingNightlyJobs(deps.queues.run, set.scheduleId);
    if (!pending) throw new Error('no pending nightly job');
    const fire = Number(pending.id?.split(':').at(-1));
    // Processed now, a day or so before its fire time: the night is still the fire's.
    const result = await nightlyJob({ scheduleId: set.scheduleId }, { job: pending }, deps);
    expect(result).toMatchObject({ created: true, runKey: nightKey(fire, 'Europe/Berlin') });
    const [row] = await deps.db.select().from(runs).where(and(eq(runs.bookId, bookId), eq(runs.trigger, 'schedule')));
    expect(row?.runKey).toBe(nightKey(fire, 'Europe/Berlin'));

    await deps.db.delete(schedules).where(eq(schedules.id, set.scheduleId));
    expect(await nightlyJob({ scheduleId: set.scheduleId }, { job: pending }, deps)).toEqual({ unscheduled: set.scheduleId });
  });
});
