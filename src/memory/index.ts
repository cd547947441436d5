/**
 * Per-account memory: recall before each step, remember after it, hygiene in between
 * (rules in ./AGENTS.md).
 */
export { recallMemory, recallMemories, emptyMemoryView, memoryViewFromJson, type LiveMemoryJson } from './recall-memory.ts';
export { rememberItems, rememberMany, RememberItemsInput, type RememberItemsResult, type RememberItemsOptions } from './remember-items.ts';
export { CONFLICT_WINDOW_MS, INTERACTION_CAP, DEFAULT_CONFIDENCE, planRemember, canonicalKey, type MemoryConflict, type RememberPlan, type StoredMemory } from './hygiene.ts';
export { normalizeContent, normalizePhrase } from './normalize.ts';
export { memoryFromResearch, type MemoryFromResearchArgs } from './memory-from-research.ts';
export { memoryFromDraft, type MemoryFromDraftArgs } from './memory-from-draft.ts';
export { memoryFromReview, memoryFromDecision, type ReviewFeedback, type ReviewVerdict, type DecisionFeedback, type DecisionDraft } from './memory-from-review.ts';
export { sentenceChanges, splitSentences, type SentenceChanges } from './memory-from-edit.ts';
export { memoryForPrompt, type MemoryPrompt, type MemoryPromptFact, type MemoryForPromptOptions } from './memory-for-prompt.ts';
export type { MemoryItem, MemoryView, MemoryInput } from './types.ts';
