/**
 * Writes one batch of accounts (with owners, contacts, activities) and quarantined rows in one
 * transaction: a handful of statements per batch, never a round trip per row.
 *
 * Each bulk statement sends its rows as ONE jsonb parameter expanded by `jsonb_to_recordset`.
 * Why not a multi-row VALUES insert: building 500 × 16 bound parameters through the query builder
 * cost more CPU than the whole rest of the import, and Postgres plans one parameter faster too.
 *
 * Idempotence: accounts upsert on (book, external id), contacts on (account, key), activities on
 * (account, dedupe key). An update only happens when a value differs, so re-importing the same
 * file reports every account `unchanged`. Columns the file does not have are never overwritten,
 * and a row older than what is stored (by CRM last-modified) is `stale` and writes nothing.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { accounts, reps } from '../../db/schema/index.ts';
import { contactFieldParts, type AccountField, type BookField } from './fields.ts';
import type { MergedRow } from './merge-duplicates.ts';

export type QuarantineEntry = { line: number; column: string | null; reason: string; raw: Record<string, string> | string };
export type BatchOutcome = { imported: number; updated: number; unchanged: number; stale: number };

export type WriteContext = {
  bookId: string;
  importId: string;
  /** Fields the file has columns for. */
  fields: ReadonlySet<BookField>;
  /** Lower-cased rep email → rep id, filled as owners are met (a book has few reps). */
  repIds: Map<string, string>;
};

/** Account columns a file may overwrite, with the fields that feed them. Names are constants. */
const ACCOUNT_COLUMNS: ReadonlyArray<readonly [column: string, type: string, fields: readonly AccountField[]]> = [
  ['name', 'text', ['name']],
  ['domain', 'text', ['domain']],
  ['industry', 'text', ['industry']],
  ['employees', 'integer', ['employees']],
  ['arr_usd', 'integer', ['arrUsd']],
  ['stage', 'text', ['stage']],
  ['region', 'text', ['region']],
  ['owner_rep_id', 'uuid', ['ownerEmail']],
  ['signals', 'jsonb', ['signals']],
  ['notes', 'text', ['notes']],
  ['last_activity_at', 'timestamptz', ['lastActivity', 'activities']],
];
const CONTACT_COLUMNS = ['name', 'title', 'email', 'phone'] as const;

const raw = (text: string): SQL => sql.raw(text);
const list = (items: readonly string[]): SQL => raw(items.join(', '));
const json = (rows: unknown[]): SQL => sql`${JSON.stringify(rows)}::jsonb`;

/** Writes the batch; returns what happened to its accounts. */
export async function writeBatch(db: Db, ctx: WriteContext, batch: readonly MergedRow[], quarantine: readonly QuarantineEntry[]): Promise<BatchOutcome> {
  return db.transaction(async (tx) => {
    const outcome: BatchOutcome = { imported: 0, updated: 0, unchanged: 0, stale: 0 };
    if (quarantine.length > 0) {
      await tx.execute(sql`
        insert into quarantined_rows (import_id, line, "column", reason, raw)
        select ${ctx.importId}::uuid, t.line, t."column", t.reason, t.raw
        from jsonb_to_recordset(${json([...quarantine])}) as t(line integer, "column" text, reason text, raw jsonb)`);
    }
    if (batch.length === 0) return outcome;
    await ensureReps(tx, ctx, batch);

    const existing = await tx
      .select({ id: accounts.id, externalId: accounts.externalId, crmUpdatedAt: accounts.crmUpdatedAt })
      .from(accounts)
      .where(and(eq(accounts.bookId, ctx.bookId), inArray(accounts.externalId, batch.map((b) => b.row.externalId))));
    const known = new Map(existing.map((e) => [e.externalId, e]));
    const fresh = batch.filter(({ row }) => {
      const stored = known.get(row.externalId)?.crmUpdatedAt;
      const isStale = stored != null && row.lastModified !== null && row.lastModified.getTime() < stored.getTime();
      if (isStale) outcome.stale++;
      return !isStale;
    });
    if (fresh.length === 0) return outcome;

    const written = await upsertAccounts(tx, ctx, fresh);
    const ids = new Map<string, string>();
    for (const e of existing) ids.set(e.externalId, e.id);
    for (const w of written) ids.set(w.external_id, w.id);
    const touched = new Set([...(await upsertContacts(tx, ctx, fresh, ids)), ...(await insertActivities(tx, fresh, ids))]);

    const inserted = new Set(written.filter((w) => w.inserted).map((w) => w.external_id));
    const changed = new Set(written.filter((w) => !w.inserted).map((w) => w.external_id));
    for (const { row } of fresh) {
      if (inserted.has(row.externalId)) outcome.imported++;
      else if (changed.has(row.externalId) || touched.has(ids.get(row.externalId) ?? '')) outcome.updated++;
      else outcome.unchanged++;
    }
    return outcome;
  });
}

/** Owners become reps keyed by lower-cased email; an existing rep keeps its name and role. */
async function ensureReps(tx: Tx, ctx: WriteContext, batch: readonly MergedRow[]): Promise<void> {
  const missing = new Map<string, string>();
  for (const { row } of batch) if (row.owner && !ctx.repIds.has(row.owner.email)) missing.set(row.owner.email, row.owner.name);
  if (missing.size === 0) return;
  const emails = [...missing.keys()];
  await tx
    .insert(reps)
    .values(emails.map((email) => ({ email, name: missing.get(email) ?? email, role: 'rep' as const })))
    .onConflictDoNothing({ target: reps.email });
  const found = await tx.select({ id: reps.id, email: reps.email }).from(reps).where(inArray(reps.email, emails));
  for (const r of found) ctx.repIds.set(r.email, r.id);
}

async function upsertAccounts(tx: Tx, ctx: WriteContext, rows: readonly MergedRow[]) {
  const payload = rows.map(({ row, line, conflicts }) => ({
    external_id: row.externalId,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    employees: row.employees,
    arr_usd: row.arrUsd,
    stage: row.stage,
    region: row.region,
    owner_rep_id: row.owner ? (ctx.repIds.get(row.owner.email) ?? null) : null,
    signals: row.signals,
    notes: row.notes,
    last_activity_at: row.lastActivity,
    crm_updated_at: row.lastModified,
    conflicts,
    source_line: line,
  }));
  const all = [...ACCOUNT_COLUMNS.map(([c, t]) => `${c} ${t}`), 'crm_updated_at timestamptz', 'conflicts jsonb', 'source_line integer', 'external_id text'];
  const names = [...ACCOUNT_COLUMNS.map(([c]) => c), 'crm_updated_at', 'conflicts', 'source_line'];
  // Only columns this file carries are overwritten; a missing last-modified keeps the known one.
  const updated = ACCOUNT_COLUMNS.filter(([, , fields]) => fields.some((f) => ctx.fields.has(f))).map(([c]) => c);
  const crm = 'coalesce(excluded.crm_updated_at, accounts.crm_updated_at)';
  const set = [...updated.map((c) => `${c} = excluded.${c}`), `crm_updated_at = ${crm}`, 'conflicts = excluded.conflicts', 'source_line = excluded.source_line', 'updated_at = now()'];
  const compared = [...updated, 'conflicts'];
  const differs = `(${[...compared.map((c) => `accounts.${c}`), 'accounts.crm_updated_at'].join(', ')}) is distinct from (${[...compared.map((c) => `excluded.${c}`), crm].join(', ')})`;
  const result = await tx.execute<{ id: string; external_id: string; inserted: boolean }>(sql`
    insert into accounts (book_id, external_id, ${list(names)})
    select ${ctx.bookId}::uuid, t.external_id, ${list(names.map((n) => `t.${n}`))}
    from jsonb_to_recordset(${json(payload)}) as t(${list(all)})
    on conflict (book_id, external_id) do update set ${list(set)}
    where ${raw(differs)}
    returning id, external_id, (xmax = 0) as inserted`);
  return [...result];
}

/** Returns the ids of accounts whose contacts were added or changed. */
async function upsertContacts(tx: Tx, ctx: WriteContext, rows: readonly MergedRow[], ids: ReadonlyMap<string, string>): Promise<string[]> {
  const payload = rows.flatMap(({ row }) => {
    const accountId = ids.get(row.externalId);
    return accountId ? row.contacts.map((c) => ({ account_id: accountId, key: c.key, name: c.name, title: c.title, email: c.email, phone: c.phone, do_not_contact: c.doNotContact })) : [];
  });
  if (payload.length === 0) return [];
  const parts = new Set([...ctx.fields].map((f) => contactFieldParts(f)?.part));
  const columns = CONTACT_COLUMNS.filter((p) => p === 'name' || parts.has(p));
  // Do-not-contact is sticky: an export that forgot an opt-out must not make someone reachable.
  const set = [...columns.map((c) => `${c} = excluded.${c}`), 'do_not_contact = contacts.do_not_contact or excluded.do_not_contact', 'updated_at = now()'];
  const differs = `(${columns.map((c) => `contacts.${c}`).join(', ')}) is distinct from (${columns.map((c) => `excluded.${c}`).join(', ')}) or (excluded.do_not_contact and not contacts.do_not_contact)`;
  const result = await tx.execute<{ account_id: string }>(sql`
    insert into contacts (account_id, key, name, title, email, phone, do_not_contact)
    select t.account_id, t.key, t.name, t.title, t.email, t.phone, t.do_not_contact
    from jsonb_to_recordset(${json(payload)}) as t(account_id uuid, key text, name text, title text, email text, phone text, do_not_contact boolean)
    on conflict (account_id, key) do update set ${list(set)}
    where ${raw(differs)}
    returning account_id`);
  return result.map((r) => r.account_id);
}

/** Returns the ids of accounts that got a new activity. */
async function insertActivities(tx: Tx, rows: readonly MergedRow[], ids: ReadonlyMap<string, string>): Promise<string[]> {
  const payload = rows.flatMap(({ row }) => {
    const accountId = ids.get(row.externalId);
    return accountId ? row.activities.map((a) => ({ account_id: accountId, kind: a.kind, occurred_at: a.occurredAt, summary: a.summary, dedupe_key: a.dedupeKey })) : [];
  });
  if (payload.length === 0) return [];
  const result = await tx.execute<{ account_id: string }>(sql`
    insert into activities (account_id, kind, occurred_at, summary, dedupe_key)
    select t.account_id, t.kind, t.occurred_at, t.summary, t.dedupe_key
    from jsonb_to_recordset(${json(payload)}) as t(account_id uuid, kind text, occurred_at timestamptz, summary text, dedupe_key text)
    on conflict (account_id, dedupe_key) do nothing
    returning account_id`);
  return result.map((r) => r.account_id);
}
