/**
 * A run's summary, computed from Postgres (the ledger, not Redis, is the truth about spend).
 * The JSON shape is part of the CLI contract (DESIGN.md): extend it, never break it.
 */
import { and, count, eq, inArray, sql, sum } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { accounts, artifacts, books, llmCalls, reviewItems, runItems, runs, stepResults, type RunStatus } from '../../db/schema/index.ts';
import { deferralOf, type Deferral } from './deferral.ts';
import { NotFoundError } from '../errors.ts';

export type RunSummary = {
  runId: string;
  book: string;
  status: RunStatus;
  accounts: number;
  completed: number;
  failed: number;
  deferred: number;
  pending: number;
  drafts: number;
  tiers: { A: number; B: number; C: number; D: number };
  reviewItems: { drafted: number; sampled: number };
  llmCalls: number;
  failedCalls: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  costUsd: number;
  /** `limitTokens`/`limitUsd`: the run's cap (at most one is set); spent is from the ledger. */
  budget: { limitTokens: number | null; spentTokens: number; limitUsd: number | null; spentUsd: number };
  /** Set when accounts were deferred for budget: by step, and what finishing them would cost. */
  deferral: Deferral | null;
  /** Ledger cost per account served and per drafted account; per accepted draft once reviews exist. */
  unitCosts: { perAccountUsd: number | null; perDraftUsd: number | null; perAcceptedDraftUsd: number | null; acceptedDrafts: number };
  seconds: number;
  failures: Array<{ accountId: string; account: string; step: string | null; error: string }>;
};

/** At most this many failures are listed; the counts stay exact. */
const LISTED_FAILURES = 50;

export async function summarizeRun(db: DbOrTx, runId: string, now = new Date()): Promise<RunSummary> {
  const [run] = await db
    .select({ id: runs.id, status: runs.status, budgetTokens: runs.budgetTokens, budgetUsd: runs.budgetUsd, settings: runs.settings, startedAt: runs.startedAt, createdAt: runs.createdAt, finishedAt: runs.finishedAt, book: books.name })
    .from(runs)
    .innerJoin(books, eq(books.id, runs.bookId))
    .where(eq(runs.id, runId));
  if (!run) throw new NotFoundError('run', runId);

  const [statusRows, tierRows, draftRows, callRows, reviewRows, failureRows, acceptedRows] = await Promise.all([
    db.select({ status: runItems.status, n: count() }).from(runItems).where(eq(runItems.runId, runId)).groupBy(runItems.status),
    db.select({ tier: runItems.tier, n: count() }).from(runItems).where(eq(runItems.runId, runId)).groupBy(runItems.tier),
    db
      .select({ n: count() })
      .from(stepResults)
      .where(and(eq(stepResults.runId, runId), eq(stepResults.step, 'draft'), eq(stepResults.status, 'succeeded'))),
    db
      .select({
        calls: count(),
        failed: sql<number>`count(*) filter (where ${llmCalls.status} <> 'ok')`.mapWith(Number),
        input: sum(llmCalls.inputTokens).mapWith(Number),
        output: sum(llmCalls.outputTokens).mapWith(Number),
        cacheRead: sum(llmCalls.cacheReadTokens).mapWith(Number),
        cacheWrite: sum(llmCalls.cacheWriteTokens).mapWith(Number),
        cost: sum(llmCalls.costUsd).mapWith(Number),
      })
      .from(llmCalls)
      .where(eq(llmCalls.runId, runId)),
    db.select({ reason: reviewItems.reason, n: count() }).from(reviewItems).where(eq(reviewItems.runId, runId)).groupBy(reviewItems.reason),
    db
      .select({ accountId: runItems.accountId, account: accounts.name, step: runItems.failedStep, error: runItems.error })
      .from(runItems)
      .innerJoin(accounts, eq(accounts.id, runItems.accountId))
      .where(and(eq(runItems.runId, runId), eq(runItems.status, 'failed')))
      .orderBy(runItems.priority)
      .limit(LISTED_FAILURES),
    db
      .select({ n: count() })
      .from(artifacts)
      .where(and(eq(artifacts.runId, runId), eq(artifacts.workflow, 'drafting'), inArray(artifacts.status, ['accepted', 'edited']))),
  ]);

  const byStatus = Object.fromEntries(statusRows.map((r) => [r.status, r.n])) as Partial<Record<string, number>>;
  const tiers = { A: 0, B: 0, C: 0, D: 0 };
  for (const r of tierRows) if (r.tier) tiers[r.tier] = r.n;
  const calls = callRows[0];
  const tokens = { input: calls?.input ?? 0, output: calls?.output ?? 0, cacheRead: calls?.cacheRead ?? 0, cacheWrite: calls?.cacheWrite ?? 0 };
  const byReason = Object.fromEntries(reviewRows.map((r) => [r.reason, r.n])) as Partial<Record<string, number>>;
  const started = run.startedAt ?? run.createdAt;
  const ended = run.finishedAt ?? now;
  const total = statusRows.reduce((s, r) => s + r.n, 0);
  const deferred = byStatus['deferred_budget'] ?? 0;
  const policy = (run.settings['policy'] ?? {}) as { draftTiers?: string[] };
  const deferral = deferred > 0 ? await deferralOf(db, runId, policy.draftTiers ?? ['A', 'B']) : null;
  const cost = calls?.cost ?? 0;
  const drafts = draftRows[0]?.n ?? 0;
  const served = (byStatus['done'] ?? 0) + (byStatus['failed'] ?? 0);
  const accepted = acceptedRows[0]?.n ?? 0;
  const per = (n: number) => (n > 0 ? Math.round((cost / n) * 1e6) / 1e6 : null);
  return {
    runId,
    book: run.book,
    status: run.status,
    accounts: total,
    completed: byStatus['done'] ?? 0,
    failed: byStatus['failed'] ?? 0,
    deferred,
    pending: (byStatus['pending'] ?? 0) + (byStatus['queued'] ?? 0),
    drafts,
    tiers,
    reviewItems: { drafted: byReason['drafted'] ?? 0, sampled: byReason['sampled'] ?? 0 },
    llmCalls: calls?.calls ?? 0,
    failedCalls: calls?.failed ?? 0,
    tokens,
    costUsd: Math.round(cost * 1e6) / 1e6,
    budget: {
      limitTokens: run.budgetTokens,
      spentTokens: tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite,
      limitUsd: run.budgetUsd,
      spentUsd: Math.round(cost * 1e6) / 1e6,
    },
    deferral,
    unitCosts: { perAccountUsd: per(served), perDraftUsd: per(drafts), perAcceptedDraftUsd: per(accepted), acceptedDrafts: accepted },
    seconds: Math.round((ended.getTime() - started.getTime()) / 100) / 10,
    failures: failureRows.map((f) => ({ accountId: f.accountId, account: f.account, step: f.step, error: f.error ?? 'unknown error' })),
  };
}
