/**
 * The per-schedule write lock: a transaction-scoped Postgres advisory lock keyed by the schedule
 * id. Every write of a schedule — its row and its BullMQ Job Scheduler — happens while holding
 * it, so two `bookrun schedule set` processes (or a set racing reconcile) take turns instead of
 * upserting the same scheduler at once, which BullMQ does not survive reliably (#2988 duplicate
 * delayed jobs, #3085 no job at all; queue-and-durability.md pitfall 9).
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

/** Advisory lock class of schedule writes. Arbitrary constant, distinct from the other classes. */
const SCHEDULE_LOCK_CLASS = 4_021_409;

/** Blocks until this transaction holds the schedule's lock; released when the transaction ends. */
export async function lockSchedule(tx: DbOrTx, scheduleId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_CLASS}::int, hashtext(${scheduleId}))`);
}
