/**
 * Everything a rep needs to decide one item: the item with its artifacts, the account and its
 * contacts, the latest activity, the account's memory, the union of risk flags, and the previous
 * and next items of the viewer's pending queue. One query finds and authorises the item; the
 * rest run concurrently.
 *
 * An item the viewer may not see is `not_found`, exactly like a missing one: answering
 * `forbidden` would let a rep probe which ids exist.
 */
import { asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { accounts, activities, contacts, reps, reviewItems, runs, type BriefVerdict, type RejectReason, type TierVerdict } from '../../db/schema/index.ts';
import type { AccountSnapshot } from '../agents/types.ts';
import { AppError } from '../errors.ts';
import { recallMemory, type MemoryView } from '../memory/index.ts';
import { QUEUE_ITEM_COLUMNS, type ReviewQueueItem } from './list-review-queue.ts';
import { loadArtifacts, type ItemArtifacts } from './load-artifacts.ts';
import { pendingQueueOf, queuePageIds } from './queue-sql.ts';
import { canSee, Viewer } from './viewer.ts';

/** Which item, for whom. */
export const GetReviewItemInput = z.object({
  /** Any text: an id that is not a UUID is simply not found. */
  itemId: z.string(),
  /** From the authenticated session. */
  viewer: Viewer,
});
export type GetReviewItemInput = z.input<typeof GetReviewItemInput>;

/** A queue item with everything the item page shows: account, contacts, latest activity, memory, risk flags, neighbours. */
export type ReviewItemDetail = ReviewQueueItem & {
  rejectReason: RejectReason | null;
  briefVerdict: BriefVerdict | null;
  tierVerdict: TierVerdict | null;
  decisionNote: string | null;
  editedContent: { subject: string; body: string } | null;
  finalContent: { subject: string; body: string } | null;
  editDistance: number | null;
  editRatio: number | null;
  decidedBy: { email: string; name: string } | null;
  firstViewedAt: Date | null;
  owner: { id: string; email: string; name: string } | null;
  /** The CRM record as the agents saw it (the conflicts are in the memory view). */
  account: Omit<AccountSnapshot, 'conflicts'>;
  contacts: Array<{ name: string; title: string | null; email: string | null; doNotContact: boolean }>;
  /** The account's latest activity (by when it happened). */
  lastInteraction: { kind: string; occurredAt: Date | null; summary: string } | null;
  memory: MemoryView;
  /** Every risk flag of the item's artifacts (column and draft content), de-duplicated. */
  riskFlags: string[];
  /** Neighbours in the viewer's pending queue, in listReviewQueue's order with default filters. */
  neighbors: { prevId: string | null; nextId: string | null };
};

const UUID = z.uuid();
const TextPair = z.object({ subject: z.string(), body: z.string() });
const ContentFlags = z.object({ riskFlags: z.array(z.string()).catch([]) });

/** One review item in full, if the viewer may see it (reps: their own; managers: all). */
export async function getReviewItem(db: DbOrTx, input: GetReviewItemInput): Promise<ReviewItemDetail> {
  const parsed = GetReviewItemInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `getReviewItem: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { itemId, viewer } = parsed.data;
  const notFound = new AppError('not_found', `review item ${itemId} not found`);
  if (!UUID.safeParse(itemId).success) throw notFound;

  const owner = alias(reps, 'owner');
  const decider = alias(reps, 'decider');
  const [row] = await db
    .select({
      ...QUEUE_ITEM_COLUMNS,
      rejectReason: reviewItems.rejectReason,
      briefVerdict: reviewItems.briefVerdict,
      tierVerdict: reviewItems.tierVerdict,
      decisionNote: reviewItems.decisionNote,
      editedContent: reviewItems.editedContent,
      finalContent: reviewItems.finalContent,
      editDistance: reviewItems.editDistance,
      editRatio: reviewItems.editRatio,
      firstViewedAt: reviewItems.firstViewedAt,
      ownerEmail: owner.email,
      ownerName: owner.name,
      deciderEmail: decider.email,
      deciderName: decider.name,
      account: {
        id: accounts.id,
        externalId: accounts.externalId,
        name: accounts.name,
        domain: accounts.domain,
        industry: accounts.industry,
        employees: accounts.employees,
        arrUsd: accounts.arrUsd,
        stage: accounts.stage,
        region: accounts.region,
        signals: accounts.signals,
        notes: accounts.notes,
        lastActivityAt: accounts.lastActivityAt,
      },
    })
    .from(reviewItems)
    .innerJoin(runs, eq(runs.id, reviewItems.runId))
    .innerJoin(accounts, eq(accounts.id, reviewItems.accountId))
    .leftJoin(owner, eq(owner.id, reviewItems.ownerRepId))
    .leftJoin(decider, eq(decider.id, reviewItems.decidedBy))
    .where(eq(reviewItems.id, itemId));
  if (!row || !canSee(viewer, row.ownerRepId)) throw notFound;

  const [byItem, people, [latest], memory, neighbors] = await Promise.all([
    loadArtifacts(db, [itemId]),
    db
      .select({ name: contacts.name, title: contacts.title, email: contacts.email, doNotContact: contacts.doNotContact })
      .from(contacts)
      .where(eq(contacts.accountId, row.accountId))
      .orderBy(asc(contacts.doNotContact), asc(contacts.name)),
    db
      .select({ kind: activities.kind, occurredAt: activities.occurredAt, summary: activities.summary })
      .from(activities)
      .where(eq(activities.accountId, row.accountId))
      .orderBy(sql`${activities.occurredAt} desc nulls last`, desc(activities.createdAt))
      .limit(1),
    recallMemory(db, row.accountId),
    neighborsOf(db, itemId, viewer),
  ]);

  const artifacts: ItemArtifacts = byItem.get(itemId) ?? {};
  const riskFlags = new Set<string>();
  for (const artifact of Object.values(artifacts)) {
    for (const flag of [...artifact.riskFlags, ...ContentFlags.parse(artifact.content).riskFlags]) riskFlags.add(flag);
  }
  const { ownerEmail, ownerName, deciderEmail, deciderName, editedContent, ...item } = row;
  const edited = TextPair.safeParse(editedContent);
  return {
    ...item,
    artifacts,
    editedContent: edited.success ? edited.data : null,
    decidedBy: deciderEmail !== null && deciderName !== null ? { email: deciderEmail, name: deciderName } : null,
    owner: row.ownerRepId && ownerEmail !== null && ownerName !== null ? { id: row.ownerRepId, email: ownerEmail, name: ownerName } : null,
    contacts: people,
    lastInteraction: latest ?? null,
    memory,
    riskFlags: [...riskFlags],
    neighbors,
  };
}

/**
 * The items just before and after `itemId` in the viewer's pending queue (default filters). The
 * item itself need not be pending: after a decision, "next" is still the one that followed it.
 */
async function neighborsOf(db: DbOrTx, itemId: string, viewer: Viewer): Promise<ReviewItemDetail['neighbors']> {
  const queue = pendingQueueOf(viewer);
  const [[prevId], [nextId]] = await Promise.all([
    queuePageIds(db, queue, { cursor: itemId, direction: 'before', limit: 1 }),
    queuePageIds(db, queue, { cursor: itemId, direction: 'after', limit: 1 }),
  ]);
  return { prevId: prevId ?? null, nextId: nextId ?? null };
}
