/**
 * `setSchedule`: a book's nightly schedule, written to Postgres (the truth) and to its BullMQ Job
 * Scheduler (derived), both under the schedule's advisory lock and in one transaction: if the
 * scheduler cannot be written the row is not changed either.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { schedules } from '../../db/schema/index.ts';
import { checkCron } from './cron.ts';
import { ScheduleInputError } from './errors.ts';
import { findBook } from './find-book.ts';
import { upcomingFires, type FireTime } from './fire-times.ts';
import { lockSchedule } from './schedule-lock.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { scheduleIdFor, syncScheduler } from './sync-scheduler.ts';
import { checkTimeZone } from './time-zone.ts';

export const SetScheduleInput = z.object({
  bookName: z.string().trim().min(1, 'a book name is required'),
  cron: z.string(),
  tz: z.string(),
});
export type SetScheduleInput = z.infer<typeof SetScheduleInput>;

export type SetScheduleResult = {
  book: string;
  scheduleId: string;
  cron: string;
  tz: string;
  /** What happened to the row: new, changed, or already as asked. */
  schedule: 'created' | 'updated' | 'unchanged';
  /** What happened to the Job Scheduler in Redis. */
  scheduler: 'created' | 'updated' | 'unchanged';
  next: FireTime[];
};

export async function setSchedule(deps: ScheduleDeps, raw: SetScheduleInput): Promise<SetScheduleResult> {
  const parsed = SetScheduleInput.safeParse(raw);
  if (!parsed.success) throw new ScheduleInputError(parsed.error.issues.map((i) => i.message).join('; '));
  // Checked before anything is written: a bad expression never reaches BullMQ.
  const cron = checkCron(parsed.data.cron);
  const tz = checkTimeZone(parsed.data.tz);
  const book = await findBook(deps.db, parsed.data.bookName);
  const id = scheduleIdFor(book.id);

  const outcome = await deps.db.transaction(async (tx) => {
    await lockSchedule(tx, id);
    const [before] = await tx.select({ cron: schedules.cron, tz: schedules.tz }).from(schedules).where(eq(schedules.id, id));
    let schedule: SetScheduleResult['schedule'] = 'unchanged';
    if (!before) {
      await tx.insert(schedules).values({ id, bookId: book.id, cron, tz });
      schedule = 'created';
    } else if (before.cron !== cron || before.tz !== tz) {
      await tx.update(schedules).set({ cron, tz, updatedAt: deps.clock() }).where(eq(schedules.id, id));
      schedule = 'updated';
    }
    // Also when the row was unchanged: it repairs a scheduler Redis lost, and is a no-op otherwise.
    const scheduler = await syncScheduler(tx, deps.queues.run, { id, cron, tz });
    return { schedule, scheduler };
  });
  if (outcome.scheduler !== 'unchanged') deps.log.info(`schedule: book "${book.name}" runs on "${cron}" (${tz}); scheduler ${id} ${outcome.scheduler}`);
  return { book: book.name, scheduleId: id, cron, tz, ...outcome, next: upcomingFires(cron, tz, deps.clock().getTime()) };
}
