/**
 * Starting a night's run: the nightly job (a Job Scheduler fire) and `bookrun schedule trigger`
 * share this path. The run key is the calendar date of the fire time in the schedule's zone, so
 * a second trigger for the same night — a duplicate fire, a retry, an operator — attaches to the
 * run that exists instead of starting another (runs are unique per book and run key).
 */
import { eq } from 'drizzle-orm';
import { books, schedules } from '../../db/schema/index.ts';
import { bookBudget } from '../book/index.ts';
import { describeLimit } from '../budget/units.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { startRun } from '../run/start-run.ts';
import { findBook } from './find-book.ts';
import { nightKey } from './night-key.ts';

export type NightlyOutcome =
  | { kind: 'started' | 'attached'; runId: string; created: boolean; runKey: string; status: string }
  /** The schedule was removed after this fire was queued: nothing to run. */
  | { kind: 'unscheduled'; scheduleId: string };

/**
 * Starts (or attaches to) the run of the night that `fireTimeMs` belongs to. A scheduled run
 * gets the cap a manual run without flags would: the book's default budget, else the configured
 * default (BOOKRUN_BUDGET_USD / BOOKRUN_BUDGET_TOKENS), else none.
 */
export async function triggerNightly(deps: Deps, input: { scheduleId: string; fireTimeMs: number }): Promise<NightlyOutcome> {
  const [schedule] = await deps.db
    .select({ book: books.name, tz: schedules.tz })
    .from(schedules)
    .innerJoin(books, eq(books.id, schedules.bookId))
    .where(eq(schedules.id, input.scheduleId));
  if (!schedule) {
    deps.log.info(`nightly: schedule ${input.scheduleId} no longer exists (the book was unscheduled); nothing to run`);
    return { kind: 'unscheduled', scheduleId: input.scheduleId };
  }
  const runKey = nightKey(input.fireTimeMs, schedule.tz);
  const budget = (await bookBudget(deps.db, schedule.book)) ?? deps.config.defaultBudget;
  const run = await startRun(deps, { bookName: schedule.book, trigger: 'schedule', runKey, budget });
  const kind = run.created ? 'started' : 'attached';
  const cap = run.created && budget ? ` with a budget of ${describeLimit(budget)}` : '';
  deps.log.info(
    `nightly: book "${schedule.book}" ${runKey}: ${run.created ? `started run ${run.runId}${cap}` : `attached to run ${run.runId} (${run.status})`}`,
  );
  return { kind, ...run, runKey };
}

/** `bookrun schedule trigger --book NAME`: the book's night as of `nowMs`, started or attached to. */
export async function triggerBookNight(deps: Deps, input: { bookName: string; nowMs: number }): Promise<NightlyOutcome> {
  const book = await findBook(deps.db, input.bookName);
  const [schedule] = await deps.db.select({ id: schedules.id }).from(schedules).where(eq(schedules.bookId, book.id));
  if (!schedule)
    throw new AppError('not_found', `book "${book.name}" has no schedule (set one: bookrun schedule set --book "${book.name}" --cron "0 2 * * *" --tz Europe/Berlin)`);
  return triggerNightly(deps, { scheduleId: schedule.id, fireTimeMs: input.nowMs });
}
