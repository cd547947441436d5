/**
 * Runs and their per-account items, plus the step memo. Postgres holds the truth about a run;
 * BullMQ jobs carry only ids and can be rebuilt from these rows.
 */
import { index, integer, jsonb, numeric, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, books } from './books.ts';

export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runs = pgTable(
  'runs',
  {
    /** `run-YYYYMMDD-xxxxxx`: never contains `:` and is never all digits (BullMQ job-id rules). */
    id: text('id').primaryKey(),
    bookId: uuid('book_id')
      .notNull()
      .references(() => books.id, { onDelete: 'cascade' }),
    /** `manual-<id>` for `bookrun run`, the calendar date in the schedule's tz for nightly runs. */
    runKey: text('run_key').notNull(),
    trigger: text('trigger', { enum: ['manual', 'schedule'] }).notNull().default('manual'),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('pending'),
    mode: text('mode', { enum: ['realtime', 'batch'] }).notNull().default('realtime'),
    /** The policy and skill versions the run was started with, so a summary can explain itself. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    budgetTokens: integer('budget_tokens'),
    accounts: integer('accounts').notNull().default(0),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('runs_book_key_uq').on(t.bookId, t.runKey)],
);

export const RUN_ITEM_STATUSES = ['pending', 'queued', 'done', 'failed', 'deferred_budget'] as const;
export type RunItemStatus = (typeof RUN_ITEM_STATUSES)[number];

export const runItems = pgTable(
  'run_items',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** Cheap score (ARR, stage, recency, signals) computed without the LLM; decides the order. */
    preScore: real('pre_score').notNull().default(0),
    /** BullMQ priority derived from the pre-score (1 = first). */
    priority: integer('priority').notNull().default(1),
    status: text('status', { enum: RUN_ITEM_STATUSES }).notNull().default('pending'),
    tier: text('tier', { enum: ['A', 'B', 'C', 'D'] }),
    /** Which step failed and why, for the run summary. */
    error: text('error'),
    failedStep: text('failed_step'),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.accountId] }), index('run_items_status_idx').on(t.runId, t.status)],
);

export const STEPS = ['research', 'prioritize', 'draft'] as const;
export type Step = (typeof STEPS)[number];

/**
 * The memo: one row per (run, account, step), written once when the step succeeds. A retried or
 * duplicated job finds it and spends nothing.
 */
export const stepResults = pgTable(
  'step_results',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    step: text('step', { enum: STEPS }).notNull(),
    status: text('status', { enum: ['succeeded', 'skipped'] }).notNull(),
    output: jsonb('output').$type<unknown>().notNull(),
    skillName: text('skill_name'),
    skillVersion: text('skill_version'),
    model: text('model'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6, mode: 'number' }),
    attempt: integer('attempt').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.accountId, t.step] })],
);
