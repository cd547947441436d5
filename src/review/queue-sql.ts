/**
 * The review queue's filters and order, shared by listReviewQueue, summarizeReviewQueue and
 * getReviewItem's neighbours, so the three never disagree about what "the queue" is.
 *
 * Order: newest run first (run id breaks a tie between runs created at the same instant, so a
 * run's items stay together), then tier A→D with no tier last, then account name, then item id.
 *
 * Why the page query is shaped as it is (EXPLAIN ANALYZE, 4,000 pending items of one rep among
 * 40,000): a plain join + ORDER BY + LIMIT reads and joins every pending item of the rep to sort
 * by account name (~12 ms), because no index can hold an order that spans three tables. Instead
 * the page walks the queue one (run, tier) group at a time, in order: the runs come from a loose
 * scan of review_items_queue_idx (owner, status, run_id, tier) — one index probe per run — and
 * each group's items from the same index, sorted by name inside the group; the outer incremental
 * sort stops after the group that fills the page. A page touches one or two groups (~1–2 ms),
 * however long the queue, and does not depend on the visibility map (new items are not vacuumed).
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { REVIEW_ITEM_STATUSES, reviewItems, WORKFLOWS, type Workflow } from '../../db/schema/index.ts';

/** Tiers in queue order; items without a tier come after D. */
export const TIERS = ['A', 'B', 'C', 'D'] as const;
export type Tier = (typeof TIERS)[number];

/** Longest search text; a search box, not a document. */
export const MAX_QUEUE_QUERY_LENGTH = 100;

/** Who is asking and which items they want; the same fields for the list and its summary. */
export const ReviewQueueFilters = z.object({
  /** The signed-in rep. */
  repId: z.uuid(),
  /**
   * From the authenticated session, never from request input: `manager` sees every rep's items.
   * @defaultValue 'rep'
   */
  role: z.enum(['rep', 'manager']).default('rep'),
  /** @defaultValue 'pending' */
  status: z.enum([...REVIEW_ITEM_STATUSES, 'all']).default('pending'),
  /** Items whose workflows include this one. */
  workflow: z.enum(WORKFLOWS).optional(),
  tier: z.enum(TIERS).optional(),
  runId: z.string().trim().min(1).max(200).optional(),
  /** Case-insensitive text in the account name or the draft subject; blank means no search. */
  q: z
    .string()
    .trim()
    .max(MAX_QUEUE_QUERY_LENGTH, `q is longer than ${MAX_QUEUE_QUERY_LENGTH} characters`)
    .optional()
    .transform((q) => q || undefined),
});
export type ReviewQueueFilters = z.output<typeof ReviewQueueFilters>;

/** The default queue of a viewer: their pending items, no other filter. */
export function pendingQueueOf(viewer: { repId: string; role: 'rep' | 'manager' }): ReviewQueueFilters {
  return { repId: viewer.repId, role: viewer.role, status: 'pending', workflow: undefined, tier: undefined, runId: undefined, q: undefined };
}

/** `workflows` (a jsonb array) contains the workflow. */
export function hasWorkflow(workflow: Workflow): SQL {
  return sql`${reviewItems.workflows} @> ${JSON.stringify([workflow])}::jsonb`;
}

/**
 * The search: `q` in the account name (`name`, an expression) or the draft subject of item `id`.
 * OFFSET 0 keeps the subject lookup a per-row index probe: without it Postgres may turn it into a
 * hashed scan of every drafting artifact (~100 ms plus JIT at 140,000 artifacts).
 */
function matchesQuery(q: string, name: SQL, id: SQL): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  return sql`(${name} ilike ${pattern} or exists (select 1 from artifacts d where d.review_item_id = ${id}
    and d.workflow = 'drafting' and d.content->>'subject' ilike ${pattern} offset 0))`;
}

/** The name of the item's account, probed per row (a scalar subquery is never turned into a scan of all accounts). */
const ACCOUNT_NAME = sql`(select a.name from accounts a where a.id = ${reviewItems.accountId})`;

/**
 * Visibility and filters as WHERE conditions on an unaliased `review_items`. `except` drops the
 * tier or workflow filter (the summary's chips count without their own filter).
 */
export function queueConditions(filters: ReviewQueueFilters, except?: 'tier' | 'workflow'): SQL[] {
  const where: SQL[] = [];
  if (filters.role === 'rep') where.push(eq(reviewItems.ownerRepId, filters.repId));
  if (filters.status !== 'all') where.push(eq(reviewItems.status, filters.status));
  if (filters.runId) where.push(eq(reviewItems.runId, filters.runId));
  if (filters.tier && except !== 'tier') where.push(eq(reviewItems.tier, filters.tier));
  if (filters.workflow && except !== 'workflow') where.push(hasWorkflow(filters.workflow));
  if (filters.q) where.push(matchesQuery(filters.q, ACCOUNT_NAME, sql`${reviewItems.id}`));
  return where;
}

/** Where a page starts and how long it is. */
export type QueuePageOptions = {
  /** Start strictly after (or before) this item; its own row need not match the filters. */
  cursor?: string | null | undefined;
  /** @defaultValue 'after' */
  direction?: 'after' | 'before';
  limit: number;
};

const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));

/**
 * Ids of up to `limit` items of the queue in order (or in reverse order for `before`), starting
 * after `cursor`. An unknown cursor yields an empty page.
 */
export async function queuePageIds(db: DbOrTx, filters: ReviewQueueFilters, options: QueuePageOptions): Promise<string[]> {
  const forward = (options.direction ?? 'after') === 'after';
  const [asc, desc, after] = forward ? [sql`asc`, sql`desc`, sql`>`] : [sql`desc`, sql`asc`, sql`<`];
  const before = forward ? sql`<` : sql`>`;
  const cursor = options.cursor ?? null;
  const rowFilters = queueConditions({ ...filters, runId: undefined, tier: undefined, q: undefined });
  const tiers = filters.tier ? sql`(values (${filters.tier}::text, ${filters.tier}::text))` : sql`(values ('A', 'A'), ('B', 'B'), ('C', 'C'), ('D', 'D'), (null, 'E'))`;

  // The runs that can hold items of the queue.
  let runsOf: SQL;
  if (filters.runId) runsOf = sql`select ${filters.runId}::text as run_id`;
  else if (filters.role === 'rep' && filters.status !== 'all')
    // Loose index scan: one probe of review_items_queue_idx per distinct run, not one per item.
    runsOf = sql`(select i.run_id from review_items i where i.owner_rep_id = ${filters.repId} and i.status = ${filters.status} order by i.run_id limit 1)
      union all
      select (select i.run_id from review_items i where i.owner_rep_id = ${filters.repId} and i.status = ${filters.status} and i.run_id > rs.run_id order by i.run_id limit 1)
      from rs where rs.run_id is not null`;
  else runsOf = sql`select distinct ${reviewItems.runId} from review_items where ${and(rowFilters)}`;

  // The cursor's position, read inside the statement so timestamps keep their microseconds.
  const cursorCte = cursor
    ? sql`, c as (select i.run_id, r.created_at, coalesce(i.tier, 'E') as k, a.name, i.id from review_items i
        join runs r on r.id = i.run_id join accounts a on a.id = i.account_id where i.id = ${cursor})`
    : sql``;
  // Groups before the cursor's are skipped whole; inside its group, rows up to the cursor are.
  const groupsFrom = cursor
    ? sql`cross join c where (r.created_at, rs.run_id) ${before} (c.created_at, c.run_id) or (rs.run_id = c.run_id and t.k ${after}= c.k)`
    : sql``;
  const cursorColumns = cursor ? sql`, c.run_id as c_run, c.k as c_k, c.name as c_name, c.id as c_id` : sql``;
  const inGroup = cursor ? sql`(g.run_id <> g.c_run or g.k <> g.c_k or (x.account_name, x.id) ${after} (g.c_name, g.c_id))` : sql`true`;
  const search = filters.q ? matchesQuery(filters.q, sql`x.account_name`, sql`x.id`) : sql`true`;
  const branch = (tierMatch: SQL) =>
    sql`select ${reviewItems.id} as id, ${ACCOUNT_NAME} as account_name from review_items
      where ${and(rowFilters)} and ${reviewItems.runId} = g.run_id and ${tierMatch}`;

  const rows = await db.execute<{ id: string }>(sql`
    with recursive rs(run_id) as (${runsOf})${cursorCte},
    g as (
      select rs.run_id, r.created_at, t.tier, t.k${cursorColumns}
      from rs join runs r on r.id = rs.run_id cross join ${tiers} as t(tier, k) ${groupsFrom}
      -- Groups arrive in queue order, so the outer sort is incremental and stops at the page's end.
      order by r.created_at ${desc}, rs.run_id ${desc}, t.k ${asc}
    )
    select p.id from g cross join lateral (
      select x.id, x.account_name from (
        ${branch(sql`${reviewItems.tier} = g.tier`)}
        union all
        -- Only for the no-tier group (a one-time filter); "tier = null" would match nothing.
        ${branch(sql`g.tier is null and ${reviewItems.tier} is null`)}
      ) x
      where ${inGroup} and ${search}
      order by x.account_name ${asc}, x.id ${asc}
      limit ${options.limit}
    ) p
    order by g.created_at ${desc}, g.run_id ${desc}, g.k ${asc}, p.account_name ${asc}, p.id ${asc}
    limit ${options.limit}`);
  return rows.map((r) => r.id);
}
