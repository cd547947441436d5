/**
 * Where each workflow stands: its level, what the reviews in the policy's window say (stats with
 * the Wilson lower bound), and what the evidence supports next — a promotion to propose, a
 * demotion, or holding — with the numbers behind it.
 *
 * Levels are not stored yet: every workflow is `gated` (every item reviewed), which is what the
 * pipeline does today. Incidents count only items that reached a customer without review, so a
 * gated workflow has none.
 */
import { WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import type { DbOrTx } from '../../db/client.ts';
import { computeStats } from './compute-stats.ts';
import { evaluateAutonomy } from './evaluate-autonomy.ts';
import { groupStats } from './group-stats.ts';
import { loadReviewOutcomes } from './outcomes.ts';
import type { AutonomyDecision, AutonomyLevel, AutonomyPolicy, GroupedStats, StatsKeyField, WorkflowStats } from './types.ts';

export type WorkflowStatus = {
  workflow: Workflow;
  level: AutonomyLevel;
  reviewed: number;
  acceptRate: number | null;
  lowerBound: number | null;
  /** The promotion the evidence supports (to be approved or declined by a manager), or null. */
  proposal: AutonomyDecision | null;
  /** What the evidence says for this workflow now: hold, propose or demote, with reasons. */
  decision: AutonomyDecision;
  stats: WorkflowStats;
  /** Stats split by the `by` fields (skill version, model, rep), when asked for. */
  groups?: GroupedStats[];
};

export type AutonomyStatus = {
  window: { days: number; since: string; until: string };
  workflows: WorkflowStatus[];
};

export async function autonomyStatus(db: DbOrTx, options: { policy: AutonomyPolicy; now?: Date; by?: readonly StatsKeyField[] }): Promise<AutonomyStatus> {
  const { policy } = options;
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - policy.windowDays * 86_400_000);
  const outcomes = await loadReviewOutcomes(db, { since, until: now });
  const workflows = WORKFLOWS.map((workflow): WorkflowStatus => {
    const mine = outcomes.filter((o) => o.workflow === workflow);
    const stats = computeStats(mine, policy);
    const level: AutonomyLevel = 'gated';
    const decision = evaluateAutonomy({ workflow, level, stats, incidents: 0, policy });
    return {
      workflow,
      level,
      reviewed: stats.reviewed,
      acceptRate: stats.acceptRate,
      lowerBound: stats.lowerBound,
      proposal: decision.kind === 'propose' ? decision : null,
      decision,
      stats,
      ...(options.by && options.by.length > 0 ? { groups: groupStats(mine, options.by, policy) } : {}),
    };
  });
  return { window: { days: policy.windowDays, since: since.toISOString(), until: now.toISOString() }, workflows };
}
