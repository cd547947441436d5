/**
 * getReviewItem: one item in full for a viewer who may see it, `not_found` for everyone else (a rep
 * cannot tell someone else's item from a missing one); markReviewItemViewed: owners only, once.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, reps, reviewItems } from '../../../db/schema/index.ts';
import { rememberItems } from '../../../src/memory/index.ts';
import { decideReviewItem, getReviewItem, listReviewQueue, markReviewItemViewed, type Viewer } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { rejection } from '../../support/app-error.ts';
import { itemAt, seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';
import { fileQueueItems, seedRun } from './seed.ts';

let db: TestDb;
let world: DraftedWorld;
let flaggedItemId: string;
const rep = (repId: string): Viewer => ({ repId, role: 'rep' });
const manager = (): Viewer => ({ repId: world.managerId, role: 'manager' });

const item = (i: number) => itemAt(world, i);

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 10, repCount: 2 });
  const it0 = item(0);
  await db.db.insert(activities).values([
    { accountId: it0.accountId, kind: 'call', occurredAt: new Date('2025-02-01T10:00:00Z'), summary: 'Intro call', dedupeKey: 'a1' },
    { accountId: it0.accountId, kind: 'email', occurredAt: new Date('2025-02-20T10:00:00Z'), summary: 'Sent pricing', dedupeKey: 'a2' },
    { accountId: it0.accountId, kind: 'note', occurredAt: null, summary: 'Undated note', dedupeKey: 'a3' },
  ]);
  await rememberItems(db.db, {
    accountId: it0.accountId,
    items: [{ kind: 'avoid', key: 'layoffs', content: 'the layoffs', source: 'review:earlier', observedAt: new Date('2025-02-01T00:00:00Z') }],
  });
  // An older run's item of the same account, with risk flags on the artifact.
  const olderRun = await seedRun(db.db, world.book.bookId, new Date('2024-12-01T02:00:00Z'));
  [flaggedItemId = ''] = await fileQueueItems(db.db, olderRun, [{ accountId: it0.accountId, tier: 'C', drafted: true, riskFlags: ['unverified_claim'] }]);
});
afterAll(async () => db?.drop());

describe('when the owner opens their item', () => {
  it('returns the item with artifacts, account, contacts, latest activity, memory and owner', async () => {
    const it0 = item(0);
    const detail = await getReviewItem(db.db, { itemId: it0.itemId, viewer: rep(it0.ownerRepId) });
    expect(detail).toMatchObject({
      id: it0.itemId,
      status: 'pending',
      tier: 'A',
      reason: 'drafted',
      accountId: it0.accountId,
      accountName: 'Account 0',
      decidedBy: null,
      finalContent: null,
      editedContent: null,
      firstViewedAt: null,
      owner: { id: it0.ownerRepId, email: expect.stringMatching(/^rep0-/), name: 'Rep 0' },
      account: { id: it0.accountId, externalId: 'ext-0', name: 'Account 0', signals: [], notes: null },
      contacts: [{ name: 'Buyer 0', title: 'VP Operations', email: it0.recipient, doNotContact: false }],
      lastInteraction: { kind: 'email', summary: 'Sent pricing', occurredAt: new Date('2025-02-20T10:00:00Z') },
      riskFlags: [],
    });
    expect(Object.keys(detail.artifacts).sort()).toEqual(['drafting', 'prioritization', 'research']);
    expect(detail.artifacts.drafting?.content).toMatchObject({ subject: it0.subject });
    expect(detail.memory.avoid.map((m) => m.content)).toEqual(['the layoffs']);
  });

  it('unions the risk flags of its artifacts', async () => {
    const detail = await getReviewItem(db.db, { itemId: flaggedItemId, viewer: manager() });
    expect(detail.riskFlags).toEqual(['unverified_claim']);
  });

  it('shows who decided, the final text and the reject reason once decided', async () => {
    const it1 = item(1);
    await decideReviewItem(db.db, { itemId: it1.itemId, deciderRepId: world.managerId, verdict: 'edited', edited: { subject: 'New subject', body: 'New body.' } });
    const detail = await getReviewItem(db.db, { itemId: it1.itemId, viewer: rep(it1.ownerRepId) });
    expect(detail).toMatchObject({
      status: 'edited',
      decidedBy: { email: expect.stringMatching(/^manager-/), name: 'Manager' },
      editedContent: { subject: 'New subject', body: 'New body.' },
      finalContent: { subject: 'New subject', body: 'New body.' },
      rejectReason: null,
    });
    expect(detail.editDistance).toBeGreaterThan(0);
    expect(detail.memory.resonated.map((m) => m.content)).toContain('New subject');
  });
});

describe("when a rep asks for another rep's item", () => {
  it('answers not_found, exactly as for a missing item, while deciding it is forbidden', async () => {
    const it2 = item(2);
    const stranger = world.book.repIds.find((r) => r !== it2.ownerRepId) ?? '';
    const hidden = await rejection(getReviewItem(db.db, { itemId: it2.itemId, viewer: rep(stranger) }));
    const missing = await rejection(getReviewItem(db.db, { itemId: '00000000-0000-4000-8000-000000000009', viewer: rep(stranger) }));
    expect(hidden.code).toBe('not_found');
    expect(missing.code).toBe('not_found');
    expect(hidden.message.replace(it2.itemId, 'X')).toBe(missing.message.replace('00000000-0000-4000-8000-000000000009', 'X'));
    const garbage = await rejection(getReviewItem(db.db, { itemId: 'not-a-uuid', viewer: rep(stranger) }));
    expect(garbage.code).toBe('not_found');
    const decide = await rejection(decideReviewItem(db.db, { itemId: it2.itemId, deciderRepId: stranger, verdict: 'accepted' }));
    expect(decide.code).toBe('forbidden');
  });

  it('lets a manager see every item, including unassigned ones', async () => {
    const it3 = item(3);
    await db.db.update(reviewItems).set({ ownerRepId: null }).where(eq(reviewItems.id, it3.itemId));
    const detail = await getReviewItem(db.db, { itemId: it3.itemId, viewer: manager() });
    expect(detail.owner).toBeNull();
    expect((await rejection(getReviewItem(db.db, { itemId: it3.itemId, viewer: rep(it3.ownerRepId) }))).code).toBe('not_found');
    await db.db.update(reviewItems).set({ ownerRepId: it3.ownerRepId }).where(eq(reviewItems.id, it3.itemId));
  });
});

describe('when moving through the queue from an item', () => {
  it("names the previous and next items of the viewer's pending queue, in list order", async () => {
    const owner = item(4).ownerRepId;
    const { items } = await listReviewQueue(db.db, { repId: owner });
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const [i, current] of items.entries()) {
      const detail = await getReviewItem(db.db, { itemId: current.id, viewer: rep(owner) });
      expect(detail.neighbors).toEqual({ prevId: items[i - 1]?.id ?? null, nextId: items[i + 1]?.id ?? null });
    }
  });

  it('still points at the next pending item after the current one was decided', async () => {
    const owner = item(4).ownerRepId;
    const { items } = await listReviewQueue(db.db, { repId: owner });
    const [first, second, third] = items;
    if (!first || !second || !third) throw new Error('queue too short');
    await decideReviewItem(db.db, { itemId: second.id, deciderRepId: owner, verdict: 'rejected', rejectReason: 'timing' });
    const detail = await getReviewItem(db.db, { itemId: second.id, viewer: rep(owner) });
    expect(detail.neighbors).toEqual({ prevId: first.id, nextId: third.id });
  });

  it("walks a manager's neighbours over every rep's items", async () => {
    const { items } = await listReviewQueue(db.db, { repId: world.managerId, role: 'manager', limit: 200 });
    const middle = items[3];
    if (!middle) throw new Error('queue too short');
    const detail = await getReviewItem(db.db, { itemId: middle.id, viewer: manager() });
    expect(detail.neighbors).toEqual({ prevId: items[2]?.id ?? null, nextId: items[4]?.id ?? null });
  });
});

describe('when an item is viewed', () => {
  async function firstViewed(itemId: string) {
    const [row] = await db.db.select({ at: reviewItems.firstViewedAt }).from(reviewItems).where(eq(reviewItems.id, itemId));
    return row?.at ?? null;
  }

  it('stamps the first view of the owner only, once', async () => {
    const it5 = item(5);
    const stranger = world.book.repIds.find((r) => r !== it5.ownerRepId) ?? '';
    await markReviewItemViewed(db.db, { itemId: it5.itemId, viewer: manager() });
    await markReviewItemViewed(db.db, { itemId: it5.itemId, viewer: rep(stranger) });
    expect(await firstViewed(it5.itemId)).toBeNull();
    await markReviewItemViewed(db.db, { itemId: it5.itemId, viewer: rep(it5.ownerRepId) });
    const first = await firstViewed(it5.itemId);
    expect(first).toBeInstanceOf(Date);
    await markReviewItemViewed(db.db, { itemId: it5.itemId, viewer: rep(it5.ownerRepId) });
    expect(await firstViewed(it5.itemId)).toEqual(first);
    expect((await getReviewItem(db.db, { itemId: it5.itemId, viewer: rep(it5.ownerRepId) })).firstViewedAt).toEqual(first);
  });

  it('stamps a manager who owns the item, and ignores unknown or malformed ids', async () => {
    const it6 = item(6);
    await db.db.update(reps).set({ role: 'manager' }).where(eq(reps.id, it6.ownerRepId));
    await markReviewItemViewed(db.db, { itemId: it6.itemId, viewer: { repId: it6.ownerRepId, role: 'manager' } });
    expect(await firstViewed(it6.itemId)).toBeInstanceOf(Date);
    await db.db.update(reps).set({ role: 'rep' }).where(eq(reps.id, it6.ownerRepId));
    await expect(markReviewItemViewed(db.db, { itemId: 'nope', viewer: manager() })).resolves.toBeUndefined();
    await expect(markReviewItemViewed(db.db, { itemId: '00000000-0000-4000-8000-000000000009', viewer: manager() })).resolves.toBeUndefined();
  });
});
