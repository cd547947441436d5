/**
 * Every way a claimed row leaves `sending`. Each write is fenced by the attempt number of the
 * claim (`attempts = n`): when a slow relay's lease expired and another relay re-claimed the row,
 * the slow one's write matches nothing and returns false instead of overwriting the newer outcome.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';

/** The claim a write belongs to: row id and the attempt number the claim set. */
export type Claim = { id: string; attempts: number };

function fenced(claim: Claim) {
  return and(eq(outbox.id, claim.id), eq(outbox.status, 'sending'), eq(outbox.attempts, claim.attempts));
}

async function apply(db: DbOrTx, claim: Claim, values: PgUpdateSetSource<typeof outbox>): Promise<boolean> {
  const rows = await db.update(outbox).set(values).where(fenced(claim)).returning({ id: outbox.id });
  return rows.length === 1;
}

/** The receiver has it. */
export function markDelivered(db: DbOrTx, claim: Claim): Promise<boolean> {
  return apply(db, claim, { status: 'delivered', deliveredAt: sql`now()`, leaseUntil: null, lastError: null });
}

/** Certainly not delivered: back to `pending`, due again after `delayMs`. */
export function markRetry(db: DbOrTx, claim: Claim, delayMs: number, error: string): Promise<boolean> {
  return apply(db, claim, { status: 'pending', nextAttemptAt: sql`now() + ${delayMs} * interval '1 millisecond'`, leaseUntil: null, lastError: error });
}

/** Refused for good by the receiver. */
export function markFailed(db: DbOrTx, claim: Claim, error: string): Promise<boolean> {
  return apply(db, claim, { status: 'failed', leaseUntil: null, lastError: error });
}

/** Outcome unknown and the receiver cannot tell: a human decides (`bookrun outbox release|resolve`). */
export function markHeld(db: DbOrTx, claim: Claim, error: string): Promise<boolean> {
  return apply(db, claim, { status: 'held', leaseUntil: null, lastError: error });
}

/**
 * A claim this relay will not start (it is stopping): back to `pending` at once, the attempt it
 * never made not counted.
 */
export function releaseClaim(db: DbOrTx, claim: Claim): Promise<boolean> {
  return apply(db, claim, { status: 'pending', leaseUntil: null, attempts: sql`${outbox.attempts} - 1`, nextAttemptAt: sql`now()` });
}
