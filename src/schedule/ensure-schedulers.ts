/**
 * Reconcile for schedules (the reconcile loop calls it): Postgres says which books are scheduled,
 * and Redis should hold a matching Job Scheduler for each. One read of every scheduler finds the
 * differences; only those are written, through the same locked path as `bookrun schedule set`:
 * - a schedule whose scheduler Redis lost (restart without its data) gets it back;
 * - a scheduler that differs from its row (a write that failed half-way) is brought in line;
 * - a bookrun scheduler (`nightly-…`) without a row (a remove that failed half-way) is removed.
 * A scheduler that matches is never touched, so running this every minute costs one read.
 */
import type { JobSchedulerJson } from 'bullmq';
import { eq } from 'drizzle-orm';
import { schedules } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { lockSchedule } from './schedule-lock.ts';
import { dropScheduler, SCHEDULER_ID_PREFIX, schedulerMatches, syncScheduler } from './sync-scheduler.ts';

export type EnsureSchedulersReport = { schedules: number; created: number; updated: number; removed: number };

export async function ensureSchedulers(deps: Pick<Deps, 'db' | 'queues' | 'log'>): Promise<EnsureSchedulersReport> {
  const rows = await deps.db.select({ id: schedules.id, cron: schedules.cron, tz: schedules.tz }).from(schedules);
  const found = new Map<string, JobSchedulerJson>();
  for (const s of await deps.queues.run.getJobSchedulers()) found.set(s.key, s);
  const report: EnsureSchedulersReport = { schedules: rows.length, created: 0, updated: 0, removed: 0 };

  for (const row of rows.filter((r) => !schedulerMatches(found.get(r.id), r))) {
    const outcome = await deps.db.transaction(async (tx) => {
      await lockSchedule(tx, row.id);
      // Read again under the lock: a concurrent set or remove may have changed it since.
      const [current] = await tx.select({ id: schedules.id, cron: schedules.cron, tz: schedules.tz }).from(schedules).where(eq(schedules.id, row.id));
      return current ? syncScheduler(tx, deps.queues.run, current) : 'unchanged';
    });
    if (outcome === 'unchanged') continue;
    report[outcome] += 1;
    deps.log.warn(`reconcile: job scheduler ${row.id} was ${outcome === 'created' ? 'missing from Redis; recreated' : 'out of line with its schedule; updated'}`);
  }

  const known = new Set(rows.map((r) => r.id));
  for (const id of [...found.keys()].filter((k) => k.startsWith(SCHEDULER_ID_PREFIX) && !known.has(k))) {
    const removed = await deps.db.transaction(async (tx) => {
      await lockSchedule(tx, id);
      const [current] = await tx.select({ id: schedules.id }).from(schedules).where(eq(schedules.id, id));
      return current ? false : dropScheduler(tx, deps.queues.run, id);
    });
    if (!removed) continue;
    report.removed += 1;
    deps.log.warn(`reconcile: job scheduler ${id} had no schedule in Postgres; removed`);
  }
  return report;
}
