/**
 * `bookrun runs pause | cancel | resume` for a run that is going. Both act through Postgres, the
 * source of truth every worker consults before a job starts (./run-gate.ts), so they reach every
 * worker on every machine without a message bus. A job already in a model call finishes that call;
 * pausing stops everything after it.
 */
import type { Queue } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { runItems, runs, type RunStatus } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { completeRun } from './lifecycle.ts';

const GOING: RunStatus[] = ['pending', 'running'];

export type ControlResult = { runId: string; status: RunStatus; from: RunStatus; jobsPromoted: number };

async function statusOf(deps: Pick<Deps, 'db'>, runId: string): Promise<RunStatus> {
  const [run] = await deps.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  if (!run) throw new NotFoundError('run', runId);
  return run.status;
}

/** Workers take none of the run's jobs until it is resumed; model calls in flight finish. */
export async function pauseRun(deps: Pick<Deps, 'db'>, runId: string): Promise<ControlResult> {
  const [row] = await deps.db
    .update(runs)
    .set({ status: 'paused' })
    .where(and(eq(runs.id, runId), inArray(runs.status, GOING)))
    .returning({ startedAt: runs.startedAt });
  if (!row) {
    const status = await statusOf(deps, runId);
    if (status === 'paused') return { runId, status, from: status, jobsPromoted: 0 };
    throw new AppError('precondition_failed', `run ${runId} is ${status}; only a pending or running run can be paused`);
  }
  return { runId, status: 'paused', from: row.startedAt ? 'running' : 'pending', jobsPromoted: 0 };
}

/** Lets a paused run go on at once: its held jobs are promoted instead of waiting out their delay. */
export async function unpauseRun(deps: Pick<Deps, 'db' | 'queues'>, runId: string): Promise<ControlResult> {
  // A run paused before it started goes back to pending, so its start time stays honest.
  const [row] = await deps.db
    .update(runs)
    .set({ status: sql`case when ${runs.startedAt} is null then 'pending' else 'running' end` })
    .where(and(eq(runs.id, runId), eq(runs.status, 'paused')))
    .returning({ status: runs.status });
  if (!row) {
    const status = await statusOf(deps, runId);
    throw new AppError('precondition_failed', `run ${runId} is ${status}, not paused`);
  }
  const jobsPromoted = await promoteRunJobs([deps.queues.llm, deps.queues.run], runId);
  return { runId, status: row.status, from: 'paused', jobsPromoted };
}

/**
 * Stops a run for good: accounts not finished become `cancelled`, workers drop the run's queued
 * jobs as they reach them, and the run job records the run as cancelled with its summary.
 */
export async function cancelRun(deps: Pick<Deps, 'db' | 'queues' | 'clock'>, runId: string): Promise<ControlResult & { accountsCancelled: number }> {
  const now = deps.clock();
  const outcome = await deps.db.transaction(async (tx) => {
    const [before] = await tx.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)).for('update');
    if (!before) throw new NotFoundError('run', runId);
    if (!['pending', 'running', 'paused'].includes(before.status))
      throw new AppError('precondition_failed', `run ${runId} is ${before.status} already; only a pending, running or paused run can be cancelled`);
    await tx.update(runs).set({ status: 'cancelled' }).where(eq(runs.id, runId));
    const items = await tx
      .update(runItems)
      .set({ status: 'cancelled', error: 'the run was cancelled', finishedAt: now })
      .where(and(eq(runItems.runId, runId), inArray(runItems.status, ['pending', 'queued', 'drafting'])))
      .returning({ id: runItems.accountId });
    return { from: before.status, accountsCancelled: items.length };
  });
  // Held and backed-off jobs are dropped now rather than when their delay ends.
  const jobsPromoted = await promoteRunJobs([deps.queues.llm, deps.queues.run], runId);
  // The summary now, for whoever waits on the run; the run job writes it again once the jobs
  // that were in a model call at the cancel have finished.
  await completeRun(deps.db, runId, now);
  return { runId, status: 'cancelled', from: outcome.from, jobsPromoted, accountsCancelled: outcome.accountsCancelled };
}

/** Promotes the delayed jobs of one run; returns how many. */
export async function promoteRunJobs(queues: Queue[], runId: string): Promise<number> {
  const PAGE = 1_000;
  let promoted = 0;
  for (const queue of queues) {
    // Promoting shrinks the delayed set, so read from the start until a page holds none of ours.
    for (let start = 0; ; ) {
      const jobs = await queue.getDelayed(start, start + PAGE - 1);
      if (jobs.length === 0) break;
      const ours = jobs.filter((j) => (j.data as { runId?: unknown } | undefined)?.runId === runId);
      // A job may leave the delayed set meanwhile (its delay ended): that promote fails, harmlessly.
      const done = await Promise.all(ours.map((j) => j.promote().then(() => 1, () => 0)));
      const n = done.reduce<number>((a, b) => a + b, 0);
      promoted += n;
      if (n < ours.length || ours.length === 0) start += PAGE;
    }
  }
  return promoted;
}
