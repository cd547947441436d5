/**
 * Drafting sub-agent and the end of the account's chain. Brief + memory + tier → subject and body
 * for the right contact, citing the brief's facts and honouring memory; tiers the policy excludes
 * are skipped without a model call. Output that fails validation is never stored (the step fails
 * instead). Then the account is finalized: memory, artifacts, review routing, done — in the same
 * job, as a separate job would cost a queue round trip per account for no added safety (both
 * halves are idempotent, and a retry finds the draft memoized).
 */
import type { Deps } from '../src/deps.ts';
import { AgentInputError, buildDraftRequest, finishDraft } from '../src/agents/index.ts';
import type { Prioritization, ResearchBrief } from '../src/agents/types.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { accountStep } from '../src/run/account-step.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function draftJob(
  payload: AccountStepPayload,
  runtime: JobRuntime,
  deps: Deps,
): Promise<{ memo: boolean; reviewItemId: string | null; deferred?: string }> {
  const skill = deps.skills.drafting;
  const { memo, steps, deferred } = await accountStep(deps, payload, 'draft', runtime, async ({ context, llm, earlier }) => {
    const prioritization = earlier<Prioritization>('prioritize');
    if (!deps.policy.draftTiers.includes(prioritization.tier)) {
      return { status: 'skipped', output: { reason: `tier ${prioritization.tier} is not drafted (policy drafts ${deps.policy.draftTiers.join(', ')})` } };
    }
    const brief = earlier<ResearchBrief>('research');
    let request;
    try {
      request = buildDraftRequest(skill, context, brief, prioritization);
    } catch (error) {
      // Nobody may be written to: the account is finished without a draft, not failed.
      if (error instanceof AgentInputError && error.code === 'no_reachable_contact') return { status: 'skipped', output: { reason: error.message } };
      throw error;
    }
    const result = await llm.structured(request);
    return { status: 'succeeded', output: finishDraft(result.data, context, brief), skill, model: result.record.model };
  }, ['research', 'prioritize']);
  const { runId, accountId } = payload;
  if (deferred) {
    // Not finalized: the account waits, whole, for a resume with more budget.
    await deps.hot.defer({ runId, accountId, step: deferred });
    return { memo, reviewItemId: null, deferred };
  }
  const { reviewItemId } = await deps.hot.finalize({ runId, accountId, steps, sampleRate: deps.policy.reviewSampleRate, finishedAt: deps.clock() });
  // Memory just changed: a later step of this account (a next run) must read it fresh.
  deps.contexts.evict(runId, accountId);
  return { memo, reviewItemId };
}
