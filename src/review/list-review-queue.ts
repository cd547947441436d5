/**
 * A rep's review queue, one page at a time: their own items only (managers: everyone's), each
 * with its artifacts (brief, tier, draft) and the account name, in queue order (./queue-sql.ts):
 * newest run first, then tier A→D (none last), then account name. Filters by status, workflow,
 * tier, run and a text search; `nextCursor` pages through the rest exactly once.
 */
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { accounts, reviewItems, runs, type ReviewItemStatus, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import type { ReviewReason } from './file-artifacts.ts';
import { loadArtifacts, type ReviewQueueArtifact } from './load-artifacts.ts';
import { queuePageIds, ReviewQueueFilters, type Tier } from './queue-sql.ts';

export type { ReviewQueueArtifact };

export const ListReviewQueueInput = ReviewQueueFilters.extend({
  /** @defaultValue 50 (max 200) */
  limit: z.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.uuid().nullish(),
});
export type ListReviewQueueInput = z.input<typeof ListReviewQueueInput>;

export type ReviewQueueItem = {
  id: string;
  runId: string;
  runCreatedAt: Date;
  accountId: string;
  accountName: string;
  ownerRepId: string | null;
  reason: ReviewReason;
  workflows: Workflow[];
  status: ReviewItemStatus;
  /** The tier of the item's prioritization artifact; null when it has none. */
  tier: Tier | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** The item's artifacts by workflow: `research` (brief), `prioritization` (tier), `drafting` (draft). */
  artifacts: Partial<Record<Workflow, ReviewQueueArtifact>>;
};

export type ReviewQueuePage = { items: ReviewQueueItem[]; nextCursor: string | null };

/** The columns of a queue row; needs `runs` and `accounts` joined. */
export const QUEUE_ITEM_COLUMNS = {
  id: reviewItems.id,
  runId: reviewItems.runId,
  runCreatedAt: runs.createdAt,
  accountId: reviewItems.accountId,
  accountName: accounts.name,
  ownerRepId: reviewItems.ownerRepId,
  reason: reviewItems.reason,
  workflows: reviewItems.workflows,
  status: reviewItems.status,
  tier: reviewItems.tier,
  createdAt: reviewItems.createdAt,
  decidedAt: reviewItems.decidedAt,
};

/** One page of the queue; `validation` for bad filters (e.g. a search longer than 100 characters). */
export async function listReviewQueue(db: DbOrTx, input: ListReviewQueueInput): Promise<ReviewQueuePage> {
  const parsed = ListReviewQueueInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `listReviewQueue: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { limit, cursor, ...filters } = parsed.data;

  // One row more than the page tells whether another page follows, without a count.
  const ids = await queuePageIds(db, filters, { cursor, limit: limit + 1 });
  const page = ids.slice(0, limit);
  const [rows, byItem] = await Promise.all([loadQueueItems(db, page), loadArtifacts(db, page)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    // In page order; an item deleted between the two reads is left out.
    items: page.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...row, artifacts: byItem.get(id) ?? {} }] : [];
    }),
    nextCursor: ids.length > limit ? (page.at(-1) ?? null) : null,
  };
}

/** The queue columns of the given items (any order). */
async function loadQueueItems(db: DbOrTx, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return db
    .select(QUEUE_ITEM_COLUMNS)
    .from(reviewItems)
    .innerJoin(runs, eq(runs.id, reviewItems.runId))
    .innerJoin(accounts, eq(accounts.id, reviewItems.accountId))
    .where(inArray(reviewItems.id, [...itemIds]));
}
