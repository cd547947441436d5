/**
 * The outbox: every external side effect (CRM write-back of an approved draft, hand-off to
 * sending) is a row written in the same transaction as the approval that causes it, with a unique
 * idempotency key. A relay delivers it at least once; the receiver dedupes by the key. A delivery
 * whose outcome is unknown (the relay died mid-send) is `held` for a human, never re-sent blindly.
 */
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './books.ts';
import { reviewItems } from './review.ts';
import { runs } from './runs.ts';

export const OUTBOX_KINDS = ['crm_writeback', 'send_handoff'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * `pending` → `sending` (claimed, lease running) → `delivered`; `failed` after the receiver refused
 * it for good; `held` when a claim's lease expired with the outcome unknown and the receiver
 * could not say whether it has the key — a human decides (`bookrun outbox release|resolve`).
 */
export const OUTBOX_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'held'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull(),
    /** `<kind>-<review item id>`: one effect of a kind per approved item, ever. */
    idempotencyKey: text('idempotency_key').notNull(),
    reviewItemId: uuid('review_item_id')
      .notNull()
      .references(() => reviewItems.id, { onDelete: 'cascade' }),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** What is delivered, copied from the approved record: the relay never asks a model. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** While `sending`: until when the claiming relay owns the row. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** Earliest next attempt after a retryable failure. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('outbox_idempotency_key_uq').on(t.idempotencyKey), index('outbox_status_idx').on(t.status, t.nextAttemptAt)],
);
