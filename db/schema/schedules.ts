/**
 * Nightly schedules, one per book. Postgres holds what ops asked for; the BullMQ Job Scheduler
 * in Redis is derived from it (`bookrun schedule set` upserts both, and reconcile recreates a
 * scheduler that Redis lost).
 */
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { books } from './books.ts';

export const schedules = pgTable('schedules', {
  /** The Job Scheduler's id: `nightly-<book id>`, deterministic so every upsert names the same one. */
  id: text('id').primaryKey(),
  bookId: uuid('book_id')
    .notNull()
    .unique()
    .references(() => books.id, { onDelete: 'cascade' }),
  /** Cron expression (5 fields, or 6 with seconds), evaluated in `tz`. */
  cron: text('cron').notNull(),
  /** IANA time zone; a run's night is the calendar date of its fire time in this zone. */
  tz: text('tz').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
