/**
 * The decision and bulk-accept actions shared by the form routes and the JSON API. The services
 * authorise (another rep's item is `forbidden`, which app.onError answers exactly like
 * `not_found`); the next item to show is the one after the decided item in the viewer's pending
 * queue, found with the queue's own keyset (the cursor item need not be pending any more).
 */
import type { Db } from '../../db/client.ts';
import type { WebSession } from '../auth/index.ts';
import type { AppErrorCode } from '../errors.ts';
import { bulkAccept, decideReviewItem, listReviewQueue } from '../review/index.ts';
import type { DecisionBody } from './params.ts';
import { viewerOf } from './session.ts';

export async function decideAsViewer(db: Db, session: WebSession, itemId: string, decision: DecisionBody) {
  const result = await decideReviewItem(db, {
    itemId,
    deciderRepId: session.rep.id,
    verdict: decision.verdict,
    ...(decision.edited ? { edited: decision.edited } : {}),
    ...(decision.note?.trim() ? { note: decision.note } : {}),
    ...(decision.rejectReason ? { rejectReason: decision.rejectReason } : {}),
    ...(decision.briefVerdict ? { briefVerdict: decision.briefVerdict } : {}),
    ...(decision.tierVerdict ? { tierVerdict: decision.tierVerdict } : {}),
  });
  const next = await listReviewQueue(db, { ...viewerOf(session), status: 'pending', limit: 1, cursor: itemId });
  return { result, nextItemId: next.items[0]?.id ?? null };
}

export type BulkOutcome = { accepted: string[]; failed: Array<{ itemId: string; code: AppErrorCode; message: string }> };

/**
 * Accepts each item on its own (one bad item never loses the rest). A failure on an item the
 * viewer may not see reads as `not_found`, exactly like an id that names nothing.
 */
export async function bulkAcceptAsViewer(db: Db, session: WebSession, itemIds: string[]): Promise<BulkOutcome> {
  const outcome = await bulkAccept(db, { itemIds, deciderRepId: session.rep.id });
  return {
    accepted: outcome.accepted,
    failed: outcome.failed.map((f) =>
      f.code === 'forbidden' || f.code === 'not_found' ? { itemId: f.itemId, code: 'not_found', message: 'No such review item.' } : { itemId: f.itemId, code: f.code, message: f.message },
    ),
  };
}
