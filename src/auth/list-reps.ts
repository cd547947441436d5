/** `bookrun reps list`: every rep and manager with the accounts they own and their pending review items. */
import { asc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { reps } from '../../db/schema/index.ts';
import type { SessionRep } from './types.ts';

export type RepListItem = SessionRep & { accounts: number; pending: number; disabled: boolean };

export async function listReps(db: DbOrTx): Promise<RepListItem[]> {
  const rows = await db
    .select({
      id: reps.id,
      email: reps.email,
      name: reps.name,
      role: reps.role,
      timeZone: reps.timeZone,
      disabledAt: reps.disabledAt,
      // Written out as `reps.id`: drizzle renders a column unqualified, and inside these
      // subqueries a bare "id" would be the inner table's own.
      accounts: sql<number>`(select count(*) from accounts a where a.owner_rep_id = reps.id)::int`,
      pending: sql<number>`(select count(*) from review_items i where i.owner_rep_id = reps.id and i.status = 'pending')::int`,
    })
    .from(reps)
    .orderBy(asc(reps.role), asc(reps.email));
  return rows.map(({ disabledAt, ...r }) => ({ ...r, disabled: disabledAt !== null }));
}
