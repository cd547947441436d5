/**
 * Runs and their per-account items, plus the step memo. Postgres holds the truth about a run;
 * BullMQ jobs carry only ids and can be rebuilt from these rows.
 */
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, books } from './books.ts';

/**
 * `pending` → `running` ⇄ `paused` → `completed` | `completed_with_deferrals` | `failed` | `cancelled`.
 * `completed_with_deferrals`: every account was served or deferred for budget (`bookrun runs resume`
 * finishes it). `paused`: workers take none of the run's jobs until `bookrun runs resume`.
 */
export const RUN_STATUSES = ['pending', 'running', 'paused', 'completed', 'completed_with_deferrals', 'failed', 'cancelled'] as const;
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
    /** Hard cap in tokens (input + output + cache read + cache write), or null. */
    budgetTokens: bigint('budget_tokens', { mode: 'number' }),
    /** Hard cap in USD, or null. A run has at most one of the two caps. */
    budgetUsd: numeric('budget_usd', { precision: 14, scale: 6, mode: 'number' }),
    /**
     * How many times the run was resumed. Part of the job ids of its flows, so a resume enqueues
     * fresh jobs instead of colliding with the finished ones BullMQ still keeps.
     */
    generation: integer('generation').notNull().default(0),
    accounts: integer('accounts').notNull().default(0),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    /**
     * A batch-mode run's stage, round and message batch ids, kept here as well as in the run job's
     * data so a run whose job Redis lost polls the batches it paid for instead of sending new ones.
     */
    batchState: jsonb('batch_state').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('runs_book_key_uq').on(t.bookId, t.runKey)],
);

/**
 * `queued`: in the research wave; `drafting`: in the draft wave (jobs/catalog.ts). Terminal:
 * `done`, `failed`, `deferred_budget` (a resume finishes it), `cancelled` (the run was cancelled).
 */
export const RUN_ITEM_STATUSES = ['pending', 'queued', 'drafting', 'done', 'failed', 'deferred_budget', 'cancelled'] as const;
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
    /** The first step the budget did not cover (`deferred_budget` items). */
    deferredStep: text('deferred_step', { enum: ['research', 'prioritize', 'draft'] }),
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
