/**
 * `bookrun outbox release ID`: a human checked that the receiver does not have a held (or failed)
 * delivery, so it may be sent again. The row goes back to `pending`, due now, with an audit record.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { outbox, type OutboxStatus } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';

export const OperatorDecisionInput = z.object({
  id: z.uuid(),
  /** Who decided: `cli` or an operator's email. */
  actor: z.string().min(1),
  note: z.string().trim().max(2_000).optional(),
});
export type OperatorDecisionInput = z.input<typeof OperatorDecisionInput>;

export type OperatorDecisionResult = { id: string; idempotencyKey: string; from: OutboxStatus; to: OutboxStatus };

/** Statuses `release` accepts: held (outcome unknown) and failed (refused, e.g. before a receiver fix). */
const RELEASABLE: OutboxStatus[] = ['held', 'failed'];

export function parseOperatorInput(input: OperatorDecisionInput, what: string): z.infer<typeof OperatorDecisionInput> {
  const parsed = OperatorDecisionInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `${what}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

/** Explains why a row cannot take an operator decision (missing, or in the wrong status). */
export async function wrongStatus(db: DbOrTx, id: string, verb: string, allowed: readonly OutboxStatus[]): Promise<AppError> {
  const [row] = await db.select({ status: outbox.status, key: outbox.idempotencyKey }).from(outbox).where(eq(outbox.id, id));
  if (!row) return new AppError('not_found', `outbox row ${id} not found (see: bookrun outbox list)`);
  return new AppError('conflict', `outbox row ${id} (${row.key}) is ${row.status}; only ${allowed.join(' or ')} rows can be ${verb}`);
}

export async function releaseHeld(db: DbOrTx, input: OperatorDecisionInput): Promise<OperatorDecisionResult> {
  const { id, actor, note } = parseOperatorInput(input, 'releaseHeld');
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select({ status: outbox.status, lastError: outbox.lastError }).from(outbox).where(eq(outbox.id, id)).for('update');
    const [row] = await tx
      .update(outbox)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, leaseUntil: null, lastError: null })
      .where(and(eq(outbox.id, id), inArray(outbox.status, RELEASABLE)))
      .returning({ key: outbox.idempotencyKey });
    if (!row || !before) throw await wrongStatus(tx, id, 'released', RELEASABLE);
    await emitAudit(tx, { actor, action: 'outbox.released', entity: 'outbox', entityId: id, data: { idempotencyKey: row.key, from: before.status, previousError: before.lastError, ...(note ? { note } : {}) } });
    return { id, idempotencyKey: row.key, from: before.status, to: 'pending' };
  });
}
