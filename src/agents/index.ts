/**
 * The sub-agents: prompt assembly and output validation for research, prioritization and
 * drafting. Pure: no queue, database or network code (the jobs call the LLM port with these
 * requests and pass the answers to the finishers).
 */
export type {
  AccountContext,
  AccountSnapshot,
  ActivitySnapshot,
  CandidateFact,
  CitedFact,
  ContactSnapshot,
  Draft,
  Prioritization,
  ResearchBrief,
  Tier,
} from './types.ts';
export { AgentOutputError, AgentInputError, type AgentStep, type AgentInputErrorCode } from './errors.ts';
export {
  candidateFacts,
  uncertainKeys,
  isOutreachFactKey,
  INTERNAL_FACT_KEYS,
  MAX_CANDIDATE_FACTS,
  MAX_FACT_AGE_DAYS,
  MIN_MEMORY_CONFIDENCE,
} from './facts.ts';
export { pickRecipient, orderContacts, isReachable, seniorityOf, doNotContactEmails, type ReachableContact } from './recipient.ts';
export { systemBlocks, type PromptOptions } from './prompt.ts';
export { ResearchOutput, buildResearchRequest, finishResearch, RESEARCH_MAX_TOKENS } from './research.ts';
export {
  PrioritizationOutput,
  buildPrioritizeRequest,
  finishPrioritization,
  tierForScore,
  TIER_FLOORS,
  PRIORITIZATION_MAX_TOKENS,
} from './prioritize.ts';
export {
  DraftOutput,
  buildDraftRequest,
  finishDraft,
  outreachFacts,
  DRAFT_MAX_TOKENS,
  MAX_SUBJECT_LENGTH,
  MAX_BODY_LENGTH,
} from './draft.ts';
export { guardrailFlags, STALE_FACT_DAYS } from './draft-flags.ts';
export { avoidPhrases, findAvoidHits, type AvoidPhrase } from './avoid.ts';
export { looksLikeInstruction, instructionLikeData } from './injection.ts';
