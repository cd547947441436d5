/**
 * Starts a run: creates the run row (idempotent per book and run key) and enqueues its
 * orchestrator job. Workers — in this process or any other — do the rest.
 */
import type { Deps } from '../deps.ts';
import { jobCatalog } from '../../jobs/catalog.ts';
import { runJobId } from '../queue/names.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';
import { createRun, type NewRun } from './lifecycle.ts';

export async function startRun(deps: Deps, input: NewRun): Promise<{ runId: string; created: boolean }> {
  const settings = {
    policy: deps.policy,
    skills: Object.fromEntries(Object.values(deps.skills).map((s) => [s.name, s.version])),
    models: Object.fromEntries(Object.values(deps.skills).map((s) => [s.name, deps.llm.modelFor(s.name)])),
    ...(input.budget ? { budget: input.budget } : {}),
    ...input.settings,
  };
  const { runId, created } = await createRun(deps.db, { ...input, settings }, deps.clock());
  const spec = jobCatalog.run;
  await deps.queues.run.add(
    'run',
    { runId },
    { ...DEFAULT_JOB_OPTIONS, jobId: runJobId(runId), attempts: spec.attempts, backoff: { type: 'exponential', delay: spec.backoffMs } },
  );
  return { runId, created };
}
