/**
 * One claimed row through one delivery attempt, and one row of unknown outcome through a lookup.
 * The named crash points sit exactly where a dying relay leaves the most doubt: before the POST,
 * after the receiver answered but before Postgres knows, and after the delivery is recorded.
 */
import type { DbOrTx } from '../../db/client.ts';
import { crashPoint } from '../faults/crash-point.ts';
import { backoffMs } from './classify.ts';
import type { OutboxRow } from './claim.ts';
import { lookupDelivery, postDelivery, type ReceiverEndpoint } from './deliver.ts';
import { DeliveryBody } from './payloads.ts';
import { markDelivered, markFailed, markHeld, markRetry, type Claim } from './transitions.ts';

export type RowResult = 'delivered' | 'retried' | 'failed' | 'held' | 'lost_lease';

export type ProcessContext = {
  db: DbOrTx;
  receiver: ReceiverEndpoint;
  retry: { baseMs: number; maxMs: number };
  log: { info(line: string): void; warn(line: string): void };
};

/** POSTs a freshly claimed row and records what the answer proves. */
export async function deliverRow(ctx: ProcessContext, row: OutboxRow): Promise<RowResult> {
  const claim: Claim = { id: row.id, attempts: row.attempts };
  const body = DeliveryBody.safeParse({ idempotencyKey: row.idempotencyKey, kind: row.kind, payload: row.payload });
  if (!body.success) {
    // Written by decideReviewItem through the same schema, so only a hand-edited row lands here.
    const why = `stored payload does not match the ${row.kind} contract: ${body.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`;
    return record(ctx, row, 'failed', await markFailed(ctx.db, claim, why), why);
  }

  crashPoint('relay_before_send');
  const outcome = await postDelivery(ctx.receiver, body.data);
  crashPoint('relay_after_send');

  switch (outcome.kind) {
    case 'delivered': {
      const ok = await markDelivered(ctx.db, claim);
      if (ok) crashPoint('relay_after_record');
      return record(ctx, row, 'delivered', ok, outcome.duplicate ? `receiver already had it (${outcome.status})` : '');
    }
    case 'rejected':
      return record(ctx, row, 'failed', await markFailed(ctx.db, claim, outcome.reason), outcome.reason);
    case 'retry': {
      const delay = backoffMs(row.attempts, { ...ctx.retry, retryAfterMs: outcome.retryAfterMs });
      return record(ctx, row, 'retried', await markRetry(ctx.db, claim, delay, outcome.reason), `${outcome.reason}; next attempt in ${delay} ms`);
    }
    case 'uncertain':
      return resolveUncertain(ctx, row, outcome.reason);
  }
}

/**
 * A row whose delivery may or may not have arrived — the last attempt timed out or failed
 * mid-request, or its relay died with the lease — is never re-sent on a guess: the receiver is
 * asked. It has the key → delivered; it says it does not → pending again; it cannot say → held.
 */
export async function resolveUncertain(ctx: ProcessContext, row: OutboxRow, why: string): Promise<RowResult> {
  const claim: Claim = { id: row.id, attempts: row.attempts };
  const lookup = await lookupDelivery(ctx.receiver, row.idempotencyKey);
  switch (lookup.kind) {
    case 'present':
      return record(ctx, row, 'delivered', await markDelivered(ctx.db, claim), `${why}; the receiver confirmed it has the key`);
    case 'absent': {
      const delay = backoffMs(row.attempts, ctx.retry);
      const note = `${why}; the receiver confirmed it does not have the key, so it is sent again in ${delay} ms`;
      return record(ctx, row, 'retried', await markRetry(ctx.db, claim, delay, note), note);
    }
    case 'unknown': {
      const note =
        `outcome unknown: ${why}; ${lookup.reason}. Check whether the receiver has key ${row.idempotencyKey}, then run ` +
        `\`bookrun outbox release ${row.id}\` (it does not: send again) or \`bookrun outbox resolve ${row.id}\` (it does)`;
      return record(ctx, row, 'held', await markHeld(ctx.db, claim, note), note);
    }
  }
}

/** Logs a transition (or a lost lease) and returns its result. */
function record(ctx: ProcessContext, row: OutboxRow, result: Exclude<RowResult, 'lost_lease'>, applied: boolean, detail: string): RowResult {
  const what = `outbox ${row.idempotencyKey} (attempt ${row.attempts})`;
  if (!applied) {
    // Another relay re-claimed the row after this one's lease ran out; its outcome stands.
    ctx.log.warn(`${what}: lease lost before recording "${result}"; another relay owns the row now`);
    return 'lost_lease';
  }
  if (result === 'held' || result === 'failed') ctx.log.warn(`${what}: ${result}: ${detail}`);
  else if (detail) ctx.log.info(`${what}: ${result}: ${detail}`);
  return result;
}
