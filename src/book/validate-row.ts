/**
 * Cells of one CSV row → a typed `BookRow`, or the reasons it cannot be one. Every cell goes
 * through a zod codec; each problem names the column as written in the file, so the quarantine
 * reads `line 418, column "Employees": "lots" is not a number`.
 */
import { z } from 'zod';
import { parseActivities } from './activities-cell.ts';
import type { BookActivity, BookContact, BookRow } from './book-row.ts';
import { parseCount, parseDate, parseDomain, parseFlag, parseUsd, q, splitList, type CellResult } from './cell-values.ts';
import { contactField, contactFieldParts, type AccountField, type BookField } from './fields.ts';
import type { HeaderMapping } from './header-mapping.ts';

export type RowIssue = {
  /** The header of the offending column as written in the file; null when the row as a whole is bad. */
  column: string | null;
  reason: string;
};
export type RowResult = { ok: true; row: BookRow } | { ok: false; issues: RowIssue[] };

/** A zod codec from a cell reader: the reason becomes the issue message. */
function codec<T>(read: (cell: string) => CellResult<T>): z.ZodType<T, string> {
  return z.string().transform((cell, ctx) => {
    const result = read(cell);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });
}

function text(max: number): z.ZodType<string | null, string> {
  return codec((cell) => {
    const value = cell.trim().replace(/\r\n?/g, '\n');
    if (value === '') return { ok: true, value: null };
    if (value.length > max) return { ok: false, reason: `is longer than ${max.toLocaleString('en-US')} characters` };
    return { ok: true, value };
  });
}

function required(what: string, max: number): z.ZodType<string, string> {
  return codec((cell) => {
    const value = cell.trim();
    if (value === '') return { ok: false, reason: `${what} is blank` };
    if (value.length > max) return { ok: false, reason: `${what} is longer than ${max} characters` };
    // Excel turns long numeric ids into 1.23E+11 and loses digits; refuse rather than mis-key.
    if (what === 'account id' && /^\d+(?:\.\d+)?e\+\d+$/i.test(value)) {
      return { ok: false, reason: `${q(value)} looks like an id Excel turned into a number; export ids as text` };
    }
    return { ok: true, value };
  });
}

const NON_ASCII = /[\u0080-\uffff]/;
const Email = z.email();
const email = codec((cell): CellResult<string | null> => {
  const value = cell.trim();
  if (value === '') return { ok: true, value: null };
  return Email.safeParse(value).success ? { ok: true, value } : { ok: false, reason: `${q(value)} is not an email address` };
});

const list = codec((cell) => {
  const parts = splitList(cell);
  const long = parts.find((p) => p.length > 500);
  return long ? { ok: false, reason: `${q(long)} is longer than 500 characters` } : { ok: true, value: parts };
});

/** Codec per account field; contact parts use CONTACT_CODECS. */
function accountCodecs(mapping: HeaderMapping) {
  return {
    externalId: required('account id', 200),
    name: required('account name', 300),
    domain: codec(parseDomain),
    industry: text(200),
    employees: codec(parseCount),
    arrUsd: codec(parseUsd),
    stage: text(100),
    region: text(200),
    ownerName: text(200),
    ownerEmail: email,
    lastActivity: codec((cell) => parseDate(cell, mapping.dates)),
    lastModified: codec((cell) => parseDate(cell, mapping.dates)),
    signals: list,
    activities: codec((cell) => parseActivities(cell, mapping.dates)),
    notes: text(20_000),
  } satisfies Record<AccountField, z.ZodType<unknown, string>>;
}

const CONTACT_CODECS = { name: text(200), title: text(200), email, phone: text(60), doNotContact: codec(parseFlag) };

/** The id cell of a row, as the importer keys duplicates (before full validation). */
export function externalIdOf(mapping: HeaderMapping, cells: readonly string[]): string {
  const index = mapping.columns.get('externalId');
  return index === undefined ? '' : (cells[index] ?? '').trim().normalize('NFC');
}

/** Builds the validator for one file's header mapping. */
export function createRowValidator(mapping: HeaderMapping): (cells: readonly string[]) => RowResult {
  const codecs = accountCodecs(mapping);
  const groups = [...new Set([...mapping.columns.keys()].map((f) => contactFieldParts(f)?.n).filter((n) => n !== undefined))].sort((a, b) => a - b);
  const header = (field: BookField): string | null => {
    const index = mapping.columns.get(field);
    return index === undefined ? null : (mapping.headers[index] ?? null);
  };

  const blanks = new Map<z.ZodType<unknown, string>, z.ZodSafeParseResult<unknown>>();
  return (cells) => {
    if (cells.length !== mapping.headers.length) {
      return { ok: false, issues: [{ column: null, reason: `row has ${cells.length} cells, the header has ${mapping.headers.length} (a missing or extra comma, or an unquoted line break?)` }] };
    }
    const issues: RowIssue[] = [];
    const read = <T>(field: BookField, schema: z.ZodType<T, string>): T | undefined => {
      const index = mapping.columns.get(field);
      if (index === undefined) return undefined;
      const raw = cells[index] ?? '';
      // Most cells of an export are blank (unused contact groups): answer those from a cache.
      if (raw === '') {
        const blank = blanks.get(schema) ?? schema.safeParse('');
        blanks.set(schema, blank);
        // Lists are copied so no two rows share (and could mutate) one array.
        if (blank.success) return (Array.isArray(blank.data) ? [...(blank.data as unknown[])] : blank.data) as T;
      }
      const cell = NON_ASCII.test(raw) ? raw.normalize('NFC') : raw;
      if (cell.includes('\uFFFD')) {
        issues.push({ column: header(field), reason: 'contains bytes that are not UTF-8 (export the file as "CSV UTF-8")' });
        return undefined;
      }
      const parsed = schema.safeParse(cell);
      if (parsed.success) return parsed.data;
      issues.push({ column: header(field), reason: parsed.error.issues[0]?.message ?? 'is invalid' });
      return undefined;
    };

    const externalId = read('externalId', codecs.externalId);
    const name = read('name', codecs.name);
    const row = {
      domain: read('domain', codecs.domain) ?? null,
      industry: read('industry', codecs.industry) ?? null,
      employees: read('employees', codecs.employees) ?? null,
      arrUsd: read('arrUsd', codecs.arrUsd) ?? null,
      stage: read('stage', codecs.stage) ?? null,
      region: read('region', codecs.region) ?? null,
      signals: read('signals', codecs.signals) ?? [],
      notes: read('notes', codecs.notes) ?? null,
      lastModified: read('lastModified', codecs.lastModified) ?? null,
    };
    const ownerName = read('ownerName', codecs.ownerName) ?? null;
    const ownerEmail = read('ownerEmail', codecs.ownerEmail) ?? null;
    const activities: BookActivity[] = read('activities', codecs.activities) ?? [];
    const lastActivityCell = read('lastActivity', codecs.lastActivity) ?? null;
    const contacts = readContacts(groups, read, header, issues);

    if (issues.length > 0 || externalId === undefined || name === undefined) return { ok: false, issues };
    const newest = Math.max(lastActivityCell?.getTime() ?? -Infinity, ...activities.map((a) => a.occurredAt?.getTime() ?? -Infinity));
    return {
      ok: true,
      row: {
        externalId,
        name,
        ...row,
        owner: ownerEmail ? { email: ownerEmail.toLowerCase(), name: ownerName ?? ownerEmail } : null,
        contacts,
        activities,
        lastActivity: Number.isFinite(newest) ? new Date(newest) : null,
      },
    };
  };
}

type Reader = <T>(field: BookField, schema: z.ZodType<T, string>) => T | undefined;

function readContacts(groups: number[], read: Reader, header: (f: BookField) => string | null, issues: RowIssue[]): BookContact[] {
  const contacts: BookContact[] = [];
  const keys = new Set<string>();
  for (const n of groups) {
    const name = read(contactField(n, 'name'), CONTACT_CODECS.name) ?? null;
    const title = read(contactField(n, 'title'), CONTACT_CODECS.title) ?? null;
    const email = read(contactField(n, 'email'), CONTACT_CODECS.email) ?? null;
    const phone = read(contactField(n, 'phone'), CONTACT_CODECS.phone) ?? null;
    const doNotContact = read(contactField(n, 'doNotContact'), CONTACT_CODECS.doNotContact) ?? false;
    if (!name && !email) {
      if (title || phone) {
        const column = header(contactField(n, 'name')) ?? header(contactField(n, 'email')) ?? header(contactField(n, title ? 'title' : 'phone'));
        issues.push({ column, reason: `contact ${n} has a ${title ? 'title' : 'phone'} but no name or email` });
      }
      continue;
    }
    const key = (email ?? name ?? '').toLowerCase();
    // The same person listed twice on one row is one contact.
    if (keys.has(key)) continue;
    keys.add(key);
    contacts.push({ key, name: name ?? (email as string), title, email, phone, doNotContact });
  }
  return contacts;
}
