/**
 * `bookrun runs resume ID`: a run that ended with accounts deferred for budget gets more budget
 * (optionally) and a new pass over exactly those accounts. Memoized steps are not paid again: an
 * account whose research was stored goes straight on to what is missing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { jobCatalog } from '../../jobs/catalog.ts';
import { runItems, runs } from '../../db/schema/index.ts';
import { describeLimit, fromUnits, limitUnits, type BudgetLimit } from '../budget/units.ts';
import type { Deps } from '../deps.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { runJobId } from '../queue/names.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';

export type ResumeResult = { runId: string; generation: number; resumed: number; budget: BudgetLimit | null };

export async function resumeRun(deps: Deps, runId: string, budget?: BudgetLimit): Promise<ResumeResult> {
  const [run] = await deps.db
    .select({ status: runs.status, generation: runs.generation, budgetTokens: runs.budgetTokens, budgetUsd: runs.budgetUsd })
    .from(runs)
    .where(eq(runs.id, runId));
  if (!run) throw new NotFoundError('run', runId);
  if (run.status === 'pending' || run.status === 'running')
    throw new AppError('precondition_failed', `run ${runId} is still ${run.status}; it continues while a worker runs (bookrun worker)`);
  const current: BudgetLimit | null =
    run.budgetUsd !== null ? { kind: 'usd', usd: run.budgetUsd } : run.budgetTokens !== null ? { kind: 'tokens', tokens: run.budgetTokens } : null;
  if (budget && current && budget.kind !== current.kind)
    throw new AppError('validation', `run ${runId} has a ${current.kind === 'usd' ? 'USD' : 'token'} budget; resume it with --budget-${current.kind === 'usd' ? 'usd' : 'tokens'}`);

  const [deferred] = await deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(runItems)
    .where(and(eq(runItems.runId, runId), eq(runItems.status, 'deferred_budget')));
  if (!deferred || deferred.n === 0) throw new AppError('precondition_failed', `run ${runId} has no accounts deferred for budget; there is nothing to resume`);

  const limit = budget ?? current;
  if (limit) {
    const state = await deps.budgets.state(runId);
    const spent = state?.spent ?? 0;
    if (limitUnits(limit) <= spent)
      throw new AppError(
        'validation',
        `run ${runId} has spent ${describeLimit(limit.kind === 'usd' ? { kind: 'usd', usd: fromUnits('usd', spent) } : { kind: 'tokens', tokens: spent })} already; a budget of ${describeLimit(limit)} leaves nothing for the ${deferred.n} deferred accounts — pass a larger --budget-${limit.kind === 'usd' ? 'usd' : 'tokens'}`,
      );
  }

  const generation = run.generation + 1;
  await deps.db.transaction(async (tx) => {
    await tx
      .update(runItems)
      .set({ status: 'pending', deferredStep: null, finishedAt: null, enqueuedAt: null })
      .where(and(eq(runItems.runId, runId), eq(runItems.status, 'deferred_budget')));
    await tx
      .update(runs)
      .set({
        status: 'pending',
        generation,
        finishedAt: null,
        // A batch run's stages start over for the deferred accounts.
        batchState: null,
        budgetTokens: limit?.kind === 'tokens' ? limit.tokens : null,
        budgetUsd: limit?.kind === 'usd' ? limit.usd : null,
      })
      .where(eq(runs.id, runId));
  });
  deps.budgets.forget(runId);
  // The run job raises the Redis limit from the row before the first reservation (jobs/run.job.ts).
  const spec = jobCatalog.run;
  await deps.queues.run.add(
    'run',
    { runId },
    { ...DEFAULT_JOB_OPTIONS, jobId: runJobId(runId, generation), attempts: spec.attempts, backoff: { type: 'exponential', delay: spec.backoffMs } },
  );
  return { runId, generation, resumed: deferred.n, budget: limit };
}

/**
 * Sets a going (or paused) run's cap: the row first, then Redis, so a rebuild agrees. A run keeps
 * its kind of cap; an uncapped run may get one (its spend so far comes from the ledger).
 */
export async function raiseRunCap(deps: Pick<Deps, 'db' | 'budgets'>, runId: string, limit: BudgetLimit): Promise<void> {
  const [run] = await deps.db.select({ budgetTokens: runs.budgetTokens, budgetUsd: runs.budgetUsd }).from(runs).where(eq(runs.id, runId));
  if (!run) throw new NotFoundError('run', runId);
  const kind = run.budgetUsd !== null ? 'usd' : run.budgetTokens !== null ? 'tokens' : undefined;
  if (kind && kind !== limit.kind)
    throw new AppError('validation', `run ${runId} has a ${kind === 'usd' ? 'USD' : 'token'} budget; give --budget-${kind === 'usd' ? 'usd' : 'tokens'}`);
  await deps.db
    .update(runs)
    .set({ budgetTokens: limit.kind === 'tokens' ? limit.tokens : null, budgetUsd: limit.kind === 'usd' ? limit.usd : null })
    .where(eq(runs.id, runId));
  deps.budgets.forget(runId);
  await deps.budgets.open(runId, limit);
}
