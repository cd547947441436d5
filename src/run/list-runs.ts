/** Run history for `bookrun runs list`: newest first, with the stored summary's headline numbers. */
import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { books, runs, type RunStatus } from '../../db/schema/index.ts';

export type RunListItem = {
  runId: string;
  book: string;
  status: RunStatus;
  trigger: 'manual' | 'schedule';
  accounts: number;
  completed: number | null;
  failed: number | null;
  drafts: number | null;
  costUsd: number | null;
  createdAt: string;
  seconds: number | null;
};

export async function listRuns(db: DbOrTx, options: { book?: string | undefined; limit?: number } = {}): Promise<RunListItem[]> {
  const query = db
    .select({
      id: runs.id,
      book: books.name,
      status: runs.status,
      trigger: runs.trigger,
      accounts: runs.accounts,
      summary: runs.summary,
      createdAt: runs.createdAt,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .innerJoin(books, eq(books.id, runs.bookId))
    .orderBy(desc(runs.createdAt))
    .limit(options.limit ?? 20);
  const rows = options.book ? await query.where(eq(books.name, options.book)) : await query;
  return rows.map((r) => {
    const s = (r.summary ?? {}) as Partial<Record<'completed' | 'failed' | 'drafts' | 'costUsd', number>>;
    return {
      runId: r.id,
      book: r.book,
      status: r.status,
      trigger: r.trigger,
      accounts: r.accounts,
      completed: s.completed ?? null,
      failed: s.failed ?? null,
      drafts: s.drafts ?? null,
      costUsd: s.costUsd ?? null,
      createdAt: r.createdAt.toISOString(),
      seconds: r.startedAt && r.finishedAt ? Math.round((r.finishedAt.getTime() - r.startedAt.getTime()) / 100) / 10 : null,
    };
  });
}
