/**
 * Research step: account data + candidate facts → a brief whose facts are a subset of the
 * candidates, cited by id.
 */
import { z } from 'zod';
import type { StructuredRequest } from '../llm/types.ts';
import type { Skill } from '../skills/types.ts';
import { AgentOutputError } from './errors.ts';
import { outputProblems, unknownIdMentions } from './output.ts';
import { accountData, assertSkill, factData, memoryData, systemBlocks, todayLine, userMessage, type PromptOptions } from './prompt.ts';
import type { AccountContext, CandidateFact, ResearchBrief } from './types.ts';

/** Output budget of a research call; thinking models spend part of it before the answer. */
export const RESEARCH_MAX_TOKENS = 2048;

/** What the research model must return. */
export const ResearchOutput = z.object({
  summary: z.string().min(1).max(1500).describe('60 to 150 words of plain prose for the rep'),
  facts: z
    .array(
      z.object({
        id: z.string().describe('a fact id from <facts>, copied exactly'),
        text: z.string().describe('the fact text as given'),
      }),
    )
    .max(12)
    .describe('the facts the brief rests on, most important first'),
  keyPoints: z.array(z.string().min(1).max(300)).max(6).describe('two to five actionable points, one sentence each'),
});
export type ResearchOutput = z.infer<typeof ResearchOutput>;

/** The research request for one account. `facts` are `candidateFacts(ctx)`. */
export function buildResearchRequest(
  skill: Skill,
  ctx: AccountContext,
  facts: readonly CandidateFact[],
  options: PromptOptions = {},
): StructuredRequest<ResearchOutput> {
  assertSkill(skill, 'research');
  const content = userMessage(
    [`Write the research brief for the account ${ctx.account.name}, following your instructions. ${todayLine(ctx)}`],
    [
      { tag: 'account', value: accountData(ctx) },
      { tag: 'memory', value: memoryData(ctx) },
      { tag: 'facts', value: facts.map(factData) },
    ],
    facts.length > 0
      ? 'Return the brief as JSON matching the output schema. Cite facts only by the ids listed in <facts>.'
      : 'There are no candidate facts for this account: return a brief with an empty facts list that says what is unknown.',
  );
  return {
    skill: skill.name,
    name: 'research brief',
    system: systemBlocks(skill, options),
    messages: [{ role: 'user', content }],
    maxTokens: RESEARCH_MAX_TOKENS,
    schema: ResearchOutput,
  };
}

/**
 * Validates the model's brief against the candidates and returns it with each fact's text,
 * source and date taken from the candidate (the model's wording of a fact is ignored). Throws
 * `AgentOutputError` when the brief cites an id that is not a candidate, mentions one in its
 * prose, or is empty.
 */
export function finishResearch(output: ResearchOutput, facts: readonly CandidateFact[]): ResearchBrief {
  const parsed = ResearchOutput.safeParse(output);
  if (!parsed.success) throw new AgentOutputError('research', outputProblems(parsed.error));
  const data = parsed.data;
  const problems: string[] = [];
  const byId = new Map(facts.map((f) => [f.id.toUpperCase(), f]));

  const summary = data.summary.trim();
  if (summary === '') problems.push('summary is empty');
  const cited: CandidateFact[] = [];
  for (const { id } of data.facts) {
    const fact = byId.get(id.trim().toUpperCase());
    if (!fact) problems.push(`fact id "${id}" is not one of the candidate facts (${idList(facts)})`);
    else if (!cited.includes(fact)) cited.push(fact);
  }
  const keyPoints = data.keyPoints.map((p) => p.trim()).filter((p) => p !== '');
  for (const id of unknownIdMentions([summary, ...keyPoints], byId)) {
    problems.push(`the brief mentions fact id "${id}", which is not one of the candidate facts`);
  }
  if (problems.length > 0) throw new AgentOutputError('research', problems);

  return {
    summary,
    facts: cited.map((f) => ({ id: f.id, text: f.text, source: f.source, observedAt: f.observedAt.toISOString() })),
    factKeys: cited.map((f) => f.key),
    keyPoints,
  };
}

function idList(facts: readonly CandidateFact[]): string {
  return facts.length === 0 ? 'there are none' : facts.length <= 3 ? facts.map((f) => f.id).join(', ') : `${facts[0]?.id}…${facts.at(-1)?.id}`;
}
