/**
 * Starting and finishing runs. A run row is created once per (book, run key): a nightly trigger
 * fired twice, or `bookrun run` retried, finds the existing run instead of starting another.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { books, runItems, runs } from '../../db/schema/index.ts';
import type { BudgetLimit } from '../budget/units.ts';
import { AppError } from '../errors.ts';
import { summarizeRun, type RunSummary } from './summary.ts';

export type NewRun = {
  bookName: string;
  trigger?: 'manual' | 'schedule';
  /** Defaults to a fresh key per manual run; the calendar date for scheduled runs. */
  runKey?: string;
  /** The run's hard cap; none means uncapped. */
  budget?: BudgetLimit | undefined;
  /** `batch`: each stage goes to the Message Batches API at half price (src/run/batch-stage.ts). */
  mode?: 'realtime' | 'batch';
  settings?: Record<string, unknown>;
};

/** `run-20261121-3fa9c2`: sortable by day, never all digits, no `:`. */
export function newRunId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `run-${day}-${randomBytes(3).toString('hex')}`;
}

export async function createRun(db: Db, input: NewRun, now: Date): Promise<{ runId: string; bookId: string; created: boolean }> {
  const [book] = await db.select({ id: books.id }).from(books).where(eq(books.name, input.bookName));
  if (!book) {
    const known = await db.select({ name: books.name }).from(books).orderBy(books.name).limit(20);
    const hint = known.length ? `known books: ${known.map((b) => b.name).join(', ')}` : 'import one with: bookrun book import FILE.csv --book NAME';
    throw new AppError('not_found', `no book named "${input.bookName}" (${hint})`);
  }
  const runId = newRunId(now);
  const runKey = input.runKey ?? `manual-${runId}`;
  const [inserted] = await db
    .insert(runs)
    .values({
      id: runId,
      bookId: book.id,
      runKey,
      trigger: input.trigger ?? 'manual',
      mode: input.mode ?? 'realtime',
      status: 'pending',
      budgetTokens: input.budget?.kind === 'tokens' ? input.budget.tokens : null,
      budgetUsd: input.budget?.kind === 'usd' ? input.budget.usd : null,
      settings: input.settings ?? {},
    })
    .onConflictDoNothing()
    .returning({ id: runs.id });
  if (inserted) return { runId: inserted.id, bookId: book.id, created: true };
  const [existing] = await db.select({ id: runs.id }).from(runs).where(and(eq(runs.bookId, book.id), eq(runs.runKey, runKey)));
  if (!existing) throw new Error(`run for book "${input.bookName}" and key ${runKey} vanished`);
  return { runId: existing.id, bookId: book.id, created: false };
}

export async function markRunStarted(db: DbOrTx, runId: string, now: Date): Promise<void> {
  // A resumed run keeps its first start time, so its duration covers every pass.
  await db
    .update(runs)
    .set({ status: 'running', startedAt: sql`coalesce(${runs.startedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(runs.id, runId), eq(runs.status, 'pending')));
}

/** Records why an account failed, at the step that failed. Done accounts are never downgraded. */
export async function markItemFailed(db: DbOrTx, runId: string, accountId: string, step: string, error: string): Promise<void> {
  await db
    .update(runItems)
    .set({ status: 'failed', failedStep: step, error: error.slice(0, 1_000), finishedAt: new Date() })
    .where(and(eq(runItems.runId, runId), eq(runItems.accountId, accountId), notInArray(runItems.status, ['done', 'failed'])));
}

/**
 * Closes a run once every account flow has finished: anything not done or deferred by now failed
 * (its flow was ignored by the run job), the summary is stored, and the status becomes
 * `completed`, or `completed_with_deferrals` when the budget left accounts for a resume. A
 * cancelled run stays cancelled, and what it left unfinished is `cancelled`, not failed.
 */
export async function completeRun(db: Db, runId: string, now: Date): Promise<RunSummary> {
  const [run] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  const cancelled = run?.status === 'cancelled';
  await db
    .update(runItems)
    .set(
      cancelled
        ? { status: 'cancelled', error: 'the run was cancelled', finishedAt: now }
        : { status: 'failed', error: 'the account flow ended without finishing (see the failed job for details)', finishedAt: now },
    )
    .where(and(eq(runItems.runId, runId), inArray(runItems.status, ['pending', 'queued', 'drafting'])));
  const [deferred] = await db
    .select({ id: runItems.accountId })
    .from(runItems)
    .where(and(eq(runItems.runId, runId), eq(runItems.status, 'deferred_budget')))
    .limit(1);
  await db
    .update(runs)
    .set({ status: cancelled ? 'cancelled' : deferred ? 'completed_with_deferrals' : 'completed', finishedAt: now })
    .where(eq(runs.id, runId));
  const summary = await summarizeRun(db, runId, now);
  await db.update(runs).set({ summary }).where(eq(runs.id, runId));
  return summary;
}
