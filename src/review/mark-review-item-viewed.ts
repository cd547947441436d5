/**
 * Stamps when the owner first opened an item: time to review is measured from there. Only the
 * owner's first view counts — a manager looking over a rep's queue must not start their clock.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { reviewItems } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { Viewer } from './viewer.ts';

/** Which item, and who opened it. */
export const MarkReviewItemViewedInput = z.object({
  /** Any text: an id that is not a UUID matches nothing. */
  itemId: z.string(),
  /** From the authenticated session. */
  viewer: Viewer,
});
export type MarkReviewItemViewedInput = z.input<typeof MarkReviewItemViewedInput>;

const UUID = z.uuid();

/**
 * Sets `first_viewed_at` once, when the viewer owns the item; otherwise (another rep, a manager,
 * a missing item, an already-stamped one) does nothing, without an error: viewing a page must
 * not fail because of bookkeeping, and silence reveals nothing about other reps' items.
 */
export async function markReviewItemViewed(db: DbOrTx, input: MarkReviewItemViewedInput): Promise<void> {
  const parsed = MarkReviewItemViewedInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `markReviewItemViewed: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { itemId, viewer } = parsed.data;
  if (!UUID.safeParse(itemId).success) return;
  await db
    .update(reviewItems)
    .set({ firstViewedAt: sql`now()` })
    .where(and(eq(reviewItems.id, itemId), eq(reviewItems.ownerRepId, viewer.repId), isNull(reviewItems.firstViewedAt)));
}
