/**
 * Snapshots a book into a run: one run_items row per account with its pre-score and priority.
 * Idempotent (a retried run job inserts nothing twice).
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { accounts, runItems, runs } from '../../db/schema/index.ts';
import { preScore } from './pre-score.ts';

const INSERT_BATCH = 1_000;

export async function snapshotRunItems(db: Db, runId: string, bookId: string, now: Date): Promise<number> {
  const rows = await db
    .select({ id: accounts.id, arrUsd: accounts.arrUsd, stage: accounts.stage, lastActivityAt: accounts.lastActivityAt, signals: accounts.signals, name: accounts.name })
    .from(accounts)
    .where(eq(accounts.bookId, bookId));
  const scored = rows
    .map((r) => ({ accountId: r.id, name: r.name, preScore: preScore(r, now) }))
    // Highest first; name then id keep the order stable between runs of the same book.
    .sort((a, b) => b.preScore - a.preScore || a.name.localeCompare(b.name) || a.accountId.localeCompare(b.accountId));
  await db.transaction(async (tx) => {
    for (let i = 0; i < scored.length; i += INSERT_BATCH) {
      const batch = scored.slice(i, i + INSERT_BATCH).map((s, j) => ({ runId, accountId: s.accountId, preScore: s.preScore, priority: i + j + 1 }));
      await tx.insert(runItems).values(batch).onConflictDoNothing();
    }
    await tx.update(runs).set({ accounts: sql`(select count(*) from ${runItems} where ${runItems.runId} = ${runId})` }).where(eq(runs.id, runId));
  });
  // Thousands of rows just arrived: without fresh statistics the planner sends the run's
  // per-batch updates through a scan of the run's items instead of the primary key.
  await db.execute(sql`analyze run_items`);
  return scored.length;
}
