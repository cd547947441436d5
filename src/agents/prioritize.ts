/**
 * Prioritization step: account + brief → score 0–100, tier A–D, rationale.
 */
import { z } from 'zod';
import type { StructuredRequest } from '../llm/types.ts';
import type { Skill } from '../skills/types.ts';
import { AgentOutputError } from './errors.ts';
import { outputProblems, unknownIdMentions } from './output.ts';
import { accountData, assertSkill, factData, memoryData, systemBlocks, todayLine, userMessage, type PromptOptions } from './prompt.ts';
import type { AccountContext, Prioritization, ResearchBrief, Tier } from './types.ts';

/** Output budget of a prioritization call. */
export const PRIORITIZATION_MAX_TOKENS = 1024;

/**
 * Lowest score of each tier, the same bands as skills/prioritization/references/icp.md and the
 * stand-in's scoring: A ≥ 75, B ≥ 55, C ≥ 35, else D.
 */
export const TIER_FLOORS: Readonly<Record<Tier, number>> = { A: 75, B: 55, C: 35, D: 0 };

/** The tier a score falls in. */
export function tierForScore(score: number): Tier {
  return score >= TIER_FLOORS.A ? 'A' : score >= TIER_FLOORS.B ? 'B' : score >= TIER_FLOORS.C ? 'C' : 'D';
}

/** What the prioritization model must return. */
export const PrioritizationOutput = z.object({
  score: z.int().min(0).max(100).describe('computed with the rubric'),
  tier: z.enum(['A', 'B', 'C', 'D']).describe('the band of the score: A 75+, B 55-74, C 35-54, D below 35'),
  rationale: z.string().min(1).max(1500).describe('two to four sentences naming the rubric terms and fact ids'),
});
export type PrioritizationOutput = z.infer<typeof PrioritizationOutput>;

/** The prioritization request for one account and its brief. */
export function buildPrioritizeRequest(
  skill: Skill,
  ctx: AccountContext,
  brief: ResearchBrief,
  options: PromptOptions = {},
): StructuredRequest<PrioritizationOutput> {
  assertSkill(skill, 'prioritization');
  const content = userMessage(
    [`Score and tier the account ${ctx.account.name} using the research brief, following your instructions. ${todayLine(ctx)}`],
    [
      { tag: 'account', value: accountData(ctx) },
      { tag: 'memory', value: memoryData(ctx) },
      { tag: 'brief', value: { summary: brief.summary, keyPoints: brief.keyPoints, facts: brief.facts.map(factData) } },
    ],
    'Return the score, tier and rationale as JSON matching the output schema. Refer to evidence only by the fact ids in <brief>.',
  );
  return {
    skill: skill.name,
    name: 'prioritization',
    system: systemBlocks(skill, options),
    messages: [{ role: 'user', content }],
    maxTokens: PRIORITIZATION_MAX_TOKENS,
    schema: PrioritizationOutput,
  };
}

/**
 * Validates a prioritization. When the tier disagrees with the score's band the score wins: the
 * rubric computes the score and derives the tier from it, so the score is the considered number
 * and the tier the transcription. The tier is re-derived and the correction appended to the
 * rationale so the reviewer sees it. A rationale that cites a fact id the brief does not hold is
 * rejected (`AgentOutputError`), as is an empty one.
 */
export function finishPrioritization(output: PrioritizationOutput, brief?: ResearchBrief): Prioritization {
  const parsed = PrioritizationOutput.safeParse(output);
  if (!parsed.success) throw new AgentOutputError('prioritization', outputProblems(parsed.error));
  const { score, tier } = parsed.data;
  const problems: string[] = [];
  let rationale = parsed.data.rationale.trim();
  if (rationale === '') problems.push('rationale is empty');
  if (brief) {
    const known = new Map(brief.facts.map((f) => [f.id.toUpperCase(), f]));
    for (const id of unknownIdMentions([rationale], known)) problems.push(`rationale mentions fact id "${id}", which is not in the brief`);
  }
  if (problems.length > 0) throw new AgentOutputError('prioritization', problems);

  const banded = tierForScore(score);
  if (banded !== tier) rationale += ` (Tier corrected from ${tier} to ${banded}: a score of ${score} falls in band ${banded}.)`;
  return { score, tier: banded, rationale };
}
