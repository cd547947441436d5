/**
 * `removeSchedule`: deletes a book's schedule row and its Job Scheduler (with the pending job) in
 * one transaction under the schedule's lock. A fire already waiting for a worker stays in the
 * queue; the nightly job finds no schedule and does nothing (jobs/nightly.job.ts).
 */
import { eq } from 'drizzle-orm';
import { schedules } from '../../db/schema/index.ts';
import { findBook } from './find-book.ts';
import { lockSchedule } from './schedule-lock.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { dropScheduler, scheduleIdFor } from './sync-scheduler.ts';

export type RemoveScheduleResult = {
  book: string;
  scheduleId: string;
  /** False when the book had no schedule row (removing twice is not an error). */
  removed: boolean;
  /** Whether a Job Scheduler was found in Redis and removed. */
  schedulerRemoved: boolean;
};

export async function removeSchedule(deps: ScheduleDeps, input: { bookName: string }): Promise<RemoveScheduleResult> {
  const book = await findBook(deps.db, input.bookName);
  const id = scheduleIdFor(book.id);
  const outcome = await deps.db.transaction(async (tx) => {
    await lockSchedule(tx, id);
    const deleted = await tx.delete(schedules).where(eq(schedules.id, id)).returning({ id: schedules.id });
    // Even without a row: a scheduler left behind by an interrupted remove goes too.
    const schedulerRemoved = await dropScheduler(tx, deps.queues.run, id);
    return { removed: deleted.length > 0, schedulerRemoved };
  });
  if (outcome.removed || outcome.schedulerRemoved) deps.log.info(`schedule: book "${book.name}" is no longer scheduled`);
  return { book: book.name, scheduleId: id, ...outcome };
}
