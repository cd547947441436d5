/** Test fixtures for memory and review integration tests: a book, reps, accounts and a run, inserted directly. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/client.ts';
import { accounts, books, reps, runs } from '../../../db/schema/index.ts';
import { fileArtifactsMany } from '../../../src/review/index.ts';

export type SeededBook = { bookId: string; repIds: string[]; accountIds: string[]; ownerOf: Map<string, string> };

/** A book with `repCount` reps and `accountCount` accounts owned round-robin. */
export async function seedBook(db: Db, { accountCount, repCount = 1 }: { accountCount: number; repCount?: number }): Promise<SeededBook> {
  const tag = randomUUID().slice(0, 8);
  const [book] = await db.insert(books).values({ name: `book-${tag}` }).returning({ id: books.id });
  if (!book) throw new Error('no book');
  const repRows = await db
    .insert(reps)
    .values(Array.from({ length: repCount }, (_, i) => ({ email: `rep${i}-${tag}@example.test`, name: `Rep ${i}` })))
    .returning({ id: reps.id });
  const repIds = repRows.map((r) => r.id);
  const accountIds: string[] = [];
  const ownerOf = new Map<string, string>();
  // Chunked: one statement per 1,000 rows keeps parameters far under Postgres' 65,535 limit.
  for (let start = 0; start < accountCount; start += 1000) {
    const rows = await db
      .insert(accounts)
      .values(
        Array.from({ length: Math.min(1000, accountCount - start) }, (_, j) => ({
          bookId: book.id,
          externalId: `ext-${start + j}`,
          name: `Account ${start + j}`,
          ownerRepId: repIds[(start + j) % repIds.length] ?? null,
        })),
      )
      .returning({ id: accounts.id, ownerRepId: accounts.ownerRepId });
    for (const row of rows) {
      accountIds.push(row.id);
      if (row.ownerRepId) ownerOf.set(row.id, row.ownerRepId);
    }
  }
  return { bookId: book.id, repIds, accountIds, ownerOf };
}

/** A run of the book; `createdAt` orders runs in the review queue. */
export async function seedRun(db: Db, bookId: string, createdAt = new Date()): Promise<string> {
  const id = `run-${createdAt.toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 6)}`;
  await db.insert(runs).values({ id, bookId, runKey: `manual-${id}`, createdAt });
  return id;
}

/** One account's item as `fileQueueItems` files it: drafted (brief, tier, draft) or sampled (brief, tier). */
export type QueueItemSpec = { accountId: string; tier: 'A' | 'B' | 'C' | 'D' | null; drafted: boolean; subject?: string; riskFlags?: string[] };

/**
 * Files one review item per spec in `runId`, as a run's finalize would (fileArtifactsMany). A null
 * tier leaves the prioritization artifact without a tier. Returns the item ids in spec order.
 */
export async function fileQueueItems(db: Db, runId: string, specs: readonly QueueItemSpec[]): Promise<string[]> {
  const ids: string[] = [];
  // Chunked like seedBook: a few hundred accounts per statement.
  for (let start = 0; start < specs.length; start += 500) {
    const chunk = specs.slice(start, start + 500);
    const filed = await fileArtifactsMany(
      db,
      chunk.map((s) => ({
        runId,
        accountId: s.accountId,
        sampleRate: 1,
        artifacts: [
          { workflow: 'research' as const, skillName: 'research', skillVersion: 'v1', model: 'm', content: { summary: `brief of ${s.accountId}` } },
          { workflow: 'prioritization' as const, skillName: 'prioritization', skillVersion: 'v1', model: 'm', content: s.tier ? { tier: s.tier } : { score: 10 } },
          ...(s.drafted
            ? [
                {
                  workflow: 'drafting' as const,
                  skillName: 'drafting',
                  skillVersion: 'v1',
                  model: 'm',
                  content: { to: 'buyer@example.test', recipientName: 'Buyer', subject: s.subject ?? `Idea for ${s.accountId.slice(0, 8)}`, body: 'Hello.', citations: [], riskFlags: [] },
                  riskFlags: s.riskFlags ?? [],
                },
              ]
            : []),
        ],
      })),
    );
    for (const f of filed) {
      if (!f.reviewItemId) throw new Error('an account got no review item');
      ids.push(f.reviewItemId);
    }
  }
  return ids;
}
