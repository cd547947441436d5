/** Every table, re-exported by name (no `export *`, see reference/style.md C14). */
export { books, reps, accounts, contacts, activities, imports, quarantinedRows } from './books.ts';
export { runs, runItems, stepResults, RUN_STATUSES, RUN_ITEM_STATUSES, STEPS, type RunStatus, type RunItemStatus, type Step } from './runs.ts';
export { llmCalls } from './llm-calls.ts';
export { accountMemory, MEMORY_KINDS, type MemoryKind } from './memory.ts';
export {
  reviewItems,
  artifacts,
  WORKFLOWS,
  REVIEW_ITEM_STATUSES,
  ARTIFACT_STATUSES,
  REJECT_REASONS,
  BRIEF_VERDICTS,
  TIER_VERDICTS,
  type Workflow,
  type ReviewItemStatus,
  type ArtifactStatus,
  type RejectReason,
  type BriefVerdict,
  type TierVerdict,
} from './review.ts';
export { auditLog } from './audit-log.ts';
export { schedules } from './schedules.ts';
export { outbox, OUTBOX_KINDS, OUTBOX_STATUSES, type OutboxKind, type OutboxStatus } from './outbox.ts';
export { signInTokens, webSessions } from './web-sessions.ts';
export {
  autonomyLevels,
  autonomyProposals,
  autonomyTransitions,
  STORED_AUTONOMY_LEVELS,
  AUTONOMY_PROPOSAL_STATUSES,
  AUTONOMY_TRANSITION_KINDS,
  type AutonomyProposalStatus,
  type AutonomyTransitionKind,
  type StoredAutonomyEvidence,
} from './autonomy.ts';
