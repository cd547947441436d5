/**
 * Research sub-agent: CRM data and memory → a brief whose facts carry their source and date.
 * Memoized per (run, account, step): a duplicate job spends nothing.
 */
import type { Deps } from '../src/deps.ts';
import { buildResearchRequest, candidateFacts, finishResearch } from '../src/agents/index.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { accountStep } from '../src/run/account-step.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function researchJob(payload: AccountStepPayload, runtime: JobRuntime, deps: Deps): Promise<{ memo: boolean; deferred?: string }> {
  const skill = deps.skills.research;
  const { memo, deferred } = await accountStep(deps, payload, 'research', runtime, async ({ context, llm }) => {
    const facts = candidateFacts(context);
    const result = await llm.structured(buildResearchRequest(skill, context, facts));
    return { status: 'succeeded', output: finishResearch(result.data, facts), skill, model: result.record.model };
  });
  return deferred ? { memo, deferred } : { memo };
}
