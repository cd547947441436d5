/**
 * Loads what the sub-agents may know about one account: the CRM snapshot, contacts, recent
 * activities and live memory. Read fresh for every step (memory may have changed since a retry).
 */
import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { accounts, activities, contacts } from '../../db/schema/index.ts';
import type { AccountContext } from '../agents/types.ts';
import { NotFoundError } from '../errors.ts';
import { recallMemory } from '../memory/index.ts';

/** Activities beyond this many are older than any prompt needs. */
const RECENT_ACTIVITIES = 8;

export async function loadAccountContext(db: DbOrTx, accountId: string, now: Date): Promise<AccountContext> {
  const [accountRows, contactRows, activityRows, memory] = await Promise.all([
    db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1),
    db.select().from(contacts).where(eq(contacts.accountId, accountId)).orderBy(contacts.createdAt),
    db
      .select()
      .from(activities)
      .where(eq(activities.accountId, accountId))
      .orderBy(desc(activities.occurredAt))
      .limit(RECENT_ACTIVITIES),
    recallMemory(db, accountId),
  ]);
  const account = accountRows[0];
  if (!account) throw new NotFoundError('account', accountId);
  return {
    account: {
      id: account.id,
      externalId: account.externalId,
      name: account.name,
      domain: account.domain,
      industry: account.industry,
      employees: account.employees,
      arrUsd: account.arrUsd,
      stage: account.stage,
      region: account.region,
      signals: account.signals,
      notes: account.notes,
      lastActivityAt: account.lastActivityAt,
      conflicts: account.conflicts.map(({ field, values }) => ({ field, values })),
    },
    contacts: contactRows.map((c) => ({ id: c.id, name: c.name, title: c.title, email: c.email, doNotContact: c.doNotContact })),
    activities: activityRows.map((a) => ({ kind: a.kind, occurredAt: a.occurredAt, summary: a.summary })),
    memory,
    now,
  };
}
