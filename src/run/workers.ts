/**
 * Starts the pipeline's workers in this process (`bookrun run` in-process, or `bookrun worker`).
 * Any number of such processes may serve the same Redis and Postgres. Each also reconciles the
 * queue against Postgres at start and periodically (./reconcile.ts), and enforces pause and
 * cancel before every job (./run-gate.ts).
 */
import type { Job, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { jobCatalog, type JobName } from '../../jobs/catalog.ts';
import { createHandlers } from '../../jobs/index.ts';
import { runs } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { messageOf } from '../errors.ts';
import { armCrashPoints } from '../faults/crash-point.ts';
import { QUEUES } from '../queue/names.ts';
import { createWorkers } from '../queue/worker.ts';
import { markItemFailed } from './lifecycle.ts';
import { startReconciler } from './reconcile-loop.ts';
import { createRunGate } from './run-gate.ts';

export type RunningWorkers = {
  workers: Worker[];
  /**
   * Stops fetching and waits up to `graceMs` for active jobs; then aborts their model calls, which
   * hands each job straight back to the queue for another worker (no attempt used), and waits a
   * moment for those hand-backs before closing for good.
   */
  close(graceMs?: number): Promise<void>;
};

/** After the grace period: how long aborted jobs get to hand themselves back. */
const RELEASE_MS = 5_000;

export function startWorkers(deps: Deps, concurrency = deps.config.concurrency): RunningWorkers {
  armCrashPoints(deps.config.fault);
  const workers = createWorkers({
    connection: deps.redis,
    queues: deps.queues,
    handlers: createHandlers(deps),
    concurrency: { [QUEUES.run]: 2, [QUEUES.llm]: concurrency },
    durability: deps.config.durability,
    gate: createRunGate(deps.db),
    onFinalFailure: (job, name, error) => recordFinalFailure(deps, job, name, error),
    onError: (error) => deps.log.warn(`worker: ${error.message}`),
  });
  const reconciler = startReconciler(deps, deps.config.durability.reconcileMs);
  return {
    workers,
    async close(graceMs = deps.config.durability.shutdownGraceMs) {
      await reconciler.stop();
      await Promise.all(
        workers.map(async (worker) => {
          const closed = worker.close();
          if ((await within(closed, graceMs)) === 'timeout') {
            worker.cancelAllJobs('shutdown');
            if ((await within(closed, RELEASE_MS)) === 'timeout') await worker.close(true);
          }
        }),
      );
    },
  };
}

function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([promise.then(() => 'done' as const), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);
}

async function recordFinalFailure(deps: Deps, job: Job, name: JobName, error: unknown): Promise<void> {
  const message = messageOf(error);
  const data = job.data as { runId?: string; accountId?: string };
  if (!data.runId) {
    // A nightly trigger has no run yet: only the log can say that tonight's run did not start.
    deps.log.warn(`${name} job ${job.id ?? ''} failed for good: ${message}`);
    return;
  }
  if (jobCatalog[name].queue === QUEUES.run) {
    await deps.db.update(runs).set({ status: 'failed', error: message, finishedAt: deps.clock() }).where(eq(runs.id, data.runId));
    deps.log.warn(`run ${data.runId} failed: ${message}`);
    return;
  }
  if (data.accountId) await markItemFailed(deps.db, data.runId, data.accountId, name, message);
}
