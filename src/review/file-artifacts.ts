/**
 * Stores one account's artifacts from a run and decides whether they reach its owner rep:
 * a drafted account becomes one review item covering every workflow present (the draft shown
 * with its brief and tier), an undrafted account's brief and tier enter review only when sampled.
 *
 * Idempotent: an account's finalize may run twice, even concurrently. Writers of one account are
 * serialised by `lockAccounts`, and the unique indexes on review_items (run, account) and
 * artifacts (run, account, workflow) with ON CONFLICT DO NOTHING make the first write win; later
 * calls return what is stored. Nothing reaches a rep twice.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { lockAccounts } from '../../db/account-lock.ts';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { isSampled } from './sample.ts';

const CitedFactInput = z.object({
  id: z.string(),
  text: z.string(),
  source: z.string(),
  observedAt: z.union([z.string(), z.date().transform((d) => d.toISOString())]),
});

export const ArtifactInput = z.object({
  workflow: z.enum(WORKFLOWS),
  skillName: z.string().min(1),
  skillVersion: z.string().min(1),
  model: z.string().min(1),
  /** The workflow's validated output: a ResearchBrief, Prioritization or Draft. */
  content: z.record(z.string(), z.unknown()),
  rationale: z.string().nullish(),
  citedFacts: z.array(CitedFactInput).optional(),
  riskFlags: z.array(z.string()).optional(),
});
export type ArtifactInput = z.input<typeof ArtifactInput>;

export const FileArtifactsInput = z.object({
  runId: z.string().min(1),
  accountId: z.uuid(),
  /**
   * The rep the item is for; null leaves it unassigned (only managers see it); omitted, the
   * account's owner when it is filed.
   */
  ownerRepId: z.uuid().nullable().optional(),
  artifacts: z
    .array(ArtifactInput)
    .min(1)
    .refine((list) => new Set(list.map((a) => a.workflow)).size === list.length, 'at most one artifact per workflow'),
  /** Share of undrafted accounts whose brief and tier are reviewed anyway (config `reviewSampleRate`). */
  sampleRate: z.number().min(0).max(1),
});
export type FileArtifactsInput = z.input<typeof FileArtifactsInput>;

export type ReviewReason = 'drafted' | 'sampled';

export type FileArtifactsResult = {
  reviewItemId: string | null;
  reason: ReviewReason | null;
  /** The stored artifact of each workflow that has one. */
  artifactIds: Partial<Record<Workflow, string>>;
  /** True only for the call that created the review item. */
  created: boolean;
};

export async function fileArtifacts(db: DbOrTx, input: FileArtifactsInput): Promise<FileArtifactsResult> {
  const [result] = await fileArtifactsMany(db, [input]);
  if (!result) throw new Error('fileArtifactsMany returned no result');
  return result;
}

export type FileArtifactsOptions = {
  /** The caller's transaction already holds `lockAccounts` for these accounts (saves a statement). */
  locked?: boolean;
};

type FiledRow = { what: 'item' | 'artifact'; id: string; run_id: string; account_id: string; reason: ReviewReason | null; workflow: Workflow | null; created: boolean | null };

/**
 * Review items (created or found), their audit records and the artifacts, in one statement. The
 * lookup of existing items sees the statement's snapshot, taken after the account lock, so it
 * sees whatever an earlier writer of the same account committed.
 */
const FILE_STATEMENT = (items: string, rows: string) => sql`
  with k as (
    select * from jsonb_to_recordset(${items}::jsonb)
      as k(run_id text, account_id uuid, owner_given boolean, owner_rep_id uuid, reason text, workflows jsonb, tier text)
  ), ins as (
    insert into review_items (run_id, account_id, owner_rep_id, reason, workflows, tier)
    select k.run_id, k.account_id,
      case when k.owner_given then k.owner_rep_id else (select a.owner_rep_id from accounts a where a.id = k.account_id) end,
      k.reason, k.workflows, k.tier
    from k where k.reason is not null
    on conflict (run_id, account_id) do nothing
    returning id, run_id, account_id, owner_rep_id, reason, workflows
  ), item as (
    select id, run_id, account_id, reason, workflows, true as created from ins
    union all
    select r.id, r.run_id, r.account_id, r.reason, r.workflows, false from review_items r
    join k on r.run_id = k.run_id and r.account_id = k.account_id
    -- Lets the unique index find the rows instead of a scan of every item.
    where r.run_id = any(array(select distinct k.run_id from k)) and r.account_id = any(array(select k.account_id from k))
  ), audit as (
    insert into audit_log (actor, action, entity, entity_id, data)
    select 'system', 'review_item.created', 'review_item', ins.id::text,
      jsonb_build_object('runId', ins.run_id, 'accountId', ins.account_id, 'ownerRepId', ins.owner_rep_id, 'reason', ins.reason, 'workflows', ins.workflows)
    from ins
  ), art as (
    insert into artifacts (run_id, account_id, workflow, skill_name, skill_version, model, status, content, rationale, cited_facts, risk_flags, review_item_id)
    select x.run_id, x.account_id, x.workflow, x.skill_name, x.skill_version, x.model,
      case when i.workflows ? x.workflow then 'pending_review' else 'unreviewed' end,
      x.content, x.rationale, x.cited_facts, x.risk_flags,
      case when i.workflows ? x.workflow then i.id end
    from jsonb_to_recordset(${rows}::jsonb) as x(run_id text, account_id uuid, workflow text, skill_name text, skill_version text,
      model text, content jsonb, rationale text, cited_facts jsonb, risk_flags jsonb)
    left join item i on i.run_id = x.run_id and i.account_id = x.account_id
    on conflict (run_id, account_id, workflow) do nothing
    returning id, run_id, account_id, workflow
  )
  select 'item' as what, id, run_id, account_id, reason, null as workflow, created from item
  union all
  select 'artifact', id, run_id, account_id, null, workflow, null from art`;

/**
 * `fileArtifacts` for several accounts in one transaction and, normally, two statements whatever
 * the count (the run's group-committed finalize). Each (run, account) must appear once.
 */
export async function fileArtifactsMany(db: DbOrTx, inputs: FileArtifactsInput[], options: FileArtifactsOptions = {}): Promise<FileArtifactsResult[]> {
  const parsed = inputs.map((input) => {
    const result = FileArtifactsInput.safeParse(input);
    if (!result.success) throw new AppError('validation', `fileArtifacts: ${z.prettifyError(result.error)}`, { cause: result.error });
    return result.data;
  });
  const keyOf = (runId: string, accountId: string) => `${runId}/${accountId}`;
  if (new Set(parsed.map((p) => keyOf(p.runId, p.accountId))).size !== parsed.length) throw new AppError('validation', 'fileArtifactsMany: each account may appear once per call');
  if (parsed.length === 0) return [];
  const items = JSON.stringify(
    parsed.map((p) => {
      const present = WORKFLOWS.filter((w) => p.artifacts.some((a) => a.workflow === w));
      const reason: ReviewReason | null = present.includes('drafting') ? 'drafted' : isSampled(p.runId, p.accountId, p.sampleRate) ? 'sampled' : null;
      return { run_id: p.runId, account_id: p.accountId, owner_given: p.ownerRepId !== undefined, owner_rep_id: p.ownerRepId ?? null, reason, workflows: present, tier: tierOf(p.artifacts) };
    }),
  );
  const rows = JSON.stringify(
    parsed.flatMap((p) =>
      p.artifacts.map((a) => ({
        run_id: p.runId,
        account_id: p.accountId,
        workflow: a.workflow,
        skill_name: a.skillName,
        skill_version: a.skillVersion,
        model: a.model,
        content: a.content,
        rationale: a.rationale ?? null,
        cited_facts: a.citedFacts ?? [],
        risk_flags: a.riskFlags ?? [],
      })),
    ),
  );

  return inTransaction(db, async (tx) => {
    if (!options.locked) await lockAccounts(tx, [...new Set(parsed.map((p) => p.accountId))]);
    const filed = await tx.execute<FiledRow>(FILE_STATEMENT(items, rows));
    const item = new Map<string, FiledRow>();
    const stored = new Map<string, Array<{ id: string; workflow: Workflow }>>();
    const add = (key: string, row: { id: string; workflow: Workflow }) => stored.set(key, [...(stored.get(key) ?? []), row]);
    for (const r of filed) {
      const key = keyOf(r.run_id, r.account_id);
      if (r.what === 'item') item.set(key, r);
      else if (r.workflow) add(key, { id: r.id, workflow: r.workflow });
    }
    // Only a retry (some artifacts already stored) needs to read back what the first call wrote.
    const partial = parsed.filter((p) => (stored.get(keyOf(p.runId, p.accountId))?.length ?? 0) !== p.artifacts.length);
    if (partial.length > 0) {
      const again = await tx.execute<{ id: string; run_id: string; account_id: string; workflow: Workflow }>(sql`
        select a.id, a.run_id, a.account_id, a.workflow from artifacts a
        join jsonb_to_recordset(${JSON.stringify(partial.map((p) => ({ run_id: p.runId, account_id: p.accountId })))}::jsonb)
          as k(run_id text, account_id uuid) on a.run_id = k.run_id and a.account_id = k.account_id
        where a.account_id = any(array(select value::uuid from jsonb_array_elements_text(${JSON.stringify(partial.map((p) => p.accountId))}::jsonb)))`);
      for (const p of partial) stored.delete(keyOf(p.runId, p.accountId));
      for (const r of again) add(keyOf(r.run_id, r.account_id), r);
    }

    return parsed.map((p) => {
      const key = keyOf(p.runId, p.accountId);
      const found = item.get(key);
      const mine = stored.get(key) ?? [];
      const artifactIds: Partial<Record<Workflow, string>> = {};
      // In workflow order, so every call returns the same shape whichever rows it wrote.
      for (const workflow of WORKFLOWS) {
        const row = mine.find((r) => r.workflow === workflow);
        if (row) artifactIds[workflow] = row.id;
      }
      return { reviewItemId: found?.id ?? null, reason: found?.reason ?? null, artifactIds, created: found?.created === true };
    });
  });
}

/** The tier the prioritization artifact states, for the queue's tier filter; null when absent or not a tier. */
function tierOf(artifacts: ReadonlyArray<{ workflow: Workflow; content: Record<string, unknown> }>): 'A' | 'B' | 'C' | 'D' | null {
  const tier = artifacts.find((a) => a.workflow === 'prioritization')?.content['tier'];
  return tier === 'A' || tier === 'B' || tier === 'C' || tier === 'D' ? tier : null;
}
