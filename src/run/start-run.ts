/**
 * Starts a run: creates the run row (idempotent per book and run key) and enqueues its
 * orchestrator job. Workers — in this process or any other — do the rest.
 */
import type { Deps } from '../deps.ts';
import { jobCatalog } from '../../jobs/catalog.ts';
import { runJobId } from '../queue/names.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';
import { eq } from 'drizzle-orm';
import { runs } from '../../db/schema/index.ts';
import { createRun, type NewRun } from './lifecycle.ts';

/** Runs in these states are over: a second trigger for the same night attaches and does nothing. */
const FINISHED = new Set(['completed', 'completed_with_deferrals', 'failed', 'cancelled']);

/**
 * Creates the run, or attaches to the existing run of the same book and run key (a nightly
 * trigger fired twice). An attached run that is still going keeps its one orchestrator job: the
 * add below is a no-op while that job exists, and reconcile recreates it if Redis lost it.
 */
export async function startRun(deps: Deps, input: NewRun): Promise<{ runId: string; created: boolean; status: string }> {
  const settings = {
    policy: deps.policy,
    skills: Object.fromEntries(Object.values(deps.skills).map((s) => [s.name, s.version])),
    models: Object.fromEntries(Object.values(deps.skills).map((s) => [s.name, deps.llm.modelFor(s.name)])),
    ...(input.budget ? { budget: input.budget } : {}),
    ...input.settings,
  };
  const { runId, created } = await createRun(deps.db, { ...input, settings }, deps.clock());
  const [run] = await deps.db.select({ status: runs.status, generation: runs.generation }).from(runs).where(eq(runs.id, runId));
  const status = run?.status ?? 'pending';
  if (!created && FINISHED.has(status)) return { runId, created, status };
  const spec = jobCatalog.run;
  await deps.queues.run.add(
    'run',
    { runId },
    { ...DEFAULT_JOB_OPTIONS, jobId: runJobId(runId, run?.generation ?? 0), attempts: spec.attempts, backoff: { type: 'exponential', delay: spec.backoffMs } },
  );
  return { runId, created, status };
}
