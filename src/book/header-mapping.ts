/**
 * Which column fills which bookrun field. Headers are compared by their letters and digits only,
 * lower-cased ("Account Owner Email" = "account_owner_email" = "ACCOUNT OWNER E-MAIL"), first
 * against the map file, then against the defaults below, which cover bookrun's own headers and
 * common Salesforce and HubSpot export headers.
 */
import type { ColumnMap, DateOrder } from './column-map.ts';
import { BookInputError } from './errors.ts';
import { contactField, MAX_CONTACTS, REQUIRED_FIELDS, type AccountField, type BookField, type ContactPart } from './fields.ts';

/** Lower-cased letters and digits only: "Account Owner (Email)" → "accountowneremail". */
export function normalizeHeader(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Default header aliases per field, best first. When two columns claim one field (a Salesforce
 * export with both "Type" and "Stage"), the better alias wins and the other column is ignored.
 */
export const DEFAULT_ALIASES: Readonly<Record<AccountField, readonly string[]>> = {
  externalId: ['accountid', 'recordid', 'companyid', 'externalid', 'crmid', 'id', 'sfdcid', 'salesforceid', 'hubspotid', 'objectid'],
  name: ['accountname', 'companyname', 'company', 'name', 'organizationname', 'organization', 'organisationname', 'organisation', 'account'],
  domain: ['website', 'companydomainname', 'domain', 'companydomain', 'websiteurl', 'url', 'web'],
  industry: ['industry', 'sector', 'vertical'],
  employees: ['employees', 'numberofemployees', 'employeecount', 'headcount', 'noofemployees', 'companysize'],
  arrUsd: ['arrusd', 'arr', 'annualrecurringrevenue', 'annualrecurringrevenueusd', 'annualrevenue', 'annualrevenueusd', 'revenue'],
  stage: ['stage', 'accountstage', 'lifecyclestage', 'type', 'accounttype', 'status', 'customerstatus'],
  region: ['region', 'territory', 'salesregion', 'billingcountry', 'country', 'countryregion'],
  ownerName: ['accountowner', 'accountownername', 'companyowner', 'companyownername', 'owner', 'ownername', 'hubspotowner', 'contactowner'],
  ownerEmail: ['accountowneremail', 'owneremail', 'companyowneremail', 'accountowneremailaddress', 'owneremailaddress', 'hubspotowneremail'],
  lastActivity: ['lastactivity', 'lastactivitydate', 'lastcontacted', 'lastengagementdate'],
  lastModified: ['lastmodified', 'lastmodifieddate', 'lastmodifieddatetime', 'lastmodifiedat', 'updatedat', 'lastupdated', 'modifieddate'],
  signals: ['signals', 'buyingsignals', 'intentsignals'],
  activities: ['recentactivities', 'activities', 'activityhistory'],
  notes: ['notes', 'description', 'note', 'accountnotes', 'comments'],
};

const CONTACT_PART_ALIASES: Readonly<Record<string, ContactPart>> = {
  name: 'name',
  fullname: 'name',
  title: 'title',
  jobtitle: 'title',
  email: 'email',
  emailaddress: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  donotcontact: 'doNotContact',
  dnc: 'doNotContact',
  optout: 'doNotContact',
  emailoptout: 'doNotContact',
};
/** "Contact 2 Email", "Primary Contact Email" (= contact 1), "contact_3_job_title". */
const CONTACT_HEADER = new RegExp(`^(?:primary)?contact(\\d{0,2})(${Object.keys(CONTACT_PART_ALIASES).join('|')})$`);

const ALIAS_INDEX: ReadonlyMap<string, { field: AccountField; rank: number }> = new Map(
  (Object.entries(DEFAULT_ALIASES) as Array<[AccountField, readonly string[]]>).flatMap(([field, aliases]) =>
    aliases.map((alias, rank) => [alias, { field, rank }] as const),
  ),
);

/** The default field for a header, if any. */
export function defaultFieldFor(header: string): { field: BookField; rank: number } | undefined {
  const key = normalizeHeader(header);
  const account = ALIAS_INDEX.get(key);
  if (account) return account;
  const contact = CONTACT_HEADER.exec(key);
  if (!contact) return undefined;
  const n = contact[1] ? Number(contact[1]) : 1;
  const part = CONTACT_PART_ALIASES[contact[2] ?? ''];
  if (!part || n < 1 || n > MAX_CONTACTS) return undefined;
  return { field: contactField(n, part), rank: 0 };
}

export type HeaderMapping = {
  /** The header row as written in the file. */
  headers: readonly string[];
  /** Field → index of the column that fills it. */
  columns: ReadonlyMap<BookField, number>;
  /** Headers no field uses, in file order (listed once on stderr). */
  ignored: readonly string[];
  /** Map-file keys that match no header (a typo, or a column this export lacks). */
  unusedMapKeys: readonly string[];
  dates: DateOrder;
};

/**
 * Maps a header row to fields. Throws `BookInputError` when a required field has no column, when
 * two columns are mapped explicitly to one field, or when a mapped header appears twice.
 */
export function mapHeaders(headers: readonly string[], map?: ColumnMap): HeaderMapping {
  const explicit = new Map<string, BookField>();
  for (const [header, field] of Object.entries(map?.columns ?? {})) explicit.set(normalizeHeader(header), field);

  const claims = new Map<BookField, Array<{ index: number; rank: number }>>();
  const usedMapKeys = new Set<string>();
  headers.forEach((header, index) => {
    const key = normalizeHeader(header);
    if (!key) return;
    const mapped = explicit.get(key);
    if (mapped) usedMapKeys.add(key);
    // An explicit mapping outranks every default alias (rank -1).
    const claim = mapped ? { field: mapped, rank: -1 } : defaultFieldFor(header);
    if (!claim) return;
    const list = claims.get(claim.field) ?? [];
    list.push({ index, rank: claim.rank });
    claims.set(claim.field, list);
  });

  const columns = new Map<BookField, number>();
  for (const [field, list] of claims) {
    const best = Math.min(...list.map((c) => c.rank));
    const winners = list.filter((c) => c.rank === best);
    const first = winners[0];
    if (!first) continue;
    const sameHeader = winners.filter((c) => normalizeHeader(headers[c.index] ?? '') === normalizeHeader(headers[first.index] ?? ''));
    if (sameHeader.length > 1) {
      throw new BookInputError(
        `column ${quote(headers[first.index])} appears ${sameHeader.length} times (columns ${sameHeader.map((c) => c.index + 1).join(', ')}); rename the copies so it is clear which one holds ${field}`,
      );
    }
    if (best === -1 && winners.length > 1) {
      throw new BookInputError(`the map file maps ${winners.map((c) => quote(headers[c.index])).join(' and ')} to the same field ${field}; map only one`);
    }
    columns.set(field, first.index);
  }

  const missing = REQUIRED_FIELDS.filter((f) => !columns.has(f));
  if (missing.length > 0) {
    const found = headers.map(quote).join(', ') || '(none)';
    const labels = missing.map((f) => `${f} (${REQUIRED_LABELS[f]})`).join(' and ');
    throw new BookInputError(
      `no column for required field${missing.length > 1 ? 's' : ''} ${labels}; headers found: ${found}. ` +
        `Map a header with --map MAP.json, e.g. {"columns": {"<header>": "${missing[0]}"}}`,
    );
  }

  const used = new Set(columns.values());
  const ignored = headers.filter((h, i) => !used.has(i) && h.trim() !== '');
  const unusedMapKeys = Object.keys(map?.columns ?? {}).filter((k) => !usedMapKeys.has(normalizeHeader(k)));
  return { headers, columns, ignored, unusedMapKeys, dates: map?.dates ?? 'iso' };
}

const REQUIRED_LABELS: Readonly<Record<(typeof REQUIRED_FIELDS)[number], string>> = { externalId: 'the CRM account id', name: 'the account name' };

function quote(header: string | undefined): string {
  return JSON.stringify(header ?? '');
}
