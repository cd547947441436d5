/**
 * Autonomy per workflow (issue 7): review stats with a Wilson lower bound, the policy,
 * evidence-based promotion / demotion / reset decisions and deterministic item routing (pure);
 * and the stored ladder — levels, proposals a manager approves or declines, transitions (services).
 */
export {
  AUTONOMY_LEVELS,
  type AutonomyLevel,
  type ReviewOutcome,
  type WorkflowStats,
  STATS_KEY_FIELDS,
  type StatsKeyField,
  type GroupedStats,
  type ComputeStatsOptions,
  AutonomyPolicy,
  SpotCheckPolicy,
  AutonomousPolicy,
  RiskPolicy,
  DEFAULT_AUTONOMY_POLICY,
  type AutonomyThreshold,
  type AutonomyEvidence,
  type AutonomyDecision,
  type EvaluateAutonomyInput,
  ROUTE_REASONS,
  type RouteReason,
  type RouteItemInput,
  type ItemRoute,
} from './types.ts';
export { wilsonLowerBound } from './wilson-lower-bound.ts';
export { computeStats, HEAVY_EDIT_REASON, UNSPECIFIED_REASON } from './compute-stats.ts';
export { groupStats } from './group-stats.ts';
export { withinWindow } from './within-window.ts';
export { evaluateAutonomy } from './evaluate-autonomy.ts';
export { itemDraw } from './item-draw.ts';
export { routeItem } from './route-item.ts';
export { loadReviewOutcomes, LoadOutcomesInput } from './outcomes.ts';
export { autonomyStatus, type AutonomyStatus, type WorkflowStatus, type PendingProposal } from './autonomy-status.ts';
export { getAutonomyLevels, type AutonomyLevelState } from './get-autonomy-levels.ts';
export { evaluateWorkflows, EvaluateWorkflowsInput, type EvaluateWorkflowsResult, type WorkflowEvaluation } from './evaluate-workflows.ts';
export { approveProposal, ApproveProposalInput, MAX_AUTONOMY_NOTE_LENGTH, type ApproveProposalResult } from './approve-proposal.ts';
export { declineProposal, DeclineProposalInput, type DeclineProposalResult } from './decline-proposal.ts';
export { setAutonomyLevel, SetAutonomyLevelInput, type SetAutonomyLevelResult } from './set-autonomy-level.ts';
export { listTransitions, ListTransitionsInput, type AutonomyTransition } from './list-transitions.ts';
export { findRepByEmail, type RepIdentity } from './find-rep-by-email.ts';
