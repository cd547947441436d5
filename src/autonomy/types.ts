/**
 * Shapes shared by the autonomy code (issue 7): the reviewed outcomes it reads, the stats it
 * computes, the policy that sets its bars, and the decisions it returns. The DB query and the CLI
 * are written against these types, so change them only additively.
 */
import { z } from 'zod';
import type { Workflow } from '../../db/schema/index.ts';
import type { Tier } from '../review/queue-sql.ts';

/** The autonomy ladder, lowest first: a workflow climbs one rung at a time. */
export const AUTONOMY_LEVELS = ['gated', 'spot_check', 'autonomous'] as const;
export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];

/** One reviewed artifact, as the DB query returns it. */
export type ReviewOutcome = {
  /** From db/schema: 'research' | 'prioritization' | 'drafting'. */
  workflow: Workflow;
  skillName: string;
  skillVersion: string;
  model: string;
  /** Who decided. */
  repId: string | null;
  status: 'accepted' | 'edited' | 'rejected';
  /** Why the artifact was rejected (src/review/artifact-verdict.ts); null unless rejected. */
  verdictReason: string | null;
  /** Drafting artifacts only. */
  editDistance: number | null;
  /** Drafting artifacts only: 0 = unchanged, 1 = rewritten. */
  editRatio: number | null;
  /** Review item created. */
  filedAt: Date;
  firstViewedAt: Date | null;
  decidedAt: Date;
};

/** What the reviews of one workflow (or one group of it) say. Rates are null when nothing was reviewed. */
export type WorkflowStats = {
  reviewed: number;
  acceptedAsIs: number;
  /** Light edits only: edited with an edit ratio at or below the policy's `heavyEditRatio`. */
  acceptedWithEdits: number;
  /** Edited beyond `heavyEditRatio`: approved by the rep, but counted against acceptance. */
  heavyEdits: number;
  rejected: number;
  /** As-is / reviewed. */
  acceptRate: number | null;
  /** Light edits / reviewed. */
  acceptWithEditsRate: number | null;
  /** Successes for the bound: as-is + light edits (heavy edits count against acceptance). */
  successes: number;
  successRate: number | null;
  /** Wilson 95% lower bound of successRate (null when reviewed = 0). */
  lowerBound: number | null;
  /** Rejected / reviewed (heavy edits are not rejections; they are in `rejectByReason` only). */
  rejectRate: number | null;
  /** Counts; heavy edits under 'heavy_edit', rejections without a reason under 'unspecified'. */
  rejectByReason: Record<string, number>;
  /** Over edited items (light and heavy) that carry a distance / ratio. */
  meanEditDistance: number | null;
  meanEditRatio: number | null;
  /** decidedAt - (firstViewedAt ?? filedAt). */
  medianTimeToReviewMs: number | null;
  /** decidedAt - filedAt. */
  medianQueueWaitMs: number | null;
};

/** The fields of a ReviewOutcome that stats can be grouped by. */
export const STATS_KEY_FIELDS = ['workflow', 'skillName', 'skillVersion', 'model', 'repId'] as const;
export type StatsKeyField = (typeof STATS_KEY_FIELDS)[number];

/** One group of groupStats: the grouped fields' values and the group's stats. */
export type GroupedStats = { key: Record<string, string | null>; stats: WorkflowStats };

/** Options of computeStats. @defaultValue z 1.96 */
export type ComputeStatsOptions = { heavyEditRatio: number; z?: number };

const Rate = z.number().min(0).max(1);
const Bound = z.number().min(0).max(1);
const Sample = z.number().int().min(1);
// Tier values live in src/review/queue-sql.ts; `satisfies` keeps this list from naming a tier that does not exist.
const TIER_VALUES = ['A', 'B', 'C', 'D'] as const satisfies readonly Tier[];

/** The bar to reach spot_check, and how much of a spot-checked workflow is still reviewed. */
export const SpotCheckPolicy = z.object({
  /** @defaultValue 50 */
  minSample: Sample.default(50),
  /** @defaultValue 0.8 */
  minLowerBound: Bound.default(0.8),
  /** Share of non-risky items still sent to review. @defaultValue 0.2 */
  sampleRate: Rate.default(0.2),
});
export type SpotCheckPolicy = z.infer<typeof SpotCheckPolicy>;

/** The bar to reach autonomous, and the audit sample still reviewed there. */
export const AutonomousPolicy = z.object({
  /** @defaultValue 200 */
  minSample: Sample.default(200),
  /** @defaultValue 0.9 */
  minLowerBound: Bound.default(0.9),
  /** Share of non-risky items still sent to review as an audit. @defaultValue 0.05 */
  auditRate: Rate.default(0.05),
});
export type AutonomousPolicy = z.infer<typeof AutonomousPolicy>;

/** Which items are risky and so always reviewed at spot_check (risk flags: at every level). */
export const RiskPolicy = z.object({
  /** Tiers whose items are always reviewed at spot_check. @defaultValue ['A'] */
  reviewTiers: z.array(z.enum(TIER_VALUES)).default(['A']),
  /** Items whose confidence is below this are always reviewed at spot_check. @defaultValue 0.6 */
  minConfidence: Rate.default(0.6),
});
export type RiskPolicy = z.infer<typeof RiskPolicy>;

/**
 * The autonomy policy (config). Every field has a default, so `AutonomyPolicy.parse({})` is the
 * stock policy. A higher level's bar must not be lower than the one below it, or a demotion from
 * autonomous could land on a level whose own bar the evidence fails.
 * @defaultValue windowDays 30, heavyEditRatio 0.3, z 1.96, incidentReasons ['wrong_facts', 'wrong_person']
 */
export const AutonomyPolicy = z
  .object({
    /** Only reviews decided in the last `windowDays` count as evidence. @defaultValue 30 */
    windowDays: z.number().int().min(1).default(30),
    /** An edit changing more than this share of the draft counts against acceptance. @defaultValue 0.3 */
    heavyEditRatio: Rate.default(0.3),
    /** z of the Wilson bound (1.96 = 95%). @defaultValue 1.96 */
    z: z.number().positive().default(1.96),
    levels: z
      .object({
        spot_check: SpotCheckPolicy.prefault({}),
        autonomous: AutonomousPolicy.prefault({}),
      })
      .prefault({}),
    /**
     * Draft reject reasons that count as incidents when the item had been auto-approved or
     * sampled. @defaultValue ['wrong_facts', 'wrong_person']
     */
    incidentReasons: z.array(z.string().min(1)).default(['wrong_facts', 'wrong_person']),
    risk: RiskPolicy.prefault({}),
  })
  .refine((p) => p.levels.autonomous.minSample >= p.levels.spot_check.minSample && p.levels.autonomous.minLowerBound >= p.levels.spot_check.minLowerBound, {
    message: "autonomous's minSample and minLowerBound must be at least spot_check's",
    path: ['levels', 'autonomous'],
  });
export type AutonomyPolicy = z.infer<typeof AutonomyPolicy>;

/** The stock policy: `AutonomyPolicy.parse({})`. */
export const DEFAULT_AUTONOMY_POLICY: AutonomyPolicy = AutonomyPolicy.parse({});

/** A level's bar: enough reviews, and a Wilson lower bound at least this high. */
export type AutonomyThreshold = { minSample: number; minLowerBound: number };

/** What a decision rests on, recorded with a proposal, demotion or reset. */
export type AutonomyEvidence = {
  reviewed: number;
  successes: number;
  lowerBound: number | null;
  /** Window in days. */
  window: number;
  incidents: number;
  /** The bar the evidence was measured against (the next level's for a proposal or hold, the current level's for a demotion). */
  threshold?: AutonomyThreshold;
};

/**
 * What evaluateAutonomy concludes. `propose` is never applied by bookrun: a manager approves or
 * declines it. `demote` and `reset` apply automatically. `hold` keeps the level (`to === from`).
 */
export type AutonomyDecision = {
  kind: 'hold' | 'propose' | 'demote' | 'reset';
  from: AutonomyLevel;
  to: AutonomyLevel;
  /** Human sentences with the numbers, e.g. "lower bound 0.84 ≥ 0.80 over 212 reviews in 30 days". */
  reasons: string[];
  evidence: AutonomyEvidence;
  /** The workflow evaluated (additive: handy when decisions are stored or listed). */
  workflow: Workflow;
};

/** Input of evaluateAutonomy. `stats` and `incidents` must already be limited to the policy's window. */
export type EvaluateAutonomyInput = {
  workflow: Workflow;
  level: AutonomyLevel;
  stats: WorkflowStats;
  /** Incidents in the window: a rep flagged a wrong fact sent or a wrong person on an auto-approved or sampled item. */
  incidents: number;
  policy: AutonomyPolicy;
  /** Set when the workflow's skill version or model changed since the level was granted. */
  versionChanged?: { evalPassed: boolean };
};

/** Why routeItem routed an item as it did; `policy` = auto-approved by the level's policy. */
export const ROUTE_REASONS = ['gated', 'risk_flag', 'top_tier', 'low_confidence', 'spot_check_sample', 'audit_sample', 'policy'] as const;
export type RouteReason = (typeof ROUTE_REASONS)[number];

/** Input of routeItem. */
export type RouteItemInput = {
  /** The id the draw is keyed on; the same id always draws the same value. */
  itemId: string;
  level: AutonomyLevel;
  riskFlags: readonly string[];
  tier: Tier | null;
  /** The agent's confidence in [0, 1]; null when it gave none (not treated as low). */
  confidence: number | null;
  policy: AutonomyPolicy;
};

/**
 * Where an item goes. An auto-approved item is recorded with who approved it: the policy at
 * `level` (`why: 'policy'`). `draw` is itemDraw(itemId), kept so an audit can recheck the route.
 */
export type ItemRoute = {
  route: 'review' | 'auto_approve';
  why: RouteReason;
  /** Additive: the level the item was routed at. */
  level: AutonomyLevel;
  /** Additive: itemDraw(itemId), in [0, 1). */
  draw: number;
};
