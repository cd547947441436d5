/**
 * The one place bookrun writes BullMQ Job Schedulers. `setSchedule`, `removeSchedule` and
 * `ensureSchedulers` all come through here, inside a transaction holding the schedule's lock
 * (schedule-lock.ts), so scheduler writes never race each other.
 */
import type { JobSchedulerJson, Queue } from 'bullmq';
import { jobCatalog, type NightlyPayload } from '../../jobs/catalog.ts';
import type { DbOrTx } from '../../db/client.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';
import { lockSchedule } from './schedule-lock.ts';

/** The job every nightly scheduler produces (jobs/nightly.job.ts). */
export const NIGHTLY_JOB = 'nightly';

/** Every scheduler bookrun owns has an id with this prefix; reconcile ignores any other. */
export const SCHEDULER_ID_PREFIX = 'nightly-';

/** `nightly-<book id>`: one scheduler per book, named the same by every process that writes it. */
export function scheduleIdFor(bookId: string): string {
  return `${SCHEDULER_ID_PREFIX}${bookId}`;
}

/** What a scheduler is derived from: the schedule row. */
export type SchedulerSpec = { id: string; cron: string; tz: string };

/** Whether the scheduler in Redis already fires `spec`'s job on `spec`'s cron and zone. */
export function schedulerMatches(found: JobSchedulerJson | undefined, spec: SchedulerSpec): boolean {
  if (!found) return false;
  const data = found.template?.data as Partial<NightlyPayload> | undefined;
  return found.pattern === spec.cron && found.tz === spec.tz && found.name === NIGHTLY_JOB && data?.scheduleId === spec.id;
}

/**
 * Makes the Job Scheduler match `spec`. Takes the schedule's lock in `tx` (re-entrant, so a
 * caller that already holds it loses nothing) and leaves an identical scheduler alone: an upsert
 * replaces the scheduler's pending job, and if that job is already due but unprocessed (every
 * worker down), re-upserting would drop the night it stands for.
 */
export async function syncScheduler(tx: DbOrTx, queue: Queue, spec: SchedulerSpec): Promise<'created' | 'updated' | 'unchanged'> {
  await lockSchedule(tx, spec.id);
  const found = await queue.getJobScheduler(spec.id);
  if (schedulerMatches(found, spec)) return 'unchanged';
  const nightly = jobCatalog.nightly;
  const data: NightlyPayload = { scheduleId: spec.id };
  await queue.upsertJobScheduler(
    spec.id,
    // pattern + tz, never every + offset (offset is ignored since 5.58.8, #3705).
    { pattern: spec.cron, tz: spec.tz },
    {
      name: NIGHTLY_JOB,
      data,
      opts: { ...DEFAULT_JOB_OPTIONS, attempts: nightly.attempts, backoff: { type: 'exponential', delay: nightly.backoffMs } },
    },
  );
  return found ? 'updated' : 'created';
}

/** Removes the scheduler (and its pending job) under the schedule's lock; false if there was none. */
export async function dropScheduler(tx: DbOrTx, queue: Queue, scheduleId: string): Promise<boolean> {
  await lockSchedule(tx, scheduleId);
  return queue.removeJobScheduler(scheduleId);
}
