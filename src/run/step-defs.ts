/**
 * What each step does, apart from how its model call is made: which earlier steps it reads, the
 * request it sends (or why it needs none) and how the answer becomes the stored outcome. The
 * realtime jobs (jobs/*.job.ts) send the request at once; batch mode (src/run/batch-stage.ts)
 * collects the requests of a whole stage into one Message Batch. Both store the same outcome.
 */
import type { z } from 'zod';
import type { Step } from '../../db/schema/index.ts';
import {
  AgentInputError,
  buildDraftRequest,
  buildPrioritizeRequest,
  buildResearchRequest,
  candidateFacts,
  DraftOutput,
  PrioritizationOutput,
  ResearchOutput,
  finishDraft,
  finishPrioritization,
  finishResearch,
  type AccountContext,
  type Prioritization,
  type PromptOptions,
  type ResearchBrief,
} from '../agents/index.ts';
import type { PipelinePolicy } from '../config.ts';
import type { PipelineSkills } from '../deps.ts';
import type { StructuredRequest } from '../llm/index.ts';
import type { StepOutcome } from './step.ts';

export type Prepared =
  | { kind: 'call'; request: StructuredRequest<unknown>; finish(data: unknown, model: string): StepOutcome }
  | { kind: 'skip'; outcome: StepOutcome };

export type StepDefDeps = { skills: PipelineSkills; policy: PipelinePolicy };

export type StepDef = {
  step: Step;
  /** The skill (and so the model) the step runs with. */
  skill: keyof PipelineSkills;
  /** The schema of the model's answer (batch results are parsed with it). */
  schema: z.ZodType;
  /** Earlier steps whose output it reads (under a budget, a missing one means it was deferred). */
  requires: readonly Step[];
  prepare(deps: StepDefDeps, context: AccountContext, earlier: <T>(step: Step) => T, prompt: PromptOptions): Prepared;
};

const research: StepDef = {
  step: 'research',
  skill: 'research',
  schema: ResearchOutput,
  requires: [],
  prepare({ skills }, context, _earlier, prompt) {
    const skill = skills.research;
    const facts = candidateFacts(context);
    return {
      kind: 'call',
      request: buildResearchRequest(skill, context, facts, prompt) as StructuredRequest<unknown>,
      finish: (data, model) => ({ status: 'succeeded', output: finishResearch(data as Parameters<typeof finishResearch>[0], facts), skill, model }),
    };
  },
};

const prioritize: StepDef = {
  step: 'prioritize',
  skill: 'prioritization',
  schema: PrioritizationOutput,
  requires: ['research'],
  prepare({ skills }, context, earlier, prompt) {
    const skill = skills.prioritization;
    const brief = earlier<ResearchBrief>('research');
    return {
      kind: 'call',
      request: buildPrioritizeRequest(skill, context, brief, prompt) as StructuredRequest<unknown>,
      finish: (data, model) => ({ status: 'succeeded', output: finishPrioritization(data as Parameters<typeof finishPrioritization>[0]), skill, model }),
    };
  },
};

const draft: StepDef = {
  step: 'draft',
  skill: 'drafting',
  schema: DraftOutput,
  requires: ['research', 'prioritize'],
  prepare({ skills, policy }, context, earlier, prompt) {
    const skill = skills.drafting;
    const prioritization = earlier<Prioritization>('prioritize');
    if (!policy.draftTiers.includes(prioritization.tier)) {
      return { kind: 'skip', outcome: { status: 'skipped', output: { reason: `tier ${prioritization.tier} is not drafted (policy drafts ${policy.draftTiers.join(', ')})` } } };
    }
    const brief = earlier<ResearchBrief>('research');
    try {
      return {
        kind: 'call',
        request: buildDraftRequest(skill, context, brief, prioritization, prompt) as StructuredRequest<unknown>,
        finish: (data, model) => ({ status: 'succeeded', output: finishDraft(data as Parameters<typeof finishDraft>[0], context, brief), skill, model }),
      };
    } catch (error) {
      // Nobody may be written to: the account is finished without a draft, not failed.
      if (error instanceof AgentInputError && error.code === 'no_reachable_contact') return { kind: 'skip', outcome: { status: 'skipped', output: { reason: error.message } } };
      throw error;
    }
  },
};

export const STEP_DEFS: Readonly<Record<Step, StepDef>> = { research, prioritize, draft };
