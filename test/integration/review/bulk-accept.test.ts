/**
 * bulkAccept: each item accepted in its own transaction through decideReviewItem; the ones that
 * cannot be accepted are reported with their error and never cost the others; one audit row.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, contacts, outbox, reviewItems } from '../../../db/schema/index.ts';
import { bulkAccept, decideReviewItem } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';

let db: TestDb;
let world: DraftedWorld;

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 20, repCount: 2 });
});
afterAll(async () => db?.drop());

const repA = () => world.book.repIds[0] ?? '';
const itemsOf = (repId: string) => world.items.filter((i) => i.ownerRepId === repId);

async function statusOf(itemIds: string[]) {
  const rows = await db.db.select({ id: reviewItems.id, status: reviewItems.status }).from(reviewItems).where(inArray(reviewItems.id, itemIds));
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

describe('when a rep accepts a mix of good and bad items at once', () => {
  it('accepts the good ones and reports each bad one with its error code', async () => {
    const [ok1, ok2, decided, optedOut, ok3] = itemsOf(repA());
    const foreign = itemsOf(world.book.repIds[1] ?? '')[0];
    if (!ok1 || !ok2 || !decided || !optedOut || !ok3 || !foreign) throw new Error('not enough items');
    await decideReviewItem(db.db, { itemId: decided.itemId, deciderRepId: repA(), verdict: 'rejected', rejectReason: 'timing' });
    await db.db.update(contacts).set({ doNotContact: true }).where(eq(contacts.accountId, optedOut.accountId));
    const missing = '00000000-0000-4000-8000-000000000009';

    const result = await bulkAccept(db.db, { itemIds: [ok1.itemId, foreign.itemId, decided.itemId, ok2.itemId, missing, optedOut.itemId, ok3.itemId, ok1.itemId], deciderRepId: repA() });

    expect(result.accepted).toEqual([ok1.itemId, ok2.itemId, ok3.itemId]);
    expect(result.failed.map((f) => [f.itemId, f.code])).toEqual([
      [foreign.itemId, 'forbidden'],
      [decided.itemId, 'conflict'],
      [missing, 'not_found'],
      [optedOut.itemId, 'precondition_failed'],
    ]);
    expect(result.failed.every((f) => f.message.length > 0)).toBe(true);
    expect(await statusOf([ok1.itemId, ok2.itemId, ok3.itemId, foreign.itemId, decided.itemId, optedOut.itemId])).toEqual({
      [ok1.itemId]: 'accepted',
      [ok2.itemId]: 'accepted',
      [ok3.itemId]: 'accepted',
      [foreign.itemId]: 'pending',
      [decided.itemId]: 'rejected',
      [optedOut.itemId]: 'pending',
    });
    // Each accepted draft queued its side effects; the refused ones queued nothing.
    const queued = await db.db.select({ itemId: outbox.reviewItemId }).from(outbox).where(inArray(outbox.reviewItemId, [ok1.itemId, ok2.itemId, ok3.itemId, optedOut.itemId, foreign.itemId]));
    expect(queued.filter((q) => q.itemId === ok1.itemId)).toHaveLength(2);
    expect(queued.filter((q) => q.itemId === optedOut.itemId || q.itemId === foreign.itemId)).toEqual([]);

    const [audit, ...more] = await db.db.select().from(auditLog).where(eq(auditLog.action, 'review_item.bulk_accept'));
    expect(more).toEqual([]);
    expect(audit).toMatchObject({ entity: 'review_item', entityId: null, actor: expect.stringMatching(/^rep0-/) });
    expect(audit?.data).toEqual({ repId: repA(), requested: 7, accepted: 3, failed: 4, failedByCode: { forbidden: 1, conflict: 1, not_found: 1, precondition_failed: 1 } });
    const perItem = await db.db.select().from(auditLog).where(and(eq(auditLog.action, 'review_item.accepted'), eq(auditLog.entityId, ok2.itemId)));
    expect(perItem).toHaveLength(1);
  });

  it("lets a manager accept any rep's items", async () => {
    const items = world.items.slice(-4);
    const result = await bulkAccept(db.db, { itemIds: items.map((i) => i.itemId), deciderRepId: world.managerId });
    expect(result).toEqual({ accepted: items.map((i) => i.itemId), failed: [] });
  });

  it('rolls back only the failed item when called inside a transaction', async () => {
    const [good, decided] = itemsOf(repA()).slice(5, 7);
    if (!good || !decided) throw new Error('not enough items');
    await decideReviewItem(db.db, { itemId: decided.itemId, deciderRepId: repA(), verdict: 'accepted' });
    const result = await db.db.transaction((tx) => bulkAccept(tx, { itemIds: [decided.itemId, good.itemId], deciderRepId: repA() }));
    expect(result.accepted).toEqual([good.itemId]);
    expect(result.failed.map((f) => f.code)).toEqual(['conflict']);
    expect(await statusOf([good.itemId])).toEqual({ [good.itemId]: 'accepted' });
  });
});

describe('when the request itself is bad', () => {
  it('refuses an empty or oversized selection and an unknown decider, accepting nothing', async () => {
    const pending = itemsOf(repA())[7];
    if (!pending) throw new Error('no item');
    await expect(bulkAccept(db.db, { itemIds: [], deciderRepId: repA() })).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('select at least one item') });
    const tooMany = Array.from({ length: 201 }, () => pending.itemId);
    await expect(bulkAccept(db.db, { itemIds: tooMany, deciderRepId: repA() })).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('at most 200') });
    await expect(bulkAccept(db.db, { itemIds: [pending.itemId], deciderRepId: '00000000-0000-4000-8000-000000000009' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await statusOf([pending.itemId])).toEqual({ [pending.itemId]: 'pending' });
  });
});
