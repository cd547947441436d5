/**
 * Reconcile: Postgres says which runs and accounts are unfinished; Redis should hold a job for
 * each. Where it does not — Redis restarted without its data, a job lost in the last second
 * before an AOF fsync — the job is added again under its deterministic id (so a job that does
 * exist is never doubled), and the budget is rebuilt from the ledger on its next reservation
 * (src/budget/budgets.ts). Memoized steps make a re-added job cost nothing it already paid for.
 *
 * Two callers: every worker process at start and every BOOKRUN_RECONCILE_MS (one at a time
 * fleet-wide, under a Redis lock), and the run job itself before it waits for a wave, so a run
 * never moves on while an account of the wave has no job.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { inArray, sql } from 'drizzle-orm';
import { jobCatalog } from '../../jobs/catalog.ts';
import { runs } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { runJobId, stepJobId } from '../queue/names.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';
import { accountFlow, draftFlow, ENQUEUE_BATCH } from './enqueue.ts';

export type Parent = { id: string; queue: string };
export type RestoredChildren = { research: number; draft: number };
export type ReconcileReport = { runs: number; runJobs: number; research: number; draft: number };

type ReconcileDeps = Pick<Deps, 'db' | 'queues' | 'redis' | 'log'>;

/**
 * Re-adds, as children of `parent`, the jobs of the run's accounts that are in a wave but have no
 * job in Redis: a `queued` account without a stored prioritization needs its research chain, a
 * `drafting` account its draft job. Realtime runs only (a batch-mode run's accounts have no jobs).
 */
export async function restoreMissingChildren(deps: ReconcileDeps, runId: string, generation: number, parent: Parent): Promise<RestoredChildren> {
  const rows = await deps.db.execute<{ account_id: string; status: 'queued' | 'drafting'; priority: number }>(sql`
    select r.account_id, r.status, r.priority from run_items r
    where r.run_id = ${runId}
      and (r.status = 'drafting'
        or (r.status = 'queued' and not exists (
          select 1 from step_results s where s.run_id = r.run_id and s.account_id = r.account_id and s.step = 'prioritize')))`);
  if (rows.length === 0) return { research: 0, draft: 0 };
  // The chain's root names the research wave's job; the draft job the draft wave's.
  const ids = rows.map((r) => stepJobId(runId, r.status === 'drafting' ? 'draft' : 'prioritize', r.account_id, generation));
  const exists = await existing(deps.redis, deps.queues.llm, ids);
  const missing = rows.filter((_, i) => !exists[i]);
  const restored = { research: 0, draft: 0 };
  for (let i = 0; i < missing.length; i += ENQUEUE_BATCH) {
    const batch = missing.slice(i, i + ENQUEUE_BATCH);
    await deps.queues.flows.addBulk(
      batch.map((r) => (r.status === 'drafting' ? draftFlow(runId, r.account_id, r.priority, parent, generation) : accountFlow(runId, r.account_id, r.priority, parent, generation))),
    );
    for (const r of batch) restored[r.status === 'drafting' ? 'draft' : 'research'] += 1;
  }
  if (missing.length > 0) deps.log.warn(`reconcile: run ${runId}: ${restored.research} research chains and ${restored.draft} draft jobs were missing from the queue; added again`);
  return restored;
}

/** Whether each job id has a job in `queue` (one pipelined EXISTS per id). */
async function existing(client: Redis, queue: Queue, ids: readonly string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < ids.length; i += 5_000) {
    const pipeline = client.pipeline();
    for (const id of ids.slice(i, i + 5_000)) pipeline.exists(queue.toKey(id));
    const replies = (await pipeline.exec()) ?? [];
    for (const [error, n] of replies) {
      if (error) throw error;
      out.push(n === 1);
    }
  }
  return out;
}

/** Every unfinished run: its run job exists (added again if not), and so does each wave job. */
export async function reconcileRuns(deps: ReconcileDeps): Promise<ReconcileReport> {
  const going = await deps.db
    .select({ id: runs.id, generation: runs.generation, mode: runs.mode })
    .from(runs)
    .where(inArray(runs.status, ['pending', 'running', 'paused']));
  const report: ReconcileReport = { runs: going.length, runJobs: 0, research: 0, draft: 0 };
  for (const run of going) {
    const jobId = runJobId(run.id, run.generation);
    const state = await deps.queues.run.getJobState(jobId);
    if (state === 'unknown') {
      // The run job picks up from Postgres: each phase is idempotent, and before it waits for a
      // wave it restores that wave's missing jobs itself (jobs/run.job.ts).
      const spec = jobCatalog.run;
      await deps.queues.run.add('run', { runId: run.id }, { ...DEFAULT_JOB_OPTIONS, jobId, attempts: spec.attempts, backoff: { type: 'exponential', delay: spec.backoffMs } });
      deps.log.warn(`reconcile: run ${run.id} had no run job in the queue; added it again`);
      report.runJobs += 1;
      continue;
    }
    if (state === 'completed' || state === 'failed' || run.mode === 'batch') continue;
    const restored = await restoreMissingChildren(deps, run.id, run.generation, { id: jobId, queue: deps.queues.run.qualifiedName });
    report.research += restored.research;
    report.draft += restored.draft;
  }
  return report;
}
