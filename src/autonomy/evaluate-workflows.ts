/**
 * The nightly (or `bookrun autonomy evaluate`) pass over the autonomy ladder: for each workflow,
 * judge the evidence at its stored level and act on what the policy allows bookrun to do alone.
 *
 * - `demote` / `reset` are applied: the level changes, with a transition row (actor `policy`) and
 *   an audit row, in one transaction.
 * - `propose` is never applied: it becomes a pending proposal for a manager. Idempotent — while a
 *   proposal for the same move is pending, evaluating again creates nothing.
 * - A pending proposal the evidence no longer supports (the decision is hold, demote, reset, or a
 *   different move) is marked `superseded`, so a manager cannot approve stale evidence.
 *
 * Each workflow commits on its own: a failure in one leaves the others' changes in place.
 * Incidents are counted as 0 (see assess in ./store.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { autonomyProposals, WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { assess, currentVersions, lockWorkflow, pendingProposals, readLevel, recordTransition, toStoredEvidence, windowOutcomes, writeLevel } from './store.ts';
import { AutonomyPolicy, type AutonomyDecision, type AutonomyLevel, type WorkflowStats } from './types.ts';

export const EvaluateWorkflowsInput = z.object({
  policy: AutonomyPolicy,
  /** The end of the evidence window. @defaultValue now */
  now: z.date().optional(),
});
export type EvaluateWorkflowsInput = z.input<typeof EvaluateWorkflowsInput>;

/**
 * What evaluating one workflow did:
 * - `held`: nothing changed (and nothing was pending, or the pending proposal was superseded);
 * - `proposed`: a new pending proposal (`proposalId`);
 * - `already_proposed`: the same proposal was already pending (`proposalId`), nothing written;
 * - `demoted` / `reset`: the level changed (`transitionId`).
 */
export type WorkflowEvaluation = {
  workflow: Workflow;
  action: 'held' | 'proposed' | 'already_proposed' | 'demoted' | 'reset';
  /** The level after this evaluation. */
  level: AutonomyLevel;
  decision: AutonomyDecision;
  stats: WorkflowStats;
  /** The pending proposal after this evaluation, if any. */
  proposalId: string | null;
  /** The pending proposal this evaluation marked superseded, if any. */
  supersededProposalId: string | null;
  transitionId: number | null;
};

export type EvaluateWorkflowsResult = { window: { days: number; since: string; until: string }; workflows: WorkflowEvaluation[] };

/** Evaluates every workflow in WORKFLOWS order, one transaction each. Errors: `validation`. */
export async function evaluateWorkflows(db: DbOrTx, input: EvaluateWorkflowsInput): Promise<EvaluateWorkflowsResult> {
  const parsed = EvaluateWorkflowsInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `evaluateWorkflows: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { policy } = parsed.data;
  const now = parsed.data.now ?? new Date();
  const workflows: WorkflowEvaluation[] = [];
  let since = now;
  for (const workflow of WORKFLOWS) {
    workflows.push(
      await inTransaction(db, async (tx) => {
        await lockWorkflow(tx, workflow);
        const windowed = await windowOutcomes(tx, policy, now, workflow);
        since = windowed.since;
        return evaluateOne(tx, { workflow, policy, outcomes: windowed.outcomes });
      }),
    );
  }
  return { window: { days: policy.windowDays, since: since.toISOString(), until: now.toISOString() }, workflows };
}

async function evaluateOne(tx: DbOrTx, input: { workflow: Workflow; policy: AutonomyPolicy; outcomes: Parameters<typeof assess>[0]['outcomes'] }): Promise<WorkflowEvaluation> {
  const { workflow, policy, outcomes } = input;
  const level = await readLevel(tx, workflow);
  const version = (await currentVersions(tx, workflow)).get(workflow) ?? null;
  const pending = (await pendingProposals(tx, workflow)).get(workflow) ?? null;
  const { decision, stats } = assess({ workflow, level, version, outcomes, policy });
  const evidence = toStoredEvidence(decision.evidence);
  const result: WorkflowEvaluation = { workflow, action: 'held', level: level.level, decision, stats, proposalId: null, supersededProposalId: null, transitionId: null };

  const stillSupported = pending && decision.kind === 'propose' && decision.from === pending.fromLevel && decision.to === pending.toLevel;
  if (pending && !stillSupported) {
    await tx
      .update(autonomyProposals)
      .set({ status: 'superseded', decidedAt: sql`now()`, decisionNote: `superseded by the policy: ${decision.reasons.join('; ')}` })
      .where(and(eq(autonomyProposals.id, pending.id), eq(autonomyProposals.status, 'pending')));
    await emitAudit(tx, {
      actor: 'policy',
      action: 'autonomy_proposal.superseded',
      entity: 'autonomy_proposal',
      entityId: pending.id,
      data: { workflow, from: pending.fromLevel, to: pending.toLevel, decision: decision.kind, reasons: decision.reasons, evidence },
    });
    result.supersededProposalId = pending.id;
  }

  if (decision.kind === 'demote' || decision.kind === 'reset') {
    // A reset records the version now running, so the next evaluation judges it and does not reset again.
    await writeLevel(tx, workflow, { level: decision.to, version, setBy: 'policy', reason: decision.reasons.join('; ') });
    result.transitionId = await recordTransition(tx, { workflow, from: decision.from, to: decision.to, kind: decision.kind, reasons: decision.reasons, evidence, actor: 'policy' });
    await emitAudit(tx, {
      actor: 'policy',
      action: decision.kind === 'demote' ? 'autonomy_level.demoted' : 'autonomy_level.reset',
      entity: 'autonomy_level',
      entityId: workflow,
      data: { from: decision.from, to: decision.to, reasons: decision.reasons, evidence, version, transitionId: result.transitionId },
    });
    return { ...result, action: decision.kind === 'demote' ? 'demoted' : 'reset', level: decision.to };
  }

  if (decision.kind === 'propose') {
    if (stillSupported) return { ...result, action: 'already_proposed', proposalId: pending.id };
    const [created] = await tx
      .insert(autonomyProposals)
      .values({ workflow, fromLevel: decision.from, toLevel: decision.to, reasons: decision.reasons, evidence })
      .returning({ id: autonomyProposals.id });
    if (!created) throw new Error('autonomy_proposals insert returned no row');
    await emitAudit(tx, {
      actor: 'policy',
      action: 'autonomy_proposal.created',
      entity: 'autonomy_proposal',
      entityId: created.id,
      data: { workflow, from: decision.from, to: decision.to, reasons: decision.reasons, evidence, version },
    });
    return { ...result, action: 'proposed', proposalId: created.id };
  }
  return result;
}
