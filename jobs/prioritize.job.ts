/**
 * Prioritization sub-agent: brief + memory → score, tier A–D and rationale (src/run/step-defs.ts).
 * Under a budget, an account in a drafted tier keeps its draft's expected cost aside.
 */
import type { Deps } from '../src/deps.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { definedStep } from '../src/run/account-step.ts';
import { oweDraft } from '../src/run/owe-draft.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function prioritizeJob(payload: AccountStepPayload, runtime: JobRuntime, deps: Deps): Promise<{ memo: boolean; deferred?: string }> {
  const { memo, deferred, steps, context } = await definedStep(deps, payload, 'prioritize', runtime);
  if (deferred) return { memo, deferred };
  await oweDraft(deps, payload, steps, context);
  return { memo };
}
