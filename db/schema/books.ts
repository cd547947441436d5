/**
 * Books, their owners and what is in them: reps, accounts, contacts, activities, and the import
 * log with its quarantine. Accounts are keyed by the CRM's own id inside a book, so a re-import
 * updates rows instead of duplicating them.
 */
import { bigint, boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const books = pgTable('books', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** The cap a run of this book gets when none is given (`bookrun book budget`); at most one is set. */
  budgetUsd: numeric('budget_usd', { precision: 14, scale: 6, mode: 'number' }),
  budgetTokens: bigint('budget_tokens', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Reps own accounts and review their items; managers read dashboards and confirm autonomy. */
export const reps = pgTable('reps', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Lower-cased; the identity a rep signs in with. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['rep', 'manager'] }).notNull().default('rep'),
  /** IANA time zone the web app shows dates in (`bookrun reps add --tz`). */
  timeZone: text('time_zone').notNull().default('UTC'),
  /** Set when the rep may no longer sign in; their sessions stop working at once. */
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bookId: uuid('book_id')
      .notNull()
      .references(() => books.id, { onDelete: 'cascade' }),
    /** The CRM's id for the account; the idempotency key of imports within a book. */
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    industry: text('industry'),
    employees: integer('employees'),
    /** Annual recurring revenue in whole US dollars. */
    arrUsd: integer('arr_usd'),
    stage: text('stage'),
    region: text('region'),
    ownerRepId: uuid('owner_rep_id').references(() => reps.id),
    /** Buying signals as the CRM states them (short sentences). */
    signals: jsonb('signals').$type<string[]>().notNull().default([]),
    notes: text('notes'),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    /** When the CRM last changed the record; older rows never overwrite newer ones. */
    crmUpdatedAt: timestamp('crm_updated_at', { withTimezone: true }),
    /**
     * Values that disagreed between rows of the same account (duplicates in the export), kept for
     * review instead of being merged blindly: `[{field, values, lines}]`.
     */
    conflicts: jsonb('conflicts').$type<Array<{ field: string; values: string[]; lines: number[] }>>().notNull().default([]),
    /** Line of the CSV row the current values came from. */
    sourceLine: integer('source_line'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_book_external_uq').on(t.bookId, t.externalId), index('accounts_owner_idx').on(t.ownerRepId)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** Lower-cased email, or the lower-cased name when the CRM has no email; unique per account. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    title: text('title'),
    email: text('email'),
    phone: text('phone'),
    /** Opted out, bounced or legally suppressed: never a recipient. */
    doNotContact: boolean('do_not_contact').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contacts_account_key_uq').on(t.accountId, t.key)],
);

/** Emails, calls, meetings and notes from the CRM. `dedupeKey` makes re-imports idempotent. */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email', 'call', 'meeting', 'note', 'other'] }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    summary: text('summary').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('activities_account_dedupe_uq').on(t.accountId, t.dedupeKey), index('activities_account_idx').on(t.accountId, t.occurredAt)],
);

/** One row per `book import`: what came in and what happened to it. */
export const imports = pgTable('imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  bookId: uuid('book_id')
    .notNull()
    .references(() => books.id, { onDelete: 'cascade' }),
  fileName: text('file_name').notNull(),
  rows: integer('rows').notNull().default(0),
  imported: integer('imported').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  /** Rows older than what the database already holds (by CRM last-modified); they change nothing. */
  stale: integer('stale').notNull().default(0),
  /** Extra rows of an account already in the file, merged into it. */
  duplicates: integer('duplicates').notNull().default(0),
  /** Accounts whose duplicate rows disagreed (flagged in `accounts.conflicts`). */
  conflicts: integer('conflicts').notNull().default(0),
  quarantined: integer('quarantined').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** Rows that failed validation, kept verbatim with where and why; nothing is silently dropped. */
export const quarantinedRows = pgTable(
  'quarantined_rows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
    /** The row as read (header → cell), or the raw text when it could not be split. */
    raw: jsonb('raw').$type<Record<string, string> | string>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('quarantined_rows_import_idx').on(t.importId, t.line)],
);

