/**
 * `bookrun autonomy set WORKFLOW LEVEL` — a manager's hand on the ladder, in one direction only.
 *
 * - Lowering is always allowed (a manager may always ask for more review): level, transition
 *   (kind `set`, no evidence), audit. A pending proposal from the old level is superseded.
 * - Raising is allowed only to the target of the workflow's pending proposal, and then *is* its
 *   approval (transition kind `promote` with the proposal's evidence, like approveProposal).
 *   Anything else is refused: autonomy is earned from reviews, never switched on.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { autonomyProposals, WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { approveLocked, MAX_AUTONOMY_NOTE_LENGTH } from './approve-proposal.ts';
import { currentVersions, lockWorkflow, pendingProposals, readLevel, recordTransition, requireManager, writeLevel } from './store.ts';
import { AUTONOMY_LEVELS, type AutonomyLevel } from './types.ts';

export const SetAutonomyLevelInput = z
  .object({
    workflow: z.enum(WORKFLOWS),
    level: z.enum(AUTONOMY_LEVELS),
    /** The acting manager, from their identity. */
    managerRepId: z.uuid(),
    reason: z.string().trim().min(1, 'say why the level is set').max(MAX_AUTONOMY_NOTE_LENGTH, `longer than ${MAX_AUTONOMY_NOTE_LENGTH} characters`),
  })
  .strict();
export type SetAutonomyLevelInput = z.input<typeof SetAutonomyLevelInput>;

/**
 * `lowered`: set by hand; `approved`: raised by approving the pending proposal (`proposalId`);
 * `unchanged`: already at that level, nothing written.
 */
export type SetAutonomyLevelResult = {
  workflow: Workflow;
  from: AutonomyLevel;
  to: AutonomyLevel;
  outcome: 'lowered' | 'approved' | 'unchanged';
  proposalId: string | null;
  transitionId: number | null;
};

/**
 * Errors: `validation`, `forbidden` (not a manager), `precondition_failed` (raising without a
 * pending proposal for that level), `conflict` (a concurrent decision on the proposal).
 */
export async function setAutonomyLevel(db: DbOrTx, input: SetAutonomyLevelInput): Promise<SetAutonomyLevelResult> {
  const parsed = SetAutonomyLevelInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `setAutonomyLevel: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { workflow, level, managerRepId, reason } = parsed.data;
  return inTransaction(db, async (tx) => {
    const manager = await requireManager(tx, managerRepId, 'set autonomy levels');
    await lockWorkflow(tx, workflow);
    const current = await readLevel(tx, workflow);
    const from = current.level;
    if (level === from) return { workflow, from, to: level, outcome: 'unchanged', proposalId: null, transitionId: null };
    const pending = (await pendingProposals(tx, workflow)).get(workflow) ?? null;

    if (AUTONOMY_LEVELS.indexOf(level) > AUTONOMY_LEVELS.indexOf(from)) {
      if (!pending || pending.toLevel !== level || pending.fromLevel !== from) {
        const what = pending ? `the pending proposal moves it from ${pending.fromLevel} to ${pending.toLevel} (${pending.id})` : 'no promotion is pending';
        throw new AppError(
          'precondition_failed',
          `${workflow} cannot be raised from ${from} to ${level} by hand: autonomy is earned from reviews, never switched on, and ${what}. Run bookrun autonomy evaluate; when the evidence supports ${level}, approve its proposal`,
        );
      }
      const approved = await approveLocked(tx, { proposalId: pending.id, manager, note: reason, via: 'set' });
      return { workflow, from, to: level, outcome: 'approved', proposalId: pending.id, transitionId: approved.transitionId };
    }

    const version = (await currentVersions(tx, workflow)).get(workflow) ?? null;
    await writeLevel(tx, workflow, { level, version, setBy: manager.email, reason });
    const transitionId = await recordTransition(tx, { workflow, from, to: level, kind: 'set', reasons: [`set by ${manager.email}: ${reason}`], evidence: null, actor: manager.email });
    await emitAudit(tx, {
      actor: manager.email,
      action: 'autonomy_level.set',
      entity: 'autonomy_level',
      entityId: workflow,
      data: { from, to: level, repId: manager.id, reason, version, transitionId },
    });
    // A proposal from the old level can no longer be approved; say so instead of leaving it pending.
    if (pending) {
      await tx
        .update(autonomyProposals)
        .set({ status: 'superseded', decidedAt: sql`now()`, decisionNote: `superseded: ${manager.email} set ${workflow} to ${level}` })
        .where(and(eq(autonomyProposals.id, pending.id), eq(autonomyProposals.status, 'pending')));
      await emitAudit(tx, {
        actor: manager.email,
        action: 'autonomy_proposal.superseded',
        entity: 'autonomy_proposal',
        entityId: pending.id,
        data: { workflow, from: pending.fromLevel, to: pending.toLevel, because: `level set to ${level}` },
      });
    }
    return { workflow, from, to: level, outcome: 'lowered', proposalId: null, transitionId };
  });
}
