/**
 * Claiming work for one relay pass. Rows are taken with `FOR UPDATE SKIP LOCKED`, so any number
 * of relays (one per `bookrun worker`, or standalone) share the outbox without taking a row twice,
 * and each claim bumps `attempts`: the attempt number is the fencing token every later write of
 * the row checks (transitions.ts), so a relay that lost its lease cannot overwrite a newer outcome.
 */
import { and, asc, eq, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';

export type OutboxRow = typeof outbox.$inferSelect;

export type ClaimOptions = {
  /** Rows per claim. */
  limit: number;
  /** How long the claimer owns each row; must outlast one request (relay.ts checks). */
  leaseMs: number;
};

function leaseUntil(leaseMs: number) {
  return sql`now() + ${leaseMs} * interval '1 millisecond'`;
}

/**
 * `id = any(array(<locking select>))`: the select runs once, as an init plan. Written as
 * `id in (<select>)`, Postgres may plan a semi-join that re-scans the select per row; each re-scan
 * skips the rows this very statement already updated (SKIP LOCKED sees them as taken) and returns
 * the next ones, so the LIMIT stops limiting — one claim took all 60 rows in the fault suite.
 */
function idIn(select: SQL | { getSQL(): SQL }): SQL {
  return sql`${outbox.id} = any(array(${select}))`;
}

/** Due `pending` rows → `sending`, leased to the caller, oldest due first. */
export async function claimDue(db: DbOrTx, options: ClaimOptions): Promise<OutboxRow[]> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, sql`now()`)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return db
    .update(outbox)
    .set({ status: 'sending', leaseUntil: leaseUntil(options.leaseMs), attempts: sql`${outbox.attempts} + 1` })
    .where(and(idIn(due), eq(outbox.status, 'pending')))
    .returning();
}

/**
 * `sending` rows whose lease ran out: the relay that claimed them died (or stalled) mid-delivery,
 * so whether the receiver got them is unknown. They are re-leased to the caller — still `sending`,
 * with a new attempt number that fences the old claimer out — for the caller to ask the receiver.
 */
export async function claimExpired(db: DbOrTx, options: ClaimOptions): Promise<OutboxRow[]> {
  const expired = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, sql`now()`)))
    .orderBy(asc(outbox.leaseUntil))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return db
    .update(outbox)
    .set({ leaseUntil: leaseUntil(options.leaseMs), attempts: sql`${outbox.attempts} + 1` })
    .where(and(idIn(expired), eq(outbox.status, 'sending'), lt(outbox.leaseUntil, sql`now()`)))
    .returning();
}
