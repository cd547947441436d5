/**
 * Which night a scheduled fire belongs to. A nightly run's key is the calendar date of its fire
 * time in the schedule's zone, so every trigger of the same night — a duplicate fire, a fire
 * processed hours late after workers were down, `bookrun schedule trigger` — names the same run
 * (runs are unique per book and run key).
 */
import { dateIn } from './time-zone.ts';

/** `nightly-2026-11-21`: never all digits and no `:`, like every id that reaches BullMQ. */
export function nightKey(fireTimeMs: number, tz: string): string {
  return `nightly-${dateIn(fireTimeMs, tz)}`;
}

/** What `fireTimeOf` needs from a BullMQ job (a `Job` has all of it). */
export type ScheduledJob = { id?: string | undefined; opts: { prevMillis?: number | undefined }; timestamp: number; delay?: number };

/**
 * The fire time a Job Scheduler gave this job — never the time it is processed. BullMQ names a
 * scheduler's job `repeat:<schedulerId>:<fire millis>` (job-scheduler.js `getSchedulerNextJobId`
 * and the addJobScheduler/updateJobScheduler scripts) and also records the fire time as
 * `opts.prevMillis`; the id comes first because the scripts build it from the fire time itself.
 */
export function fireTimeOf(job: ScheduledJob): number {
  const millis = /^repeat:.+:(\d+)$/.exec(job.id ?? '')?.[1];
  if (millis !== undefined) return Number(millis);
  if (typeof job.opts.prevMillis === 'number' && job.opts.prevMillis > 0) return job.opts.prevMillis;
  // Not a scheduler job (e.g. added by hand): it was due when it was created plus its delay.
  return job.timestamp + (job.delay ?? 0);
}
