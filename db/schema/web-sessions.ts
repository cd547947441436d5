/**
 * Sign-in for the web app: one-time links and sessions. Only SHA-256 hashes of the secrets are
 * stored, so a copy of the database signs nobody in.
 */
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { reps } from './books.ts';

/** A one-time sign-in link (`bookrun reps add`): usable once, until it expires. */
export const signInTokens = pgTable(
  'sign_in_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    repId: uuid('rep_id')
      .notNull()
      .references(() => reps.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sign_in_tokens_rep_idx').on(t.repId)],
);

/** A signed-in browser. The cookie holds the secret; the row holds its hash and the CSRF token. */
export const webSessions = pgTable(
  'web_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    repId: uuid('rep_id')
      .notNull()
      .references(() => reps.id, { onDelete: 'cascade' }),
    /** Synchronizer token every state-changing request must echo (form field or header). */
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('web_sessions_rep_idx').on(t.repId)],
);
