/** Evidence counts only while it is recent: a workflow is judged on the skill and model it runs now. */
import type { ReviewOutcome } from './types.ts';

const DAY_MS = 86_400_000;

/**
 * The outcomes decided in the `windowDays` days up to `now`: `now − windowDays·24h ≤ decidedAt ≤ now`.
 * Keyed on `decidedAt` (the evidence exists once the rep decides, however long the item waited).
 * Outcomes decided after `now` are left out so a re-run for a past date sees what it saw then.
 * Order is kept.
 */
export function withinWindow<T extends Pick<ReviewOutcome, 'decidedAt'>>(outcomes: readonly T[], now: Date, windowDays: number): T[] {
  if (!(windowDays > 0)) throw new RangeError(`windowDays must be positive, got ${windowDays}`);
  const end = now.getTime();
  const start = end - windowDays * DAY_MS;
  return outcomes.filter((o) => {
    const t = o.decidedAt.getTime();
    return t >= start && t <= end;
  });
}
