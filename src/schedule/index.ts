/**
 * Nightly schedules: one BullMQ Job Scheduler per scheduled book, derived from the `schedules`
 * row, written only through sync-scheduler.ts under a Postgres advisory lock. Explicit exports
 * only; everything else in this folder is internal.
 */
export { checkCron, nextFireTimes } from './cron.ts';
export { ensureSchedulers, type EnsureSchedulersReport } from './ensure-schedulers.ts';
export { ScheduleInputError } from './errors.ts';
export { fireTime, upcomingFires, type FireTime } from './fire-times.ts';
export { listSchedules, type ScheduleListItem } from './list-schedules.ts';
export { fireTimeOf, nightKey, type ScheduledJob } from './night-key.ts';
export { removeSchedule, type RemoveScheduleResult } from './remove-schedule.ts';
export { openScheduleDeps, type ScheduleDeps } from './schedule-deps.ts';
export { setSchedule, SetScheduleInput, type SetScheduleResult } from './set-schedule.ts';
export { NIGHTLY_JOB, scheduleIdFor } from './sync-scheduler.ts';
export { checkTimeZone, dateIn, localIso } from './time-zone.ts';
export { triggerBookNight, triggerNightly, type NightlyOutcome } from './trigger-nightly.ts';
