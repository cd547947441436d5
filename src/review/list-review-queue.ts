/**
 * A rep's review queue: their own items only, each with its artifacts (brief, tier, draft) and
 * the account name, newest run first. Managers (issue 6) list every rep's items.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { accounts, artifacts, REVIEW_ITEM_STATUSES, reviewItems, runs, type ArtifactStatus, type ReviewItemStatus, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import type { ReviewReason } from './file-artifacts.ts';

export const ListReviewQueueInput = z.object({
  /** The signed-in rep. */
  repId: z.uuid(),
  /**
   * From the authenticated session, never from request input: `manager` lists every rep's items.
   * @defaultValue 'rep'
   */
  role: z.enum(['rep', 'manager']).default('rep'),
  /** @defaultValue 'pending' */
  status: z.enum([...REVIEW_ITEM_STATUSES, 'all']).default('pending'),
  /** @defaultValue 50 (max 200) */
  limit: z.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.uuid().nullish(),
});
export type ListReviewQueueInput = z.input<typeof ListReviewQueueInput>;

export type ReviewQueueArtifact = {
  id: string;
  workflow: Workflow;
  skillName: string;
  skillVersion: string;
  model: string;
  status: ArtifactStatus;
  content: Record<string, unknown>;
  rationale: string | null;
  citedFacts: Array<Record<string, unknown>>;
  riskFlags: string[];
};

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
  createdAt: Date;
  decidedAt: Date | null;
  /** The item's artifacts by workflow: `research` (brief), `prioritization` (tier), `drafting` (draft). */
  artifacts: Partial<Record<Workflow, ReviewQueueArtifact>>;
};

export type ReviewQueuePage = { items: ReviewQueueItem[]; nextCursor: string | null };

export async function listReviewQueue(db: DbOrTx, input: ListReviewQueueInput): Promise<ReviewQueuePage> {
  const parsed = ListReviewQueueInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `listReviewQueue: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { repId, role, status, limit, cursor } = parsed.data;

  const where: SQL[] = [];
  if (role === 'rep') where.push(eq(reviewItems.ownerRepId, repId));
  if (status !== 'all') where.push(eq(reviewItems.status, status));
  if (cursor) {
    // Keyset over (run created, item created, id), read from the cursor row itself so the
    // comparison keeps Postgres' microsecond precision.
    where.push(sql`(${runs.createdAt}, ${reviewItems.createdAt}, ${reviewItems.id}) < (
      select r.created_at, i.created_at, i.id from review_items i join runs r on r.id = i.run_id where i.id = ${cursor})`);
  }
  const rows = await db
    .select({
      id: reviewItems.id,
      runId: reviewItems.runId,
      runCreatedAt: runs.createdAt,
      accountId: reviewItems.accountId,
      accountName: accounts.name,
      ownerRepId: reviewItems.ownerRepId,
      reason: reviewItems.reason,
      workflows: reviewItems.workflows,
      status: reviewItems.status,
      createdAt: reviewItems.createdAt,
      decidedAt: reviewItems.decidedAt,
    })
    .from(reviewItems)
    .innerJoin(runs, eq(runs.id, reviewItems.runId))
    .innerJoin(accounts, eq(accounts.id, reviewItems.accountId))
    .where(and(...where))
    .orderBy(desc(runs.createdAt), desc(reviewItems.createdAt), desc(reviewItems.id))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const byItem = new Map<string, Partial<Record<Workflow, ReviewQueueArtifact>>>(page.map((r) => [r.id, {}]));
  if (page.length > 0) {
    const linked = await db
      .select({
        id: artifacts.id,
        reviewItemId: artifacts.reviewItemId,
        workflow: artifacts.workflow,
        skillName: artifacts.skillName,
        skillVersion: artifacts.skillVersion,
        model: artifacts.model,
        status: artifacts.status,
        content: artifacts.content,
        rationale: artifacts.rationale,
        citedFacts: artifacts.citedFacts,
        riskFlags: artifacts.riskFlags,
      })
      .from(artifacts)
      .where(inArray(artifacts.reviewItemId, [...byItem.keys()]));
    for (const { reviewItemId, ...artifact } of linked) {
      const slot = reviewItemId ? byItem.get(reviewItemId) : undefined;
      if (slot) slot[artifact.workflow] = artifact;
    }
  }
  return {
    items: page.map((row) => ({ ...row, artifacts: byItem.get(row.id) ?? {} })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
