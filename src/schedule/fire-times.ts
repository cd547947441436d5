/** Fire times as operators read them: local wall-clock time in the schedule's zone, and UTC. */
import { nextFireTimes } from './cron.ts';
import { localIso } from './time-zone.ts';

/** `local`: `2026-11-21T02:00:00+01:00` in the schedule's zone; `utc`: `2026-11-21T01:00:00.000Z`. */
export type FireTime = { local: string; utc: string };

export function fireTime(ms: number, tz: string): FireTime {
  return { local: localIso(ms, tz), utc: new Date(ms).toISOString() };
}

/** The next `count` fires after `fromMs`, described. */
export function upcomingFires(cron: string, tz: string, fromMs: number, count = 3): FireTime[] {
  return nextFireTimes(cron, tz, fromMs, count).map((ms) => fireTime(ms, tz));
}
