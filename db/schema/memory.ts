/**
 * Per-account memory, one row per item. Newer items supersede older ones with the same key
 * (`superseded_by`) instead of piling up; values that disagree are flagged, never merged blindly.
 */
import { index, pgTable, real, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { accounts } from './books.ts';

export const MEMORY_KINDS = ['fact', 'interaction', 'resonated', 'avoid', 'summary'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export const accountMemory = pgTable(
  'account_memory',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MEMORY_KINDS }).notNull(),
    /**
     * What the item is about, e.g. `employees`, `stage`, `summary`, or a normalised phrase for
     * avoid/resonated items. Live items with the same (account, kind, key) supersede each other.
     */
    key: text('key').notNull(),
    content: text('content').notNull(),
    /** Where it came from: `crm:accounts.employees`, `research:<run>`, `review:<item>` … */
    source: text('source').notNull(),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    confidence: real('confidence').notNull().default(0.8),
    supersededBy: uuid('superseded_by').references((): AnyPgColumn => accountMemory.id),
    /** Set when a newer item disagrees with a live one from another source: shown, not merged. */
    conflictWith: uuid('conflict_with').references((): AnyPgColumn => accountMemory.id),
    runId: text('run_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('account_memory_live_idx').on(t.accountId, t.kind, t.key)],
);
