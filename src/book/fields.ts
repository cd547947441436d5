/**
 * The bookrun fields a CSV column can fill, and the column names bookrun itself writes
 * (`book generate`). One header-driven row per account; multi-valued cells use a documented
 * encoding so any spreadsheet can produce them:
 *
 * - contacts: numbered column groups `Contact N Name | Title | Email | Phone | Do Not Contact`,
 *   N = 1…{@link MAX_CONTACTS} (bookrun writes up to 4); a group with every cell blank is no contact.
 * - `Signals`: short sentences separated by ` | `.
 * - `Recent Activities`: `YYYY-MM-DD kind: summary` entries separated by ` | `,
 *   kind one of email, call, meeting, note (anything else is kept as `other`).
 * - `Do Not Contact`: yes/no, true/false, 1/0, x or blank (= no).
 */
import { z } from 'zod';

/** Account-level fields, in the order bookrun writes them. */
export const ACCOUNT_FIELDS = [
  'externalId',
  'name',
  'domain',
  'industry',
  'employees',
  'arrUsd',
  'stage',
  'region',
  'ownerName',
  'ownerEmail',
  'lastActivity',
  'lastModified',
  'signals',
  'activities',
  'notes',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

export const CONTACT_PARTS = ['name', 'title', 'email', 'phone', 'doNotContact'] as const;
export type ContactPart = (typeof CONTACT_PARTS)[number];

/** Contact column groups a file may carry; more would be a spreadsheet, not a CRM export. */
export const MAX_CONTACTS = 20;
/** Contact column groups `book generate` writes. */
export const GENERATED_CONTACTS = 4;

/** A bookrun field: an account field, or `contactN.part` for the N-th contact group. */
export type BookField = AccountField | `contact${number}.${ContactPart}`;

/** Fields without which a row cannot become an account. */
export const REQUIRED_FIELDS = ['externalId', 'name'] as const satisfies readonly AccountField[];

const CONTACT_FIELD = /^contact([1-9]\d?)\.(name|title|email|phone|doNotContact)$/;

/** Splits `contact2.email` into its group number and part; undefined for account fields. */
export function contactFieldParts(field: BookField): { n: number; part: ContactPart } | undefined {
  const match = CONTACT_FIELD.exec(field);
  if (!match?.[1] || !match[2]) return undefined;
  return { n: Number(match[1]), part: match[2] as ContactPart };
}

/** `contact2.email` for group 2, part email. */
export function contactField(n: number, part: ContactPart): BookField {
  return `contact${n}.${part}`;
}

/** Whether a map-file value names a bookrun field. */
export function isBookField(s: string): s is BookField {
  if ((ACCOUNT_FIELDS as readonly string[]).includes(s)) return true;
  const contact = CONTACT_FIELD.test(s) ? contactFieldParts(s as BookField) : undefined;
  return contact !== undefined && contact.n <= MAX_CONTACTS;
}

/** A field name as written in a map file; validated so a typo names itself. */
export const BookField = z
  .string()
  .refine(isBookField, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a bookrun field (one of ${ACCOUNT_FIELDS.join(', ')}, or contactN.name|title|email|phone|doNotContact with N ≤ ${MAX_CONTACTS})`,
  })
  .transform((s) => s as BookField);

/** Column headers bookrun writes, per field (also the first alias the importer recognises). */
export const BOOKRUN_HEADERS: Readonly<Record<AccountField, string>> = {
  externalId: 'Account ID',
  name: 'Account Name',
  domain: 'Website',
  industry: 'Industry',
  employees: 'Employees',
  arrUsd: 'ARR (USD)',
  stage: 'Stage',
  region: 'Region',
  ownerName: 'Account Owner',
  ownerEmail: 'Account Owner Email',
  lastActivity: 'Last Activity',
  lastModified: 'Last Modified',
  signals: 'Signals',
  activities: 'Recent Activities',
  notes: 'Notes',
};

const CONTACT_HEADER_PARTS: Readonly<Record<ContactPart, string>> = {
  name: 'Name',
  title: 'Title',
  email: 'Email',
  phone: 'Phone',
  doNotContact: 'Do Not Contact',
};

/** `Contact 2 Email`. */
export function contactHeader(n: number, part: ContactPart): string {
  return `Contact ${n} ${CONTACT_HEADER_PARTS[part]}`;
}

/** The full header row of a bookrun CSV with `contacts` contact groups. */
export function bookrunHeaderRow(contacts: number = GENERATED_CONTACTS): string[] {
  const headers = ACCOUNT_FIELDS.map((f) => BOOKRUN_HEADERS[f]);
  for (let n = 1; n <= contacts; n++) for (const part of CONTACT_PARTS) headers.push(contactHeader(n, part));
  return headers;
}
