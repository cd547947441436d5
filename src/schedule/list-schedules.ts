/**
 * `listSchedules`: every book's schedule with its next fire times, whether its Job Scheduler is
 * in Redis and in line with the row, and the book's last scheduled run — what an operator needs
 * to see that tonight will run.
 */
import type { JobSchedulerJson } from 'bullmq';
import { and, desc, eq } from 'drizzle-orm';
import { books, runs, schedules, type RunStatus } from '../../db/schema/index.ts';
import { fireTime, upcomingFires, type FireTime } from './fire-times.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { schedulerMatches } from './sync-scheduler.ts';

export type ScheduleListItem = {
  book: string;
  scheduleId: string;
  cron: string;
  tz: string;
  /** The next three fires after now, from the cron expression. */
  next: FireTime[];
  scheduler: {
    /** The Job Scheduler exists in Redis (reconcile recreates it when not). */
    exists: boolean;
    /** It fires this row's cron in this row's zone. */
    inSync: boolean;
    /** The fire its pending job stands for. */
    pendingFire: FireTime | null;
    /** That fire's time has passed and no worker has taken the job yet. */
    overdue: boolean;
  };
  lastRun: { runId: string; runKey: string; status: RunStatus; createdAt: string } | null;
};

export async function listSchedules(deps: ScheduleDeps): Promise<ScheduleListItem[]> {
  const rows = await deps.db
    .select({ id: schedules.id, bookId: schedules.bookId, book: books.name, cron: schedules.cron, tz: schedules.tz })
    .from(schedules)
    .innerJoin(books, eq(books.id, schedules.bookId))
    .orderBy(books.name);
  // One read of every scheduler instead of one per schedule.
  const found = new Map<string, JobSchedulerJson>();
  for (const s of await deps.queues.run.getJobSchedulers()) found.set(s.key, s);
  const now = deps.clock().getTime();
  const items: ScheduleListItem[] = [];
  for (const row of rows) {
    const scheduler = found.get(row.id);
    const [last] = await deps.db
      .select({ runId: runs.id, runKey: runs.runKey, status: runs.status, createdAt: runs.createdAt })
      .from(runs)
      .where(and(eq(runs.bookId, row.bookId), eq(runs.trigger, 'schedule')))
      .orderBy(desc(runs.createdAt))
      .limit(1);
    const pending = scheduler?.next ?? null;
    items.push({
      book: row.book,
      scheduleId: row.id,
      cron: row.cron,
      tz: row.tz,
      next: upcomingFires(row.cron, row.tz, now),
      scheduler: {
        exists: scheduler !== undefined,
        inSync: schedulerMatches(scheduler, row),
        pendingFire: pending === null ? null : fireTime(pending, row.tz),
        overdue: pending !== null && pending <= now,
      },
      lastRun: last ? { ...last, createdAt: last.createdAt.toISOString() } : null,
    });
  }
  return items;
}
