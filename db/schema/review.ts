/**
 * What the pipeline produced and what reaches a rep. Every artifact (research brief, tier, draft)
 * is a row of its workflow with the skill version and model that made it; a review item presents
 * one or more artifacts of one account to its owner rep, so one review yields a verdict for each
 * workflow it covers.
 */
import { index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, reps } from './books.ts';
import { runs } from './runs.ts';

export const WORKFLOWS = ['research', 'prioritization', 'drafting'] as const;
export type Workflow = (typeof WORKFLOWS)[number];

export const REVIEW_ITEM_STATUSES = ['pending', 'accepted', 'edited', 'rejected'] as const;
export type ReviewItemStatus = (typeof REVIEW_ITEM_STATUSES)[number];

/** Why a rep rejected a draft; `other` needs the rep's own words. */
export const REJECT_REASONS = ['wrong_facts', 'wrong_person', 'tone', 'timing', 'not_a_fit', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A rep's quick verdict on the research brief shown with an item. */
export const BRIEF_VERDICTS = ['accurate', 'wrong_facts'] as const;
export type BriefVerdict = (typeof BRIEF_VERDICTS)[number];

/** A rep's quick verdict on the tier shown with an item. */
export const TIER_VERDICTS = ['right', 'too_high', 'too_low'] as const;
export type TierVerdict = (typeof TIER_VERDICTS)[number];

export const reviewItems = pgTable(
  'review_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** The account's owner when the item was created; only they (and managers) see it. */
    ownerRepId: uuid('owner_rep_id').references(() => reps.id),
    /** `drafted`: the account got a draft; `sampled`: brief/tier drawn for quality sampling. */
    reason: text('reason', { enum: ['drafted', 'sampled'] }).notNull(),
    workflows: jsonb('workflows').$type<Workflow[]>().notNull(),
    status: text('status', { enum: REVIEW_ITEM_STATUSES }).notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => reps.id),
    /** The rep's edited draft (`edited` items): what the outbox delivers instead of the model's. */
    editedContent: jsonb('edited_content').$type<Record<string, unknown>>(),
    /** Why the rep decided as they did (optional; rejections ask for it). */
    decisionNote: text('decision_note'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** The account's tier from the item's prioritization artifact, kept here so the queue filters and groups by it. */
    tier: text('tier', { enum: ['A', 'B', 'C', 'D'] }),
    /** Reason code of a rejection. */
    rejectReason: text('reject_reason', { enum: REJECT_REASONS }),
    /** The rep's quick verdict on the brief, when they gave one. */
    briefVerdict: text('brief_verdict', { enum: BRIEF_VERDICTS }),
    /** The rep's quick verdict on the tier, when they gave one. */
    tierVerdict: text('tier_verdict', { enum: TIER_VERDICTS }),
    /** The draft as approved (`{subject, body}`): the model's for an accept, the rep's for an edit. */
    finalContent: jsonb('final_content').$type<{ subject: string; body: string }>(),
    /** Levenshtein distance from the model's draft (subject + body) to the final text; 0 for an accept. */
    editDistance: integer('edit_distance'),
    /** `editDistance` over the longer of the two texts: 0 = unchanged, 1 = rewritten. */
    editRatio: real('edit_ratio'),
    /** When the owner first opened the item: time to review runs from here. */
    firstViewedAt: timestamp('first_viewed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // One item per account per run: nothing reaches a rep twice.
  (t) => [
    uniqueIndex('review_items_run_account_uq').on(t.runId, t.accountId),
    index('review_items_owner_idx').on(t.ownerRepId, t.status),
    // The morning queue: one rep's pending items by run and tier.
    index('review_items_queue_idx').on(t.ownerRepId, t.status, t.runId, t.tier),
  ],
);

export const ARTIFACT_STATUSES = ['pending_review', 'unreviewed', 'accepted', 'edited', 'rejected', 'auto_approved'] as const;
export type ArtifactStatus = (typeof ARTIFACT_STATUSES)[number];

export const artifacts = pgTable(
  'artifacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    workflow: text('workflow', { enum: WORKFLOWS }).notNull(),
    skillName: text('skill_name').notNull(),
    skillVersion: text('skill_version').notNull(),
    model: text('model').notNull(),
    /** `pending_review` when in a review item; `unreviewed` when not sampled. */
    status: text('status', { enum: ARTIFACT_STATUSES }).notNull(),
    /** The workflow's validated output (brief, tier or draft). */
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    rationale: text('rationale'),
    /** Facts the artifact rests on: `[{id, text, source, observedAt}]`. */
    citedFacts: jsonb('cited_facts').$type<Array<Record<string, unknown>>>().notNull().default([]),
    riskFlags: jsonb('risk_flags').$type<string[]>().notNull().default([]),
    /** Why a review rejected the artifact: a reject reason for a draft, `wrong_facts` for a brief, `too_high`/`too_low` for a tier. */
    verdictReason: text('verdict_reason'),
    reviewItemId: uuid('review_item_id').references(() => reviewItems.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('artifacts_run_account_workflow_uq').on(t.runId, t.accountId, t.workflow), index('artifacts_review_item_idx').on(t.reviewItemId)],
);
