/**
 * `bookrun outbox resolve ID`: a human confirmed that the receiver has a held delivery, so it is
 * marked delivered and never sent again, with an audit record.
 */
import { and, eq, sql } from 'drizzle-orm';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { parseOperatorInput, wrongStatus, type OperatorDecisionInput, type OperatorDecisionResult } from './release-held.ts';

export async function resolveHeld(db: DbOrTx, input: OperatorDecisionInput): Promise<OperatorDecisionResult> {
  const { id, actor, note } = parseOperatorInput(input, 'resolveHeld');
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({ status: 'delivered', deliveredAt: sql`now()`, leaseUntil: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'held')))
      .returning({ key: outbox.idempotencyKey });
    if (!row) throw await wrongStatus(tx, id, 'resolved', ['held']);
    // last_error is kept: it says why the row was held, next to the audit record of who resolved it.
    await emitAudit(tx, { actor, action: 'outbox.resolved', entity: 'outbox', entityId: id, data: { idempotencyKey: row.key, from: 'held', ...(note ? { note } : {}) } });
    return { id, idempotencyKey: row.key, from: 'held', to: 'delivered' };
  });
}
