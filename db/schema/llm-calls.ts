/**
 * The LLM call ledger: one row per model call, success or failure, with usage by kind and cost.
 * Token spend is reported from here, never from Redis.
 */
import { index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runs } from './runs.ts';

export const llmCalls = pgTable(
  'llm_calls',
  {
    /** `${runId}.${accountId}.${step}.a${attempt}.t${turn}` — unique per call attempt. */
    id: text('id').primaryKey(),
    runId: text('run_id').references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id'),
    step: text('step'),
    skillVersion: text('skill_version'),
    model: text('model').notNull(),
    callKind: text('call_kind').notNull(),
    /** `started` before the HTTP call, then `ok` or the LLM error kind. */
    status: text('status').notNull(),
    /** The reservation's upper bound (input estimate + max_tokens), charged if the call never settles. */
    estTokens: integer('est_tokens'),
    estCostUsd: numeric('est_cost_usd', { precision: 14, scale: 6, mode: 'number' }),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6, mode: 'number' }),
    serviceTier: text('service_tier'),
    requestId: text('request_id'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('llm_calls_run_idx').on(t.runId, t.step)],
);
