/**
 * Drafting sub-agent and the end of the account's work. Brief + memory + tier → subject and body
 * for the right contact, citing the brief's facts and honouring memory; tiers the policy excludes
 * are skipped without a model call (src/run/step-defs.ts). Output that fails validation is never
 * stored (the step fails instead). Then the account is finalized: memory, artifacts, review
 * routing, done — in the same job, as a separate job would cost a queue round trip per account
 * for no added safety (both halves are idempotent, and a retry finds the draft memoized).
 */
import type { Deps } from '../src/deps.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { definedStep } from '../src/run/account-step.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function draftJob(
  payload: AccountStepPayload,
  runtime: JobRuntime,
  deps: Deps,
): Promise<{ memo: boolean; reviewItemId: string | null; deferred?: string }> {
  const { memo, steps, deferred } = await definedStep(deps, payload, 'draft', runtime);
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
