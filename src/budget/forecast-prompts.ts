/**
 * Prompt and answer sizes of a sample of accounts, from the real request builders. Research needs
 * only the account; prioritization and drafting also take the earlier steps' answers, so those
 * are stood in for by typical answers built from the account's own candidate facts.
 */
import {
  AgentInputError,
  buildDraftRequest,
  buildPrioritizeRequest,
  buildResearchRequest,
  candidateFacts,
  DraftOutput,
  pickRecipient,
  PrioritizationOutput,
  ResearchOutput,
  systemBlocks,
  tierForScore,
  type AccountContext,
  type Prioritization,
  type ResearchBrief,
  type Tier,
} from '../agents/index.ts';
import type { MessageRequest } from '../llm/types.ts';
import type { Skill } from '../skills/types.ts';
import type { ForecastStep } from './forecast-math.ts';
import { rubricScore } from './forecast-rubric.ts';
import { countTokens, prefixTokens, userMessageTokens } from './forecast-tokens.ts';

/** The three skills of a run. */
export type ForecastSkills = { research: Skill; prioritization: Skill; drafting: Skill };

/**
 * Size of a typical answer, at the short end of what each skill asks for (research: a 60–150
 * word summary, three to eight facts, two to five points under 30 words; prioritization: two to
 * four sentences; drafting: a 60–150 word body). Compliant models answer structured requests near
 * the short end (the offline stand-in answers shorter still: 65-word summaries, 35-word bodies);
 * real answers may run longer. A forecast with history uses measured output instead.
 */
export const TYPICAL_ANSWER = {
  research: { summaryWords: 60, facts: 6, keyPoints: 4, keyPointWords: 15 },
  prioritization: { rationaleWords: 30 },
  drafting: { subjectWords: 7, bodyWords: 60, citations: 2, claimWords: 10 },
} as const;

/** Five letters and a space: English prose averages about six characters a word. */
const WORD = 'sense';
const prose = (words: number): string => Array.from({ length: words }, () => WORD).join(' ');

/** Uncached input and output tokens of one call. */
export type CallSize = { input: number; output: number };

/** What one account's calls would weigh. */
export type AccountSizes = {
  research: CallSize;
  prioritize: CallSize;
  /** `undefined` when no contact may be written to: the account is never drafted. */
  draft: CallSize | undefined;
  /** The tier the prioritization rubric gives the account's data (./forecast-rubric.ts). */
  tier: Tier;
};

/** Sizes of one account's research, prioritization and draft requests and typical answers. */
export function accountSizes(skills: ForecastSkills, ctx: AccountContext): AccountSizes {
  const facts = candidateFacts(ctx);
  const research = buildResearchRequest(skills.research, ctx, facts);
  const a = TYPICAL_ANSWER.research;
  const cited = facts.slice(0, a.facts);
  const researchAnswer: ResearchOutput = {
    summary: prose(a.summaryWords),
    facts: cited.map((f) => ({ id: f.id, text: f.text })),
    keyPoints: Array.from({ length: a.keyPoints }, () => prose(a.keyPointWords)),
  };
  const brief: ResearchBrief = {
    summary: researchAnswer.summary,
    facts: cited.map((f) => ({ id: f.id, text: f.text, source: f.source, observedAt: f.observedAt.toISOString() })),
    factKeys: cited.map((f) => f.key),
    keyPoints: researchAnswer.keyPoints,
  };

  const score = rubricScore(ctx, facts);
  const prioritization: Prioritization = { score, tier: tierForScore(score), rationale: prose(TYPICAL_ANSWER.prioritization.rationaleWords) };
  const prioritize = buildPrioritizeRequest(skills.prioritization, ctx, brief);
  const prioritizeAnswer: PrioritizationOutput = prioritization;

  return {
    research: { input: inputTokens(research), output: answerTokens(researchAnswer) },
    prioritize: { input: inputTokens(prioritize), output: answerTokens(prioritizeAnswer) },
    draft: draftSize(skills.drafting, ctx, brief, prioritization),
    tier: prioritization.tier,
  };
}

function draftSize(skill: Skill, ctx: AccountContext, brief: ResearchBrief, prioritization: Prioritization): CallSize | undefined {
  let request;
  try {
    request = buildDraftRequest(skill, ctx, brief, prioritization);
  } catch (error) {
    // The pipeline skips such accounts without a call (jobs/draft.job.ts).
    if (error instanceof AgentInputError && error.code === 'no_reachable_contact') return undefined;
    throw error;
  }
  const d = TYPICAL_ANSWER.drafting;
  const answer: DraftOutput = {
    to: pickRecipient(ctx)?.email ?? '',
    subject: prose(d.subjectWords),
    body: prose(d.bodyWords),
    citations: Array.from({ length: d.citations }, (_, i) => ({ claim: prose(d.claimWords), factId: brief.facts[i]?.id ?? 'F1' })),
    riskFlags: [],
  };
  return { input: inputTokens(request), output: answerTokens(answer) };
}

/** The uncached part of a request: its messages (the builders send one user turn of text). */
function inputTokens(request: MessageRequest): number {
  return request.messages.reduce((n, m) => n + userMessageTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content)), 0);
}

function answerTokens(answer: unknown): number {
  // Structured output is one compact JSON text block.
  return countTokens(JSON.stringify(answer), 'output');
}

/** The cached prefix of each step's requests (skill + references + output schema). */
export function stepPrefixTokens(skills: ForecastSkills): Record<ForecastStep, number> {
  return {
    research: prefixTokens(systemBlocks(skills.research), ResearchOutput),
    prioritize: prefixTokens(systemBlocks(skills.prioritization), PrioritizationOutput),
    draft: prefixTokens(systemBlocks(skills.drafting), DraftOutput),
  };
}

/** Averages over a sample. */
export type SampleSizes = {
  accounts: number;
  research: CallSize;
  prioritize: CallSize;
  /** Over the accounts that would be drafted with the tiers asked for. */
  draft: CallSize;
  /** Over every account with a reachable contact, whatever its tier: compares two samples fairly. */
  draftReachable: CallSize;
  /** Share of the sample that would be drafted: rubric tier asked for, and a reachable contact. */
  draftShare: number;
};

/** Average sizes over `contexts`; `undefined` for an empty sample. */
export function sampleSizes(skills: ForecastSkills, contexts: readonly AccountContext[], draftTiers: readonly Tier[]): SampleSizes | undefined {
  if (contexts.length === 0) return undefined;
  const sizes = contexts.map((ctx) => accountSizes(skills, ctx));
  const reachable = sizes.flatMap((s) => (s.draft ? [s.draft] : []));
  const drafted = sizes.flatMap((s) => (s.draft && draftTiers.includes(s.tier) ? [s.draft] : []));
  return {
    accounts: sizes.length,
    research: mean(sizes.map((s) => s.research)),
    prioritize: mean(sizes.map((s) => s.prioritize)),
    draft: mean(drafted),
    draftReachable: mean(reachable),
    draftShare: drafted.length / sizes.length,
  };
}

function mean(sizes: readonly CallSize[]): CallSize {
  if (sizes.length === 0) return { input: 0, output: 0 };
  return {
    input: sizes.reduce((n, s) => n + s.input, 0) / sizes.length,
    output: sizes.reduce((n, s) => n + s.output, 0) / sizes.length,
  };
}
