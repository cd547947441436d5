/**
 * Research sub-agent: CRM data and memory → a brief whose facts carry their source and date
 * (src/run/step-defs.ts). Memoized per (run, account, step): a duplicate job spends nothing.
 */
import type { Deps } from '../src/deps.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { definedStep } from '../src/run/account-step.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function researchJob(payload: AccountStepPayload, runtime: JobRuntime, deps: Deps): Promise<{ memo: boolean; deferred?: string }> {
  const { memo, deferred } = await definedStep(deps, payload, 'research', runtime);
  return deferred ? { memo, deferred } : { memo };
}
