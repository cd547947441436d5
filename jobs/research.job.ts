/**
 * Research sub-agent: CRM data and memory → a brief whose facts carry their source and date.
 * Memoized per (run, account, step): a duplicate job spends nothing.
 */
import type { Deps } from '../src/deps.ts';
import { buildResearchRequest, candidateFacts, finishResearch } from '../src/agents/index.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { accountStep } from '../src/run/account-step.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function researchJob(payload: AccountStepPayload, runtime: JobRuntime, deps: Deps): Promise<{ memo: boolean }> {
  const skill = deps.skills.research;
  return accountStep(deps, payload, 'research', runtime, async ({ context, signal }) => {
    const facts = candidateFacts(context);
    const result = await deps.llm.structured(buildResearchRequest(skill, context, facts), { signal });
    return { status: 'succeeded', output: finishResearch(result.data, facts), skill, model: result.record.model };
  });
}
