/**
 * Autonomy per workflow (issue 7), the pure part: review stats with a Wilson lower bound, the
 * policy, evidence-based promotion / demotion / reset decisions, and deterministic item routing.
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
export { autonomyStatus, type AutonomyStatus, type WorkflowStatus } from './autonomy-status.ts';
