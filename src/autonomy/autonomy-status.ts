/**
 * Where each workflow stands: its stored level, what the reviews in the policy's window say
 * (stats with the Wilson lower bound), the pending proposal a manager can approve or decline, and
 * what the evidence supports now — exactly the decision `evaluateWorkflows` would act on (the
 * same assessment, ./store.ts). Read-only: nothing here changes a level.
 */
import { WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import type { DbOrTx } from '../../db/client.ts';
import { groupStats } from './group-stats.ts';
import { assess, currentVersions, GATED, pendingProposals, readLevels, windowOutcomes, type Version } from './store.ts';
import type { AutonomyDecision, AutonomyLevel, AutonomyPolicy, GroupedStats, StatsKeyField, WorkflowStats } from './types.ts';

/** A pending proposal as stored: the decision it was made from, with its id and filing time. */
export type PendingProposal = AutonomyDecision & { id: string; createdAt: string };

export type WorkflowStatus = {
  workflow: Workflow;
  level: AutonomyLevel;
  reviewed: number;
  acceptRate: number | null;
  lowerBound: number | null;
  /** The pending promotion (to be approved or declined by a manager), with its id; null when none is pending. */
  proposal: PendingProposal | null;
  /** What the evidence says for this workflow now: hold, propose, demote or reset, with reasons. */
  decision: AutonomyDecision;
  stats: WorkflowStats;
  /** Additive: the skill version and model judged (the workflow's newest artifact's); null without artifacts. */
  version: Version | null;
  /** Additive: since when, and by whom (`policy` or a manager's email), the level holds; null while never set. */
  levelSince: string | null;
  levelSetBy: string | null;
  /** Stats split by the `by` fields (skill version, model, rep), over every version in the window, when asked for. */
  groups?: GroupedStats[];
};

export type AutonomyStatus = {
  window: { days: number; since: string; until: string };
  workflows: WorkflowStatus[];
};

export async function autonomyStatus(db: DbOrTx, options: { policy: AutonomyPolicy; now?: Date; by?: readonly StatsKeyField[] }): Promise<AutonomyStatus> {
  const { policy } = options;
  const now = options.now ?? new Date();
  const [{ since, outcomes }, levels, versions, pending] = await Promise.all([windowOutcomes(db, policy, now), readLevels(db), currentVersions(db), pendingProposals(db)]);
  const workflows = WORKFLOWS.map((workflow): WorkflowStatus => {
    const level = levels.get(workflow) ?? GATED;
    const version = versions.get(workflow) ?? null;
    const { stats, decision } = assess({ workflow, level, version, outcomes, policy });
    const open = pending.get(workflow);
    return {
      workflow,
      level: level.level,
      reviewed: stats.reviewed,
      acceptRate: stats.acceptRate,
      lowerBound: stats.lowerBound,
      proposal: open
        ? { id: open.id, createdAt: open.createdAt.toISOString(), kind: 'propose', workflow, from: open.fromLevel, to: open.toLevel, reasons: open.reasons, evidence: open.evidence }
        : null,
      decision,
      stats,
      version,
      levelSince: level.since?.toISOString() ?? null,
      levelSetBy: level.setBy,
      ...(options.by && options.by.length > 0 ? { groups: groupStats(outcomes.filter((o) => o.workflow === workflow), options.by, policy) } : {}),
    };
  });
  return { window: { days: policy.windowDays, since: since.toISOString(), until: now.toISOString() }, workflows };
}
