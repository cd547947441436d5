/**
 * The per-account write lock: a transaction-scoped advisory lock keyed by `hashtext(accountId)`.
 * Memory writes and review filing take it, so two writers of one account (a retried job racing
 * its first attempt, two runs of one book) serialise, and the second sees what the first
 * committed — `select … for update` cannot lock rows that do not exist yet.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';

/** Advisory lock class of account writes. Arbitrary constant. */
const ACCOUNT_LOCK_CLASS = 4_021_301;

/**
 * Locks the accounts until the transaction ends, all in one statement and in one global order
 * (by hash), so two transactions sharing accounts cannot deadlock on them.
 */
export async function lockAccounts(tx: DbOrTx, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}::int, h)
    from (select distinct hashtext(value) as h from jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb) order by 1) s`);
}
