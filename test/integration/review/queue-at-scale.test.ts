/**
 * The morning queue page at book scale: a rep with 4,000 pending items (another rep's 4,000
 * interleaved in the same tables): order, filters, paging and neighbours hold over the whole
 * queue. How fast they are is measured by `npm run bench` (src/review/AGENTS.md, "Queue
 * performance"), never asserted in a test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReviewItem, listReviewQueue, summarizeReviewQueue } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { fileQueueItems, seedBook, seedRun, type SeededBook } from './seed.ts';

const ACCOUNTS = 4000;
const TIERS = ['A', 'B', 'C', 'D', null] as const;

let db: TestDb;
let book: SeededBook;

beforeAll(async () => {
  db = await createTestDb();
  book = await seedBook(db.db, { accountCount: ACCOUNTS, repCount: 2 });
  for (const [r, at] of ['2025-03-01T02:00:00Z', '2025-03-02T02:00:00Z'].entries()) {
    const runId = await seedRun(db.db, book.bookId, new Date(at));
    await fileQueueItems(
      db.db,
      runId,
      book.accountIds.map((accountId, i) => ({ accountId, tier: TIERS[(i + r) % 5] ?? null, drafted: i % 4 !== 0 })),
    );
  }
  // Statistics as autoanalyze keeps them in production; plans on a never-analysed table are not the ones that ship.
  await db.sql`analyze`;
}, 120_000);
afterAll(async () => db?.drop());

describe('when a rep has 4,000 pending items', () => {
  it('pages the queue newest run first, tier by tier, with filters and counts over all of it', async () => {
    const repId = book.repIds[0] ?? '';
    const viewer = { repId, role: 'rep' as const };
    const first = await listReviewQueue(db.db, { repId });
    expect(first.items).toHaveLength(50);
    const [newest] = first.items;
    // Newest run first, tier A first within it.
    expect(first.items.every((i) => i.runId === newest?.runId && i.tier === 'A')).toBe(true);
    const summary = await summarizeReviewQueue(db.db, viewer);
    expect(summary.total).toBe(ACCOUNTS);
    expect(summary.runs).toHaveLength(2);

    const deep = await listReviewQueue(db.db, { repId, cursor: first.nextCursor, tier: 'C' });
    expect(deep.items).toHaveLength(50);
    expect(deep.items.every((i) => i.tier === 'C' && i.ownerRepId === repId)).toBe(true);
    const item = await getReviewItem(db.db, { itemId: first.items[25]?.id ?? '', viewer });
    expect(item.neighbors.prevId).toBe(first.items[24]?.id);
    expect(item.neighbors.nextId).toBe(first.items[26]?.id);
    // Timings at this size are measured by `npm run bench` (review UI), not asserted here.
  });
});
