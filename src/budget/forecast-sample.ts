/**
 * A sample of accounts in the shape the request builders take (`AccountContext`), read in one
 * statement: some of the book as it is now, and some of each past run's accounts with their memory
 * as it was when that run started. Building real requests for both shows how much the prompts have
 * grown since a run was measured — mostly the memory that run wrote.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import type { AccountContext } from '../agents/types.ts';
import { memoryViewFromJson, type LiveMemoryJson } from '../memory/index.ts';

/**
 * Accounts sampled per group. The same accounts are picked in the book and in a past run of it
 * (ordered by a hash of their id), so the comparison is paired and a few hundred are plenty.
 */
export const SAMPLE_ACCOUNTS = 200;

/**
 * Activities per account in a prompt context. Mirrors RECENT_ACTIVITIES in
 * src/run/hot-queries.ts (the pipeline's snapshot query), pinned by a unit test rather than
 * imported, so this module does not depend on the run's internals.
 */
export const SAMPLE_ACTIVITIES = 8;

const isoDate = z.string().transform((s) => new Date(s));

const AccountJson = z.object({
  id: z.string(),
  external_id: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  industry: z.string().nullable(),
  employees: z.number().nullable(),
  arr_usd: z.number().nullable(),
  stage: z.string().nullable(),
  region: z.string().nullable(),
  signals: z.array(z.string()).nullable(),
  notes: z.string().nullable(),
  last_activity_at: isoDate.nullable(),
  conflicts: z.array(z.object({ field: z.string(), values: z.array(z.string()) })).nullable(),
});

const ContactJson = z.object({ name: z.string(), title: z.string().nullable(), email: z.string().nullable(), do_not_contact: z.boolean(), id: z.string() });

const ActivityJson = z.object({ kind: z.enum(['email', 'call', 'meeting', 'note', 'other']), occurred_at: isoDate.nullable(), summary: z.string() });

const MemoryJson = z.object({
  id: z.string(),
  kind: z.enum(['fact', 'interaction', 'resonated', 'avoid', 'summary']),
  key: z.string(),
  content: z.string(),
  source: z.string(),
  observedAt: z.string(),
  confidence: z.number(),
  conflictWith: z.string().nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<LiveMemoryJson>;

const SampleRow = z.object({
  run_id: z.string().nullable(),
  /** When the run started, in epoch ms (plain numbers: no timestamp text format to trust). */
  as_of_ms: z.number().nullable(),
  account: AccountJson.nullable(),
  contacts: z.array(ContactJson).nullable(),
  activities: z.array(ActivityJson).nullable(),
  memory: z.array(MemoryJson).nullable(),
});

/** Sampled contexts: the book now, and each past run's accounts as that run saw them. */
export type SampledContexts = { current: AccountContext[]; byRun: Map<string, AccountContext[]> };

/**
 * Samples up to {@link SAMPLE_ACCOUNTS} accounts of the book (with live memory, dated `now`) and
 * as many of each run in `runIds` (with the memory that was live when the run started, dated
 * then). Memory is history, not overwritten (src/memory/AGENTS.md), so a past state is the rows
 * created before that moment and not yet superseded by then.
 */
export async function sampleContexts(db: DbOrTx, bookId: string, runIds: readonly string[], now: Date): Promise<SampledContexts> {
  const rows = await db.execute(sql`
    with keys as (
      (select null::text as run_id, a.id as account_id, null::timestamptz as as_of
         from accounts a where a.book_id = ${bookId} order by md5(a.id::text) limit ${SAMPLE_ACCOUNTS})
      union all
      (select t.run_id, t.account_id, coalesce(r.started_at, r.created_at) as as_of
         from (select i.run_id, i.account_id, row_number() over (partition by i.run_id order by md5(i.account_id::text)) as n
                 from run_items i
                 where i.run_id in (select value from jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))) t
         join runs r on r.id = t.run_id
         where t.n <= ${SAMPLE_ACCOUNTS})
    )
    select k.run_id, extract(epoch from k.as_of)::float8 * 1000 as as_of_ms,
      (select row_to_json(a) from (select id, external_id, name, domain, industry, employees, arr_usd, stage, region, signals,
          notes, last_activity_at, conflicts from accounts where id = k.account_id) a) as account,
      (select json_agg(c order by c.created_at, c.id) from (select id, name, title, email, do_not_contact, created_at
          from contacts where account_id = k.account_id) c) as contacts,
      (select json_agg(x) from (select kind, occurred_at, summary from activities where account_id = k.account_id
          order by occurred_at desc nulls last limit ${SAMPLE_ACTIVITIES}) x) as activities,
      (select json_agg(json_build_object('id', m.id, 'kind', m.kind, 'key', m.key, 'content', m.content, 'source', m.source,
          'observedAt', m.observed_at, 'confidence', m.confidence, 'conflictWith', m.conflict_with, 'createdAt', m.created_at))
         from account_memory m left join account_memory s on s.id = m.superseded_by
         where m.account_id = k.account_id
           and case when k.as_of is null then m.superseded_by is null
                    else m.created_at < k.as_of and (s.id is null or s.created_at >= k.as_of) end) as memory
    from keys k`);

  const current: AccountContext[] = [];
  const byRun = new Map<string, AccountContext[]>();
  for (const raw of rows) {
    const row = SampleRow.parse(raw);
    if (!row.account) continue; // deleted between the two halves of the statement
    const context = contextOf(row, row.as_of_ms === null ? now : new Date(row.as_of_ms));
    if (row.run_id === null) current.push(context);
    else {
      const list = byRun.get(row.run_id);
      if (list) list.push(context);
      else byRun.set(row.run_id, [context]);
    }
  }
  return { current, byRun };
}

function contextOf(row: z.infer<typeof SampleRow>, now: Date): AccountContext {
  const a = row.account as z.infer<typeof AccountJson>;
  return {
    account: {
      id: a.id,
      externalId: a.external_id,
      name: a.name,
      domain: a.domain,
      industry: a.industry,
      employees: a.employees,
      arrUsd: a.arr_usd,
      stage: a.stage,
      region: a.region,
      signals: a.signals ?? [],
      notes: a.notes,
      lastActivityAt: a.last_activity_at,
      conflicts: (a.conflicts ?? []).map(({ field, values }) => ({ field, values })),
    },
    contacts: (row.contacts ?? []).map((c) => ({ id: c.id, name: c.name, title: c.title, email: c.email, doNotContact: c.do_not_contact })),
    activities: (row.activities ?? []).map((x) => ({ kind: x.kind, occurredAt: x.occurred_at, summary: x.summary })),
    memory: memoryViewFromJson(a.id, row.memory ?? []),
    now,
  };
}
