/** Prioritization sub-agent: brief + memory → score, tier A–D and rationale. */
import type { Deps } from '../src/deps.ts';
import { buildPrioritizeRequest, finishPrioritization } from '../src/agents/index.ts';
import type { ResearchBrief } from '../src/agents/types.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { accountStep } from '../src/run/account-step.ts';
import { oweDraft } from '../src/run/owe-draft.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function prioritizeJob(payload: AccountStepPayload, runtime: JobRuntime, deps: Deps): Promise<{ memo: boolean; deferred?: string }> {
  const skill = deps.skills.prioritization;
  const { memo, deferred, steps, context } = await accountStep(deps, payload, 'prioritize', runtime, async ({ context, llm, earlier }) => {
    const brief = earlier<ResearchBrief>('research');
    const result = await llm.structured(buildPrioritizeRequest(skill, context, brief));
    return { status: 'succeeded', output: finishPrioritization(result.data), skill, model: result.record.model };
  }, ['research']);
  if (deferred) return { memo, deferred };
  await oweDraft(deps, payload, steps, context);
  return { memo };
}
