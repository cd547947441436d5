/**
 * One validated row of a book import: the account, its owner, contacts, recent activities and
 * signals, as the CRM stated them. Blank cells (and columns the file does not have) are null or
 * empty lists; the importer only overwrites columns the file actually carries.
 */
import { z } from 'zod';

export const ACTIVITY_KINDS = ['email', 'call', 'meeting', 'note', 'other'] as const;
export const ActivityKind = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof ActivityKind>;

export const BookContact = z.object({
  /** Lower-cased email, or the lower-cased name when there is no email; unique per account. */
  key: z.string().min(1),
  name: z.string().min(1),
  title: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  doNotContact: z.boolean(),
});
export type BookContact = z.infer<typeof BookContact>;

export const BookActivity = z.object({
  kind: ActivityKind,
  occurredAt: z.date().nullable(),
  summary: z.string().min(1),
  /** Hash of kind + date + summary: the same activity in two imports is one row. */
  dedupeKey: z.string().min(1),
});
export type BookActivity = z.infer<typeof BookActivity>;

export const BookOwner = z.object({
  /** Lower-cased. */
  email: z.string().min(3),
  name: z.string().min(1),
});
export type BookOwner = z.infer<typeof BookOwner>;

export const BookRow = z.object({
  externalId: z.string().min(1),
  name: z.string().min(1),
  domain: z.string().nullable(),
  industry: z.string().nullable(),
  employees: z.number().int().min(0).nullable(),
  arrUsd: z.number().int().min(0).nullable(),
  stage: z.string().nullable(),
  region: z.string().nullable(),
  /** Null when the row names no owner email: accounts are never silently assigned. */
  owner: BookOwner.nullable(),
  contacts: z.array(BookContact),
  activities: z.array(BookActivity),
  signals: z.array(z.string()),
  notes: z.string().nullable(),
  /** The later of the "Last Activity" cell and the newest listed activity. */
  lastActivity: z.date().nullable(),
  /** When the CRM last changed the record; an older row never overwrites a newer one. */
  lastModified: z.date().nullable(),
});
export type BookRow = z.infer<typeof BookRow>;
