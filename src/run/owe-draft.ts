/**
 * Under a budget, the research wave must not spend what the drafts of the accounts it has
 * already prioritized will need (DESIGN.md principle 3: spend where value is). When an account
 * comes out of prioritization in a drafted tier, the expected cost of its draft is kept aside in
 * the run's budget (src/budget/budget-script.ts `owe`); research calls may not touch it, so a
 * tight budget researches fewer accounts and drafts the ones it found, best tiers first.
 */
import type { Step } from '../../db/schema/index.ts';
import { AgentInputError, buildDraftRequest, type AccountContext, type Prioritization, type ResearchBrief } from '../agents/index.ts';
import { requestChars } from '../budget/input-estimator.ts';
import { estimateUnits } from '../budget/units.ts';
import type { Deps } from '../deps.ts';
import type { StepRow } from './hot-queries.ts';

export async function oweDraft(deps: Deps, ids: { runId: string; accountId: string }, steps: Map<Step, StepRow>, context: AccountContext): Promise<void> {
  const cap = await deps.budgets.capOf(ids.runId);
  const research = steps.get('research');
  const prioritize = steps.get('prioritize');
  if (!cap || steps.has('draft') || research?.status !== 'succeeded' || prioritize?.status !== 'succeeded') return;
  const prioritization = prioritize.output as Prioritization;
  if (!deps.policy.draftTiers.includes(prioritization.tier)) return;
  let request;
  try {
    request = buildDraftRequest(deps.skills.drafting, context, research.output as ResearchBrief, prioritization);
  } catch (error) {
    // Nobody to write to: the draft step will be skipped without a call, so nothing is owed.
    if (error instanceof AgentInputError) return;
    throw error;
  }
  const skill = deps.skills.drafting.name;
  const { estimator } = deps.budgets;
  // The draft's reservation, scaled by what calls have really cost against theirs so far.
  const reservation = estimateUnits(cap.kind, deps.llm.modelFor(skill), { inputTokens: estimator.estimate(skill, requestChars(request)), maxTokens: request.maxTokens });
  await deps.budgets.owe(ids.runId, ids.accountId, Math.ceil(reservation * estimator.expectedShare(skill)));
}
