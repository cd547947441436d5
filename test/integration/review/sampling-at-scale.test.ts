import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { artifacts, reviewItems } from '../../../db/schema/index.ts';
import { fileArtifacts } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook, seedRun, type SeededBook } from './seed.ts';

const ACCOUNTS = 2000;
const CONCURRENCY = 10;

describe('fileArtifacts at book scale', () => {
  let db: TestDb;
  let book: SeededBook;
  let runId: string;

  beforeAll(async () => {
    db = await createTestDb();
    book = await seedBook(db.db, { accountCount: ACCOUNTS, repCount: 5 });
    runId = await seedRun(db.db, book.bookId);
  });
  afterAll(async () => db.drop());

  describe('when 2,000 undrafted accounts are filed at rate 0.1', () => {
    it('sends between 7% and 13% of them to review', { timeout: 120_000 }, async () => {
      const queue = [...book.accountIds];
      const worker = async () => {
        for (let accountId = queue.pop(); accountId; accountId = queue.pop()) {
          await fileArtifacts(db.db, {
            runId,
            accountId,
            ownerRepId: book.ownerOf.get(accountId) ?? null,
            artifacts: [
              { workflow: 'research', skillName: 'research', skillVersion: 'v1', model: 'm', content: { summary: 's' } },
              { workflow: 'prioritization', skillName: 'prioritization', skillVersion: 'v1', model: 'm', content: { tier: 'C' } },
            ],
            sampleRate: 0.1,
          });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const [items] = await db.db.select({ n: count() }).from(reviewItems).where(and(eq(reviewItems.runId, runId), eq(reviewItems.reason, 'sampled')));
      const [unreviewed] = await db.db.select({ n: count() }).from(artifacts).where(and(eq(artifacts.runId, runId), eq(artifacts.status, 'unreviewed')));
      const fraction = (items?.n ?? 0) / ACCOUNTS;
      expect(fraction).toBeGreaterThanOrEqual(0.07);
      expect(fraction).toBeLessThanOrEqual(0.13);
      expect(unreviewed?.n).toBe(2 * (ACCOUNTS - (items?.n ?? 0)));
    });
  });
});
