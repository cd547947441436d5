/**
 * A manager declines a pending promotion, saying why. The level does not change; the next
 * evaluation may propose again when the evidence still supports it (a new proposal, new evidence).
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { autonomyProposals, type Workflow } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { MAX_AUTONOMY_NOTE_LENGTH } from './approve-proposal.ts';
import { alreadyDecided, lockWorkflow, requireManager } from './store.ts';
import type { AutonomyLevel } from './types.ts';

export const DeclineProposalInput = z
  .object({
    proposalId: z.uuid(),
    /** The acting manager, from their identity. */
    managerRepId: z.uuid(),
    /** Why: kept with the proposal and in the audit log. */
    reason: z.string().trim().min(1, 'say why the proposal is declined').max(MAX_AUTONOMY_NOTE_LENGTH, `longer than ${MAX_AUTONOMY_NOTE_LENGTH} characters`),
  })
  .strict();
export type DeclineProposalInput = z.input<typeof DeclineProposalInput>;

export type DeclineProposalResult = { proposalId: string; workflow: Workflow; from: AutonomyLevel; to: AutonomyLevel; declinedBy: string };

/** Errors: `validation` (no reason), `forbidden` (not a manager), `not_found`, `conflict` (decided already). */
export async function declineProposal(db: DbOrTx, input: DeclineProposalInput): Promise<DeclineProposalResult> {
  const parsed = DeclineProposalInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `declineProposal: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { proposalId, managerRepId, reason } = parsed.data;
  return inTransaction(db, async (tx) => {
    const manager = await requireManager(tx, managerRepId, 'decline autonomy proposals');
    const [peek] = await tx.select({ workflow: autonomyProposals.workflow }).from(autonomyProposals).where(eq(autonomyProposals.id, proposalId));
    if (!peek) throw new AppError('not_found', `autonomy proposal ${proposalId} not found`);
    await lockWorkflow(tx, peek.workflow);
    const [declined] = await tx
      .update(autonomyProposals)
      .set({ status: 'declined', decidedBy: manager.id, decidedAt: sql`now()`, decisionNote: reason })
      .where(and(eq(autonomyProposals.id, proposalId), eq(autonomyProposals.status, 'pending')))
      .returning({ workflow: autonomyProposals.workflow, from: autonomyProposals.fromLevel, to: autonomyProposals.toLevel, evidence: autonomyProposals.evidence });
    if (!declined) throw await alreadyDecided(tx, proposalId);
    await emitAudit(tx, {
      actor: manager.email,
      action: 'autonomy_proposal.declined',
      entity: 'autonomy_proposal',
      entityId: proposalId,
      data: { workflow: declined.workflow, from: declined.from, to: declined.to, repId: manager.id, reason, evidence: declined.evidence },
    });
    return { proposalId, workflow: declined.workflow, from: declined.from, to: declined.to, declinedBy: manager.email };
  });
}
