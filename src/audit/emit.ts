/**
 * Appends rows to the audit log. Call it with the transaction that makes the change, so the
 * change and its record commit or roll back together.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

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
  const [row] = await emitAudits(db, [event]);
  if (!row) throw new Error('audit_log insert returned no row');
  return row;
}

/** Several events in one statement, ids in the order given. */
export async function emitAudits(db: DbOrTx, events: AuditEvent[]): Promise<Array<{ id: number }>> {
  if (events.length === 0) return [];
  const json = JSON.stringify(events.map((e, ord) => ({ ord, actor: e.actor, action: e.action, entity: e.entity, entity_id: e.entityId ?? null, data: e.data ?? {} })));
  const rows = await db.execute<{ id: string | number }>(sql`
    insert into audit_log (actor, action, entity, entity_id, data)
    select actor, action, entity, entity_id, data from jsonb_to_recordset(${json}::jsonb)
      as x(ord int, actor text, action text, entity text, entity_id text, data jsonb) order by ord
    returning id`);
  // bigserial ids are assigned in insertion order, which the ORDER BY fixes.
  return [...rows].map((r) => ({ id: Number(r.id) })).sort((a, b) => a.id - b.id);
}
