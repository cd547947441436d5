import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../db/schema/index.ts';
import { fileArtifacts, listReviewQueue, type ArtifactInput } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook, seedRun, type SeededBook } from './seed.ts';

const artifact = (workflow: Workflow, content: Record<string, unknown>): ArtifactInput => ({ workflow, skillName: workflow, skillVersion: 'v1', model: 'm', content });

describe('listReviewQueue', () => {
  let db: TestDb;
  let book: SeededBook;
  let olderRun: string;
  let newerRun: string;
  const repA = () => book.repIds[0] ?? '';
  const repB = () => book.repIds[1] ?? '';

  beforeAll(async () => {
    db = await createTestDb();
    book = await seedBook(db.db, { accountCount: 8, repCount: 2 });
    olderRun = await seedRun(db.db, book.bookId, new Date('2025-03-01T02:00:00Z'));
    newerRun = await seedRun(db.db, book.bookId, new Date('2025-03-02T02:00:00Z'));
    for (const runId of [olderRun, newerRun]) {
      for (const accountId of book.accountIds) {
        await fileArtifacts(db.db, {
          runId,
          accountId,
          ownerRepId: book.ownerOf.get(accountId) ?? null,
          artifacts: [artifact('research', { summary: `brief ${runId}` }), artifact('prioritization', { tier: 'B' }), artifact('drafting', { subject: 'Hi' })],
          sampleRate: 0,
        });
      }
    }
  });
  afterAll(async () => db.drop());

  describe('when a rep lists their queue', () => {
    it("returns only their own accounts' items, newest run first, with brief, tier, draft and account name", async () => {
      const { items, nextCursor } = await listReviewQueue(db.db, { repId: repA() });
      expect(nextCursor).toBeNull();
      expect(items).toHaveLength(8);
      expect(items.every((i) => i.ownerRepId === repA() && book.ownerOf.get(i.accountId) === repA())).toBe(true);
      expect(items.slice(0, 4).every((i) => i.runId === newerRun)).toBe(true);
      expect(items.slice(4).every((i) => i.runId === olderRun)).toBe(true);
      const first = items[0];
      expect(first?.accountName).toMatch(/^Account \d+$/);
      expect(first?.artifacts.research?.content).toEqual({ summary: `brief ${newerRun}` });
      expect(first?.artifacts.prioritization?.content).toEqual({ tier: 'B' });
      expect(first?.artifacts.drafting?.status).toBe('pending_review');
    });

    it("never shows another rep's items", async () => {
      const mine = await listReviewQueue(db.db, { repId: repB() });
      const theirs = await listReviewQueue(db.db, { repId: repA() });
      const overlap = mine.items.filter((i) => theirs.items.some((t) => t.id === i.id));
      expect(overlap).toEqual([]);
    });
  });

  describe('when the queue is paged', () => {
    it('walks every item exactly once with the cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listReviewQueue>> = await listReviewQueue(db.db, { repId: repA(), limit: 3, cursor });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      const all = await listReviewQueue(db.db, { repId: repA() });
      expect(seen).toEqual(all.items.map((i) => i.id));
    });
  });

  describe('when a manager lists the queue', () => {
    it("returns every rep's items", async () => {
      const { items } = await listReviewQueue(db.db, { repId: repA(), role: 'manager', limit: 200 });
      expect(items).toHaveLength(16);
    });
  });

  describe('when filtering by another status', () => {
    it('returns nothing while everything is pending', async () => {
      expect((await listReviewQueue(db.db, { repId: repA(), status: 'accepted' })).items).toEqual([]);
    });
  });
});
