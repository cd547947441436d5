/**
 * Accepts many items at once (the queue's "accept selected"). Each item is decided on its own
 * through decideReviewItem, in its own transaction (a savepoint when called inside one), so one
 * item that cannot be accepted — someone else's, already decided, a recipient who opted out —
 * is reported and never loses the others. One audit row records the batch; every accepted item
 * also has its own, written by its decision.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { reps } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError, type AppErrorCode } from '../errors.ts';
import { decideReviewItem } from './decide.ts';

/** Most items per call: a page of the queue, with room to spare. */
export const MAX_BULK_ACCEPT = 200;

/** Up to 200 item ids (duplicates count once) and the signed-in decider. */
export const BulkAcceptInput = z
  .object({
    itemIds: z
      .array(z.uuid())
      .min(1, 'select at least one item')
      .max(MAX_BULK_ACCEPT, `at most ${MAX_BULK_ACCEPT} items at once`)
      // A double-submitted id would only come back as a conflict with itself.
      .transform((ids) => [...new Set(ids)]),
    /** The signed-in rep, from the authenticated session. */
    deciderRepId: z.uuid(),
  })
  .strict();
export type BulkAcceptInput = z.input<typeof BulkAcceptInput>;

export type BulkAcceptResult = {
  /** Ids of the items accepted by this call, in the order given. */
  accepted: string[];
  /** Items not accepted, with the error decideReviewItem gave for each. */
  failed: Array<{ itemId: string; code: AppErrorCode; message: string }>;
};

/**
 * Accepts each item as `deciderRepId`. Errors of one item (`forbidden`, `conflict`, `not_found`,
 * `precondition_failed`, `validation`) are reported in `failed`; anything else (the database
 * went away) is thrown, and the items accepted before it stay accepted.
 */
export async function bulkAccept(db: DbOrTx, input: BulkAcceptInput): Promise<BulkAcceptResult> {
  const parsed = BulkAcceptInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `bulkAccept: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { itemIds, deciderRepId } = parsed.data;

  const [decider] = await db.select({ email: reps.email }).from(reps).where(eq(reps.id, deciderRepId));
  if (!decider) throw new AppError('forbidden', `bulkAccept: no rep ${deciderRepId}; only a known rep or manager may accept review items`);

  const accepted: string[] = [];
  const failed: BulkAcceptResult['failed'] = [];
  for (const itemId of itemIds) {
    try {
      // db.transaction: a new transaction, or a savepoint inside the caller's, so a failed item
      // rolls back alone either way.
      await db.transaction((tx) => decideReviewItem(tx, { itemId, deciderRepId, verdict: 'accepted' }));
      accepted.push(itemId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failed.push({ itemId, code: error.code, message: error.message });
    }
  }

  const byCode: Partial<Record<AppErrorCode, number>> = {};
  for (const f of failed) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  await emitAudit(db, {
    actor: decider.email,
    action: 'review_item.bulk_accept',
    entity: 'review_item',
    data: { repId: deciderRepId, requested: itemIds.length, accepted: accepted.length, failed: failed.length, failedByCode: byCode },
  });
  return { accepted, failed };
}
