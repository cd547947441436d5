/**
 * Autonomy per workflow (issue 7): the level each workflow has earned, the promotions proposed to
 * a manager, and every change of level with its evidence. No `autonomy_levels` row = gated.
 *
 * Levels and evidence are spelled out here rather than imported from src/autonomy so the schema
 * stays a leaf of the import graph (src/autonomy/types.ts imports `Workflow` from here); the
 * services check that the two agree with `satisfies`.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { reps } from './books.ts';
import { WORKFLOWS } from './review.ts';

/** The ladder, lowest first (same values as AUTONOMY_LEVELS in src/autonomy/types.ts). */
export const STORED_AUTONOMY_LEVELS = ['gated', 'spot_check', 'autonomous'] as const;

export const AUTONOMY_PROPOSAL_STATUSES = ['pending', 'approved', 'declined', 'superseded'] as const;
export type AutonomyProposalStatus = (typeof AUTONOMY_PROPOSAL_STATUSES)[number];

/** `promote`: an approved proposal; `demote` / `reset`: applied by the policy; `set`: a manager's `autonomy set`. */
export const AUTONOMY_TRANSITION_KINDS = ['promote', 'demote', 'reset', 'set'] as const;
export type AutonomyTransitionKind = (typeof AUTONOMY_TRANSITION_KINDS)[number];

/** The evidence a decision rested on (AutonomyEvidence in src/autonomy/types.ts). */
export type StoredAutonomyEvidence = {
  reviewed: number;
  successes: number;
  lowerBound: number | null;
  window: number;
  incidents: number;
  threshold?: { minSample: number; minLowerBound: number };
};

export const autonomyLevels = pgTable('autonomy_levels', {
  workflow: text('workflow', { enum: WORKFLOWS }).primaryKey(),
  level: text('level', { enum: STORED_AUTONOMY_LEVELS }).notNull(),
  /** The skill version and model the level was granted for: a different one resets the level. */
  skillVersion: text('skill_version'),
  model: text('model'),
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  /** A manager's email, or `policy` for an automatic demotion or reset. */
  setBy: text('set_by').notNull(),
  reason: text('reason').notNull(),
});

export const autonomyProposals = pgTable(
  'autonomy_proposals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflow: text('workflow', { enum: WORKFLOWS }).notNull(),
    fromLevel: text('from_level', { enum: STORED_AUTONOMY_LEVELS }).notNull(),
    toLevel: text('to_level', { enum: STORED_AUTONOMY_LEVELS }).notNull(),
    status: text('status', { enum: AUTONOMY_PROPOSAL_STATUSES }).notNull().default('pending'),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    evidence: jsonb('evidence').$type<StoredAutonomyEvidence>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => reps.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
  },
  // At most one open proposal per workflow: evaluating twice cannot queue two for a manager.
  (t) => [uniqueIndex('autonomy_proposals_one_pending_uq').on(t.workflow).where(sql`${t.status} = 'pending'`), index('autonomy_proposals_workflow_idx').on(t.workflow, t.createdAt)],
);

export const autonomyTransitions = pgTable(
  'autonomy_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workflow: text('workflow', { enum: WORKFLOWS }).notNull(),
    fromLevel: text('from_level', { enum: STORED_AUTONOMY_LEVELS }).notNull(),
    toLevel: text('to_level', { enum: STORED_AUTONOMY_LEVELS }).notNull(),
    kind: text('kind', { enum: AUTONOMY_TRANSITION_KINDS }).notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    /** Null for a manager's `set` that lowered a level without a policy decision behind it. */
    evidence: jsonb('evidence').$type<StoredAutonomyEvidence>(),
    /** A manager's email, or `policy`. */
    actor: text('actor').notNull(),
    proposalId: uuid('proposal_id').references(() => autonomyProposals.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('autonomy_transitions_workflow_idx').on(t.workflow, t.at)],
);
