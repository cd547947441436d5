/**
 * Stats per group (per workflow, skill, skill version, model, rep — any combination), so a
 * manager can see that drafting v3 on one model is fine while v4 is not.
 */
import { computeStats } from './compute-stats.ts';
import type { AutonomyPolicy, GroupedStats, ReviewOutcome, StatsKeyField } from './types.ts';

/**
 * Groups `outcomes` by the `by` fields (in that order) and computes each group's stats with the
 * policy's `heavyEditRatio` and `z`. Each key holds exactly the `by` fields (`repId` may be null).
 * Does not filter by window: pass `withinWindow(outcomes, now, policy.windowDays)`. With `by` empty,
 * one group with an empty key; with no outcomes, no groups. Groups are sorted by key values in
 * `by` order (code-unit order, null last), so output is stable for reports and tests.
 */
export function groupStats(outcomes: readonly ReviewOutcome[], by: readonly StatsKeyField[], policy: Pick<AutonomyPolicy, 'heavyEditRatio' | 'z'>): GroupedStats[] {
  const groups = new Map<string, { key: Record<string, string | null>; outcomes: ReviewOutcome[] }>();
  for (const o of outcomes) {
    const key: Record<string, string | null> = {};
    for (const field of by) key[field] = o[field];
    // JSON of the values in `by` order: unambiguous for any string content and distinguishes null.
    const id = JSON.stringify(by.map((field) => o[field]));
    const group = groups.get(id);
    if (group) group.outcomes.push(o);
    else groups.set(id, { key, outcomes: [o] });
  }
  return [...groups.values()]
    .sort((a, b) => compareKeys(a.key, b.key, by))
    .map((g) => ({ key: g.key, stats: computeStats(g.outcomes, { heavyEditRatio: policy.heavyEditRatio, z: policy.z }) }));
}

function compareKeys(a: Record<string, string | null>, b: Record<string, string | null>, by: readonly StatsKeyField[]): number {
  for (const field of by) {
    const [x, y] = [a[field] ?? null, b[field] ?? null];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
