/**
 * A manager approves a pending promotion: the only way a workflow climbs the ladder.
 *
 * - Managers only (`forbidden`); the rep id comes from the caller's identity, never from input
 *   someone else typed.
 * - Only a pending proposal (`conflict` naming who decided it and when), and only while the
 *   workflow is still at the proposal's `from` level (`conflict`): approving a stale proposal must
 *   not skip or undo a demotion that happened since.
 * - The level records the skill version and model the workflow runs now: a different one later
 *   resets it. Level, proposal, transition (kind `promote`, the proposal's evidence) and the audit
 *   row commit together.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { autonomyProposals, type Workflow } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { alreadyDecided, currentVersions, lockWorkflow, readLevel, recordTransition, requireManager, writeLevel } from './store.ts';
import type { AutonomyLevel } from './types.ts';

/** Longest decision note or reason kept. */
export const MAX_AUTONOMY_NOTE_LENGTH = 2_000;

const Note = z.string().trim().max(MAX_AUTONOMY_NOTE_LENGTH, `longer than ${MAX_AUTONOMY_NOTE_LENGTH} characters`);

export const ApproveProposalInput = z
  .object({
    proposalId: z.uuid(),
    /** The acting manager, from their identity (the CLI's `--by`, the web session). */
    managerRepId: z.uuid(),
    note: Note.optional(),
  })
  .strict();
export type ApproveProposalInput = z.input<typeof ApproveProposalInput>;

export type ApproveProposalResult = { proposalId: string; workflow: Workflow; from: AutonomyLevel; to: AutonomyLevel; approvedBy: string; transitionId: number };

/** Errors: `validation`, `forbidden` (not a manager), `not_found`, `conflict` (decided already, or the level moved). */
export async function approveProposal(db: DbOrTx, input: ApproveProposalInput): Promise<ApproveProposalResult> {
  const parsed = ApproveProposalInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `approveProposal: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { proposalId, managerRepId, note } = parsed.data;
  return inTransaction(db, async (tx) => {
    const manager = await requireManager(tx, managerRepId, 'approve autonomy proposals');
    return approveLocked(tx, { proposalId, manager, note: note || null, via: 'approve' });
  });
}

/** The approval itself, inside the caller's transaction, after the manager check (also used by setAutonomyLevel). */
export async function approveLocked(tx: DbOrTx, input: { proposalId: string; manager: { id: string; email: string }; note: string | null; via: 'approve' | 'set' }): Promise<ApproveProposalResult> {
  const { proposalId, manager, note, via } = input;
  const [peek] = await tx.select({ workflow: autonomyProposals.workflow }).from(autonomyProposals).where(eq(autonomyProposals.id, proposalId));
  if (!peek) throw new AppError('not_found', `autonomy proposal ${proposalId} not found`);
  // Workflow lock before the row lock: the order evaluateWorkflows takes them in.
  await lockWorkflow(tx, peek.workflow);
  const [proposal] = await tx.select().from(autonomyProposals).where(eq(autonomyProposals.id, proposalId)).for('update');
  if (!proposal) throw new AppError('not_found', `autonomy proposal ${proposalId} not found`);
  if (proposal.status !== 'pending') throw await alreadyDecided(tx, proposalId);
  const { workflow, fromLevel: from, toLevel: to } = proposal;
  const current = await readLevel(tx, workflow);
  if (current.level !== from)
    throw new AppError('conflict', `autonomy proposal ${proposalId} moves ${workflow} from ${from} to ${to}, but ${workflow} is now ${current.level}; run bookrun autonomy evaluate for a current proposal`);

  const version = (await currentVersions(tx, workflow)).get(workflow) ?? null;
  await writeLevel(tx, workflow, { level: to, version, setBy: manager.email, reason: note ?? `approved proposal ${proposalId}` });
  const [approved] = await tx
    .update(autonomyProposals)
    .set({ status: 'approved', decidedBy: manager.id, decidedAt: sql`now()`, decisionNote: note })
    .where(and(eq(autonomyProposals.id, proposalId), eq(autonomyProposals.status, 'pending')))
    .returning({ id: autonomyProposals.id });
  // Unreachable under the locks; kept so the invariant never rests on them alone.
  if (!approved) throw await alreadyDecided(tx, proposalId);
  const reasons = note ? [...proposal.reasons, `approved by ${manager.email}: ${note}`] : proposal.reasons;
  const transitionId = await recordTransition(tx, { workflow, from, to, kind: 'promote', reasons, evidence: proposal.evidence, actor: manager.email, proposalId });
  await emitAudit(tx, {
    actor: manager.email,
    action: 'autonomy_proposal.approved',
    entity: 'autonomy_proposal',
    entityId: proposalId,
    data: { workflow, from, to, repId: manager.id, note, via, evidence: proposal.evidence, version, transitionId },
  });
  return { proposalId, workflow, from, to, approvedBy: manager.email, transitionId };
}
