/**
 * Starts the pipeline's workers in this process (`bookrun run` in-process, or `bookrun worker`).
 * Any number of such processes may serve the same Redis and Postgres.
 */
import type { Job, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { jobCatalog, type JobName } from '../../jobs/catalog.ts';
import { createHandlers } from '../../jobs/index.ts';
import { runs } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { messageOf } from '../errors.ts';
import { QUEUES } from '../queue/names.ts';
import { createWorkers } from '../queue/worker.ts';
import { markItemFailed } from './lifecycle.ts';

export type RunningWorkers = {
  workers: Worker[];
  /** Stops fetching, waits up to `graceMs` for active jobs, then cancels the rest (they retry elsewhere). */
  close(graceMs?: number): Promise<void>;
};

export function startWorkers(deps: Deps, concurrency = deps.config.concurrency): RunningWorkers {
  const workers = createWorkers({
    connection: deps.redis,
    queues: deps.queues,
    handlers: createHandlers(deps),
    concurrency: { [QUEUES.run]: 2, [QUEUES.llm]: concurrency },
    durability: deps.config.durability,
    onFinalFailure: (job, name, error) => recordFinalFailure(deps, job, name, error),
    onError: (error) => deps.log.warn(`worker: ${error.message}`),
  });
  return {
    workers,
    async close(graceMs = 10_000) {
      await Promise.all(
        workers.map(async (worker) => {
          const closed = worker.close();
          const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
          if ((await Promise.race([closed, timer])) === 'timeout') {
            worker.cancelAllJobs('shutdown');
            await worker.close(true);
          }
        }),
      );
    },
  };
}

async function recordFinalFailure(deps: Deps, job: Job, name: JobName, error: unknown): Promise<void> {
  const message = messageOf(error);
  const data = job.data as { runId?: string; accountId?: string };
  if (!data.runId) return;
  if (jobCatalog[name].queue === QUEUES.run) {
    await deps.db.update(runs).set({ status: 'failed', error: message, finishedAt: deps.clock() }).where(eq(runs.id, data.runId));
    deps.log.warn(`run ${data.runId} failed: ${message}`);
    return;
  }
  if (data.accountId) await markItemFailed(deps.db, data.runId, data.accountId, name, message);
}
