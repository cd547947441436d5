/**
 * Handlers for every job in the catalog. `satisfies Record<JobName, …>` makes a missing handler
 * a compile error (reference/style.md C1).
 */
import type { Deps } from '../src/deps.ts';
import type { JobHandler } from '../src/queue/worker.ts';
import { AccountStepPayload, NightlyPayload, RunPayload, type JobName } from './catalog.ts';
import { draftJob } from './draft.job.ts';
import { nightlyJob } from './nightly.job.ts';
import { prioritizeJob } from './prioritize.job.ts';
import { researchJob } from './research.job.ts';
import { runJob } from './run.job.ts';

export function createHandlers(deps: Deps): Record<JobName, JobHandler> {
  // Payloads were parsed with the catalog schema by the worker; parse() here only narrows types.
  return {
    run: (payload, runtime) => runJob(RunPayload.parse(payload), runtime, deps),
    nightly: (payload, runtime) => nightlyJob(NightlyPayload.parse(payload), runtime, deps),
    research: (payload, runtime) => researchJob(AccountStepPayload.parse(payload), runtime, deps),
    prioritize: (payload, runtime) => prioritizeJob(AccountStepPayload.parse(payload), runtime, deps),
    draft: (payload, runtime) => draftJob(AccountStepPayload.parse(payload), runtime, deps),
  } satisfies Record<JobName, JobHandler>;
}
