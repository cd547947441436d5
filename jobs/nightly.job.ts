/**
 * A nightly schedule fired: start that night's run, or attach to it if it exists. The night is
 * the one the fire time belongs to — not the time of processing — so a fire taken hours late,
 * after every worker was down, still starts (or finds) its own night's run. After an outage only
 * one fire is waiting per schedule: BullMQ keeps one pending job per Job Scheduler and creates
 * the next only when a worker takes the current one.
 */
import type { Deps } from '../src/deps.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { fireTimeOf, triggerNightly } from '../src/schedule/index.ts';
import type { NightlyPayload } from './catalog.ts';

export type NightlyResult = { runId: string; created: boolean; runKey: string } | { unscheduled: string };

export async function nightlyJob(payload: NightlyPayload, { job }: Pick<JobRuntime, 'job'>, deps: Deps): Promise<NightlyResult> {
  const outcome = await triggerNightly(deps, { scheduleId: payload.scheduleId, fireTimeMs: fireTimeOf(job) });
  if (outcome.kind === 'unscheduled') return { unscheduled: outcome.scheduleId };
  return { runId: outcome.runId, created: outcome.created, runKey: outcome.runKey };
}
