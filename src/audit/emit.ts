/**
 * Appends one row to the audit log. Call it with the transaction that makes the change, so the
 * change and its record commit or roll back together.
 */
import type { DbOrTx } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export type AuditEvent = {
  /** `system`, `cli`, or a rep's email. */
  actor: string;
  /** `entity.verb` in the past tense, e.g. `review_item.created`. */
  action: string;
  entity: string;
  entityId?: string | null;
  /** Small JSON describing the change; never secrets, never whole artifacts. */
  data?: Record<string, unknown>;
};

export async function emitAudit(db: DbOrTx, event: AuditEvent): Promise<{ id: number }> {
  const [row] = await db
    .insert(auditLog)
    .values({ actor: event.actor, action: event.action, entity: event.entity, entityId: event.entityId ?? null, data: event.data ?? {} })
    .returning({ id: auditLog.id });
  if (!row) throw new Error('audit_log insert returned no row');
  return row;
}
