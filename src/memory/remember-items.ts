/**
 * Writes observations into an account's memory under the hygiene rules of ./hygiene.ts (newer
 * supersedes, same restated refreshes, disagreeing sources are flagged). One transaction per call,
 * serialised per account by an advisory lock: two retries of the same job writing at once must not
 * both see "no live row" and insert twice, and `select … for update` cannot lock rows that do not
 * exist yet.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { accountMemory, MEMORY_KINDS } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { CONFLICT_WINDOW_MS, INTERACTION_CAP, planRemember, type MemoryConflict, type PlannedUpdate } from './hygiene.ts';
import type { MemoryInput } from './types.ts';

/** Advisory lock class for memory writes; the object id is `hashtext(accountId)`. Arbitrary constant. */
const MEMORY_LOCK_CLASS = 4_021_301;

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
};

/**
 * Remembers `items` for one account. Safe to call concurrently and repeatedly for the same
 * account: calls are serialised per account, and an item restated with the same content only
 * refreshes the live row. Composes with a caller's transaction (runs inside it).
 */
export async function rememberItems(db: DbOrTx, input: RememberItemsInput, options: RememberItemsOptions = {}): Promise<RememberItemsResult> {
  const parsed = RememberItemsInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `rememberItems: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { accountId, runId, items } = parsed.data;
  if (items.length === 0) return { inserted: 0, refreshed: 0, superseded: 0, skipped: 0, conflicts: [] };

  return inTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MEMORY_LOCK_CLASS}::int, hashtext(${accountId}))`);
    const live = await tx
      .select({
        id: accountMemory.id,
        kind: accountMemory.kind,
        key: accountMemory.key,
        content: accountMemory.content,
        source: accountMemory.source,
        observedAt: accountMemory.observedAt,
        confidence: accountMemory.confidence,
        conflictWith: accountMemory.conflictWith,
      })
      .from(accountMemory)
      .where(and(eq(accountMemory.accountId, accountId), isNull(accountMemory.supersededBy)))
      // Arrival order decides which row of a conflicting pair is the reference (see hygiene.ts).
      .orderBy(accountMemory.createdAt, accountMemory.id);
    const plan = planRemember(live, items, {
      newId: randomUUID,
      conflictWindowMs: options.conflictWindowMs ?? CONFLICT_WINDOW_MS,
      interactionCap: options.interactionCap ?? INTERACTION_CAP,
    });
    if (plan.inserts.length > 0) {
      // clock_timestamp() (not now()) so rows of one statement keep their arrival order.
      await tx.insert(accountMemory).values(plan.inserts.map((row) => ({ ...row, accountId, runId: runId ?? null, createdAt: sql`clock_timestamp()` })));
    }
    if (plan.updates.length > 0) await tx.execute(updateStatement(plan.updates));
    return { inserted: plan.inserted, refreshed: plan.refreshed, superseded: plan.superseded, skipped: plan.skipped, conflicts: plan.conflicts };
  });
}

/** One UPDATE … FROM (VALUES …) for all changed rows: a call costs the same round trips for 1 or 50 changes. */
function updateStatement(updates: PlannedUpdate[]) {
  const values = updates.map(
    (u) => sql`(${u.id}::uuid, ${u.observedAt.toISOString()}::timestamptz, ${u.confidence}::real, ${u.supersededBy}::uuid, ${u.conflictWith}::uuid)`,
  );
  return sql`update account_memory as m
    set observed_at = v.observed_at, confidence = v.confidence, superseded_by = v.superseded_by, conflict_with = v.conflict_with
    from (values ${sql.join(values, sql`, `)}) as v(id, observed_at, confidence, superseded_by, conflict_with)
    where m.id = v.id`;
}
