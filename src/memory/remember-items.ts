/**
 * Writes observations into an account's memory under the hygiene rules of ./hygiene.ts (newer
 * supersedes, same restated refreshes, disagreeing sources are flagged). One transaction per call,
 * serialised per account by `lockAccounts`: two retries of the same job writing at once must not
 * both see "no live row" and insert twice.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { lockAccounts } from '../../db/account-lock.ts';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { MEMORY_KINDS, type MemoryKind } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { CONFLICT_WINDOW_MS, INTERACTION_CAP, planRemember, type MemoryConflict, type PlannedInsert, type PlannedUpdate, type StoredMemory } from './hygiene.ts';
import type { MemoryInput } from './types.ts';


const MemoryInputItem = z.object({
  kind: z.enum(MEMORY_KINDS),
  key: z.string().max(300),
  content: z.string().trim().min(1).max(8_000),
  source: z.string().trim().min(1).max(300),
  observedAt: z.date(),
  confidence: z.number().min(0).max(1).optional(),
}) satisfies z.ZodType<MemoryInput>;

export const RememberItemsInput = z.object({
  accountId: z.uuid(),
  /** The run that observed the items, kept on new rows for tracing. */
  runId: z.string().min(1).nullish(),
  items: z.array(MemoryInputItem).max(500),
});
export type RememberItemsInput = z.input<typeof RememberItemsInput>;

export type RememberItemsResult = {
  inserted: number;
  refreshed: number;
  superseded: number;
  skipped: number;
  /** Live rows this call flagged as disagreeing with another live row of the same key. */
  conflicts: MemoryConflict[];
};

export type RememberItemsOptions = {
  /** @defaultValue CONFLICT_WINDOW_MS (7 days) */
  conflictWindowMs?: number;
  /** @defaultValue INTERACTION_CAP (10) */
  interactionCap?: number;
  /** The caller's transaction already holds `lockAccounts` for these accounts (saves a statement). */
  locked?: boolean;
};

/**
 * Remembers `items` for one account. Safe to call concurrently and repeatedly for the same
 * account: calls are serialised per account, and an item restated with the same content only
 * refreshes the live row. Composes with a caller's transaction (runs inside it).
 */
export async function rememberItems(db: DbOrTx, input: RememberItemsInput, options: RememberItemsOptions = {}): Promise<RememberItemsResult> {
  const [result] = await rememberMany(db, [input], options);
  if (!result) throw new Error('rememberMany returned no result');
  return result;
}

/**
 * `rememberItems` for several accounts in one transaction and a fixed number of statements,
 * whatever the count (the run's group-committed finalize). Each account must appear once.
 */
export async function rememberMany(db: DbOrTx, inputs: RememberItemsInput[], options: RememberItemsOptions = {}): Promise<RememberItemsResult[]> {
  const parsed = inputs.map((input) => {
    const result = RememberItemsInput.safeParse(input);
    if (!result.success) throw new AppError('validation', `rememberItems: ${z.prettifyError(result.error)}`, { cause: result.error });
    return result.data;
  });
  const accountIds = [...new Set(parsed.filter((p) => p.items.length > 0).map((p) => p.accountId))];
  if (accountIds.length !== parsed.filter((p) => p.items.length > 0).length) throw new AppError('validation', 'rememberMany: each account may appear once per call');
  if (accountIds.length === 0) return parsed.map(() => ({ inserted: 0, refreshed: 0, superseded: 0, skipped: 0, conflicts: [] }));

  return inTransaction(db, async (tx) => {
    const ids = JSON.stringify(accountIds);
    if (!options.locked) await lockAccounts(tx, accountIds);
    const rows = await tx.execute<LiveRow>(sql`
      select id, account_id, kind, key, content, source, observed_at, confidence, conflict_with from account_memory
      -- = any(array(…)): an index scan; a join against the JSON list planned as a full-table scan.
      where account_id = any(array(select value::uuid from jsonb_array_elements_text(${ids}::jsonb))) and superseded_by is null
      -- Arrival order decides which row of a conflicting pair is the reference (see hygiene.ts).
      order by created_at, id`);
    const live = new Map<string, StoredMemory[]>();
    for (const r of rows) {
      const list = live.get(r.account_id) ?? [];
      list.push({ id: r.id, kind: r.kind, key: r.key, content: r.content, source: r.source, observedAt: new Date(r.observed_at), confidence: r.confidence, conflictWith: r.conflict_with });
      live.set(r.account_id, list);
    }
    const hygiene = { newId: randomUUID, conflictWindowMs: options.conflictWindowMs ?? CONFLICT_WINDOW_MS, interactionCap: options.interactionCap ?? INTERACTION_CAP };
    const plans = parsed.map((p) => (p.items.length === 0 ? undefined : planRemember(live.get(p.accountId) ?? [], p.items, hygiene)));
    const inserts = parsed.flatMap((p, i) => (plans[i]?.inserts ?? []).map((row) => ({ ...row, accountId: p.accountId, runId: p.runId ?? null })));
    const updates = plans.flatMap((plan) => plan?.updates ?? []);
    if (inserts.length > 0 && updates.length > 0) await tx.execute(writeStatement(inserts, updates));
    else if (inserts.length > 0) await tx.execute(insertStatement(inserts));
    else if (updates.length > 0) await tx.execute(updateStatement(updates));
    return plans.map((plan) =>
      plan
        ? { inserted: plan.inserted, refreshed: plan.refreshed, superseded: plan.superseded, skipped: plan.skipped, conflicts: plan.conflicts }
        : { inserted: 0, refreshed: 0, superseded: 0, skipped: 0, conflicts: [] },
    );
  });
}

type LiveRow = {
  id: string;
  account_id: string;
  kind: MemoryKind;
  key: string;
  content: string;
  source: string;
  observed_at: string | Date;
  confidence: number;
  conflict_with: string | null;
};

type NewRow = PlannedInsert & { accountId: string; runId: string | null };

const newRowsJson = (inserts: NewRow[]) =>
  JSON.stringify(
    inserts.map((r) => ({
      id: r.id,
      account_id: r.accountId,
      kind: r.kind,
      key: r.key,
      content: r.content,
      source: r.source,
      observed_at: r.observedAt.toISOString(),
      confidence: r.confidence,
      superseded_by: r.supersededBy,
      conflict_with: r.conflictWith,
      run_id: r.runId,
    })),
  );

const changedJson = (updates: PlannedUpdate[]) =>
  JSON.stringify(updates.map((u) => ({ id: u.id, observed_at: u.observedAt.toISOString(), confidence: u.confidence, superseded_by: u.supersededBy, conflict_with: u.conflictWith })));

/** New rows get clock_timestamp() (not now()) so rows of one statement keep their arrival order. */
const insertSql = (json: string) => sql`
  insert into account_memory (id, account_id, kind, key, content, source, observed_at, confidence, superseded_by, conflict_with, run_id, created_at)
  select id, account_id, kind, key, content, source, observed_at, confidence, superseded_by, conflict_with, run_id, clock_timestamp()
  from jsonb_to_recordset(${json}::jsonb) as x(id uuid, account_id uuid, kind text, key text, content text, source text,
    observed_at timestamptz, confidence real, superseded_by uuid, conflict_with uuid, run_id text)`;

/** The `= any(array(…))` filter lets the primary key find the rows instead of a scan of the table. */
const updateSql = (json: string) => sql`
  update account_memory as m
  set observed_at = v.observed_at, confidence = v.confidence, superseded_by = v.superseded_by, conflict_with = v.conflict_with
  from jsonb_to_recordset(${json}::jsonb) as v(id uuid, observed_at timestamptz, confidence real, superseded_by uuid, conflict_with uuid)
  where m.id = v.id and m.id = any(array(select (e->>'id')::uuid from jsonb_array_elements(${json}::jsonb) e))`;

function insertStatement(inserts: NewRow[]) {
  return insertSql(newRowsJson(inserts));
}

function updateStatement(updates: PlannedUpdate[]) {
  return updateSql(changedJson(updates));
}

/**
 * Both in one statement; foreign keys between the inserted and updated rows are checked at the
 * end of the statement, when both are in place.
 */
function writeStatement(inserts: NewRow[], updates: PlannedUpdate[]) {
  return sql`with inserted as (${insertSql(newRowsJson(inserts))} returning 1) ${updateSql(changedJson(updates))}`;
}
