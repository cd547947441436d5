/**
 * The per-step queries of a run, in raw SQL. They run tens of thousands of times a night and
 * building them with the query builder cost more CPU than the model calls around them
 * (measured: `npm run bench`); each is one round trip.
 */
import type postgres from 'postgres';
import type { Step } from '../../db/schema/index.ts';
import type { AccountSnapshot, ActivitySnapshot, ContactSnapshot } from '../agents/types.ts';
import type { LiveMemoryJson } from '../memory/index.ts';

export type StepRow = {
  step: Step;
  status: 'succeeded' | 'skipped';
  output: unknown;
  skillName: string | null;
  skillVersion: string | null;
  model: string | null;
  createdAt: Date;
};

export type AccountSnapshotRows = {
  account: AccountSnapshot | undefined;
  ownerRepId: string | null;
  contacts: ContactSnapshot[];
  activities: ActivitySnapshot[];
  /** Live memory rows (superseded ones excluded). */
  memory: LiveMemoryJson[];
  steps: Map<Step, StepRow>;
};

/** Activities beyond this many are older than any prompt needs. */
export const RECENT_ACTIVITIES = 8;

type RawStep = { step: Step; status: 'succeeded' | 'skipped'; output: unknown; skill_name: string | null; skill_version: string | null; model: string | null; created_at: string };

function stepsOf(raw: RawStep[] | null): Map<Step, StepRow> {
  return new Map(
    (raw ?? []).map((s) => [
      s.step,
      { step: s.step, status: s.status, output: s.output, skillName: s.skill_name, skillVersion: s.skill_version, model: s.model, createdAt: new Date(s.created_at) },
    ]),
  );
}

const STEPS_JSON = (sql: postgres.Sql, runId: string, accountId: string) => sql`
  (select json_agg(json_build_object('step', s.step, 'status', s.status, 'output', s.output, 'skill_name', s.skill_name,
     'skill_version', s.skill_version, 'model', s.model, 'created_at', s.created_at))
   from step_results s where s.run_id = ${runId} and s.account_id = ${accountId})`;

/** The stored steps of one account in a run. */
export async function loadStepRows(sql: postgres.Sql, runId: string, accountId: string): Promise<Map<Step, StepRow>> {
  const [row] = await sql<Array<{ steps: RawStep[] | null }>>`select ${STEPS_JSON(sql, runId, accountId)} as steps`;
  return stepsOf(row?.steps ?? null);
}

/** The account, its contacts, recent activities and stored steps, in one round trip. */
export async function loadAccountSnapshot(sql: postgres.Sql, runId: string, accountId: string): Promise<AccountSnapshotRows> {
  const [row] = await sql<
    Array<{
      account: Record<string, unknown> | null;
      contacts: Array<Record<string, unknown>> | null;
      activities: Array<Record<string, unknown>> | null;
      memory: LiveMemoryJson[] | null;
      steps: RawStep[] | null;
    }>
  >`
    select
      (select row_to_json(a) from accounts a where a.id = ${accountId}) as account,
      (select json_agg(c order by c.created_at, c.id) from contacts c where c.account_id = ${accountId}) as contacts,
      (select json_agg(x) from (select kind, occurred_at, summary from activities
         where account_id = ${accountId} order by occurred_at desc nulls last limit ${RECENT_ACTIVITIES}) x) as activities,
      (select json_agg(json_build_object('id', m.id, 'kind', m.kind, 'key', m.key, 'content', m.content, 'source', m.source,
         'observedAt', m.observed_at, 'confidence', m.confidence, 'conflictWith', m.conflict_with, 'createdAt', m.created_at))
       from account_memory m where m.account_id = ${accountId} and m.superseded_by is null) as memory,
      ${STEPS_JSON(sql, runId, accountId)} as steps`;
  const a = row?.account;
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
  return {
    account: a
      ? {
          id: String(a['id']),
          externalId: String(a['external_id']),
          name: String(a['name']),
          domain: (a['domain'] as string | null) ?? null,
          industry: (a['industry'] as string | null) ?? null,
          employees: (a['employees'] as number | null) ?? null,
          arrUsd: (a['arr_usd'] as number | null) ?? null,
          stage: (a['stage'] as string | null) ?? null,
          region: (a['region'] as string | null) ?? null,
          signals: (a['signals'] as string[] | null) ?? [],
          notes: (a['notes'] as string | null) ?? null,
          lastActivityAt: date(a['last_activity_at']),
          conflicts: ((a['conflicts'] as Array<{ field: string; values: string[] }> | null) ?? []).map(({ field, values }) => ({ field, values })),
        }
      : undefined,
    ownerRepId: (a?.['owner_rep_id'] as string | null) ?? null,
    contacts: (row?.contacts ?? []).map((c) => ({
      id: String(c['id']),
      name: String(c['name']),
      title: (c['title'] as string | null) ?? null,
      email: (c['email'] as string | null) ?? null,
      doNotContact: c['do_not_contact'] === true,
    })),
    activities: (row?.activities ?? []).map((x) => ({
      kind: x['kind'] as ActivitySnapshot['kind'],
      occurredAt: date(x['occurred_at']),
      summary: String(x['summary']),
    })),
    memory: row?.memory ?? [],
    steps: stepsOf(row?.steps ?? null),
  };
}

export type LedgerRow = {
  id: string;
  run_id: string;
  account_id: string;
  step: string;
  skill_version: string | null;
  model: string;
  call_kind: string;
  status: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number | null;
  service_tier: string | null;
  request_id: string | null;
  error: string | null;
  duration_ms: number;
};

export type StepResultRow = {
  runId: string;
  accountId: string;
  step: Step;
  status: 'succeeded' | 'skipped';
  output: unknown;
  skillName: string | null;
  skillVersion: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  attempt: number;
};

/** The ledger insert, shared by a step's result statement and the failure path. */
function insertCalls(sql: postgres.Sql, calls: LedgerRow[]) {
  return sql`
    insert into llm_calls (id, run_id, account_id, step, skill_version, model, call_kind, status, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cost_usd, service_tier, request_id, error, duration_ms, finished_at)
    select id, run_id, account_id, step, skill_version, model, call_kind, status, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cost_usd, service_tier, request_id, error, duration_ms, now()
    from jsonb_to_recordset(${JSON.stringify(calls)}::jsonb) as x(id text, run_id text, account_id uuid, step text,
      skill_version text, model text, call_kind text, status text, input_tokens int, output_tokens int, cache_read_tokens int,
      cache_write_tokens int, cost_usd numeric, service_tier text, request_id text, error text, duration_ms int)
    on conflict do nothing`;
}

/** Stores ledger rows alone: the calls of a step that failed still cost tokens. */
export async function storeCalls(sql: postgres.Sql, calls: LedgerRow[]): Promise<void> {
  if (calls.length > 0) await insertCalls(sql, calls);
}

/**
 * Stores a step's result and its ledger rows in one statement (atomic: both or neither).
 * Returns false when the step was already stored (a concurrent duplicate won).
 */
export async function storeStep(sql: postgres.Sql, result: StepResultRow, calls: LedgerRow[]): Promise<boolean> {
  const rows = await sql<Array<{ step: string }>>`
    with calls as (${insertCalls(sql, calls)})
    insert into step_results (run_id, account_id, step, status, output, skill_name, skill_version, model, input_tokens,
      output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, attempt)
    values (${result.runId}, ${result.accountId}, ${result.step}, ${result.status}, ${JSON.stringify(result.output)}::jsonb, ${result.skillName},
      ${result.skillVersion}, ${result.model}, ${result.inputTokens}, ${result.outputTokens}, ${result.cacheReadTokens},
      ${result.cacheWriteTokens}, ${result.costUsd}, ${result.attempt})
    on conflict do nothing
    returning step`;
  return rows.length > 0;
}

/** What finalize reads: the stored steps and the account's owner, in one round trip. */
export async function loadStepsAndOwner(sql: postgres.Sql, runId: string, accountId: string): Promise<{ found: boolean; ownerRepId: string | null; steps: Map<Step, StepRow> }> {
  const [row] = await sql<Array<{ found: boolean; owner: string | null; steps: RawStep[] | null }>>`
    select exists(select 1 from accounts where id = ${accountId}) as found,
      (select owner_rep_id from accounts where id = ${accountId}) as owner,
      ${STEPS_JSON(sql, runId, accountId)} as steps`;
  return { found: row?.found === true, ownerRepId: row?.owner ?? null, steps: stepsOf(row?.steps ?? null) };
}
