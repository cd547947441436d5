/** Builders for autonomy unit tests: outcomes and stats with only the fields a test cares about. */
import { computeStats, DEFAULT_AUTONOMY_POLICY, type ReviewOutcome, type WorkflowStats } from '../../../src/autonomy/index.ts';

export const T0 = new Date('2025-03-01T09:00:00Z');

/** A drafting outcome accepted as-is, filed at T0, viewed a minute later, decided two minutes later. */
export function outcome(overrides: Partial<ReviewOutcome> = {}): ReviewOutcome {
  return {
    workflow: 'drafting',
    skillName: 'draft-email',
    skillVersion: '1.0.0',
    model: 'claude-sonnet',
    repId: 'rep-1',
    status: 'accepted',
    verdictReason: null,
    editDistance: 0,
    editRatio: 0,
    filedAt: T0,
    firstViewedAt: new Date(T0.getTime() + 60_000),
    decidedAt: new Date(T0.getTime() + 120_000),
    ...overrides,
  };
}

/** `n` copies of one outcome shape. */
export function many(n: number, overrides: Partial<ReviewOutcome> = {}): ReviewOutcome[] {
  return Array.from({ length: n }, () => outcome(overrides));
}

/** Stats of `successes` accepts and `n - successes` rejections (reason `tone`), under the default policy. */
export function statsOf(successes: number, n: number): WorkflowStats {
  return computeStats([...many(successes), ...many(n - successes, { status: 'rejected', verdictReason: 'tone', editDistance: null, editRatio: null })], DEFAULT_AUTONOMY_POLICY);
}
