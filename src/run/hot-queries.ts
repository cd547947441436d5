/**
 * The per-step queries of a run, in raw SQL and batch-shaped: each serves any number of
 * accounts in one statement whose text never changes (rows travel as one JSON parameter), so
 * the batchers of ./hot-path.ts can group the jobs of one event-loop turn. They run tens of
 * thousands of times a night; one statement per job cost more CPU than the model calls around
 * them (measured: `npm run bench`).
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

/** One key of a batched read; `ord` maps result rows back to callers. */
export type StepKeyRef = { runId: string; accountId: string };

const keysJson = (keys: StepKeyRef[]) => JSON.stringify(keys.map((k, ord) => ({ ord, run_id: k.runId, account_id: k.accountId })));

const STEPS_JSON = `(select json_agg(json_build_object('step', s.step, 'status', s.status, 'output', s.output, 'skill_name', s.skill_name,
     'skill_version', s.skill_version, 'model', s.model, 'created_at', s.created_at))
   from step_results s where s.run_id = k.run_id and s.account_id = k.account_id)`;

/** The stored steps of each (run, account), in the order of `keys`. */
export async function loadStepRowsMany(sql: postgres.Sql, keys: StepKeyRef[]): Promise<Array<Map<Step, StepRow>>> {
  const rows = await sql.unsafe<Array<{ ord: number; steps: RawStep[] | null }>>(
    `select k.ord, ${STEPS_JSON} as steps from jsonb_to_recordset($1::jsonb) as k(ord int, run_id text, account_id uuid)`,
    [keysJson(keys)],
  );
  const out = keys.map(() => new Map<Step, StepRow>());
  for (const row of rows) out[row.ord] = stepsOf(row.steps);
  return out;
}

type RawSnapshot = {
  ord: number;
  account: Record<string, unknown> | null;
  contacts: Array<Record<string, unknown>> | null;
  activities: Array<Record<string, unknown>> | null;
  memory: LiveMemoryJson[] | null;
  steps: RawStep[] | null;
};

const SNAPSHOT_SQL = `
  select k.ord,
    (select row_to_json(a) from accounts a where a.id = k.account_id) as account,
    (select json_agg(c order by c.created_at, c.id) from contacts c where c.account_id = k.account_id) as contacts,
    (select json_agg(x) from (select kind, occurred_at, summary from activities
       where account_id = k.account_id order by occurred_at desc nulls last limit ${RECENT_ACTIVITIES}) x) as activities,
    (select json_agg(json_build_object('id', m.id, 'kind', m.kind, 'key', m.key, 'content', m.content, 'source', m.source,
       'observedAt', m.observed_at, 'confidence', m.confidence, 'conflictWith', m.conflict_with, 'createdAt', m.created_at))
     from account_memory m where m.account_id = k.account_id and m.superseded_by is null) as memory,
    ${STEPS_JSON} as steps
  from jsonb_to_recordset($1::jsonb) as k(ord int, run_id text, account_id uuid)`;

/** Each account with its contacts, recent activities, live memory and stored steps, in the order of `keys`. */
export async function loadAccountSnapshots(sql: postgres.Sql, keys: StepKeyRef[]): Promise<AccountSnapshotRows[]> {
  const rows = await sql.unsafe<RawSnapshot[]>(SNAPSHOT_SQL, [keysJson(keys)]);
  const out: AccountSnapshotRows[] = keys.map(() => snapshotOf(undefined));
  for (const row of rows) out[row.ord] = snapshotOf(row);
  return out;
}

function snapshotOf(row: RawSnapshot | undefined): AccountSnapshotRows {
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

/** What a step stores: its row (as read back later) plus ids, usage and attempt. */
export type StepResultRow = Omit<StepRow, 'createdAt'> & {
  runId: string;
  accountId: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  attempt: number;
};

const LEDGER_COLUMNS = `id, run_id, account_id, step, skill_version, model, call_kind, status, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cost_usd, service_tier, request_id, error, duration_ms`;
const LEDGER_RECORD = `x(id text, run_id text, account_id uuid, step text,
      skill_version text, model text, call_kind text, status text, input_tokens int, output_tokens int, cache_read_tokens int,
      cache_write_tokens int, cost_usd numeric, service_tier text, request_id text, error text, duration_ms int)`;
/**
 * The ledger insert of `$1` (a JSON array of LedgerRow), shared by the step statement and the
 * failure path. Under a budget each call's row was inserted as `started` before the call went out.
 */
const INSERT_CALLS = `insert into llm_calls (${LEDGER_COLUMNS}, finished_at)
    select ${LEDGER_COLUMNS}, now() from jsonb_to_recordset($1::jsonb) as ${LEDGER_RECORD}
    on conflict (id) do update set skill_version = excluded.skill_version, model = excluded.model,
      call_kind = excluded.call_kind, status = excluded.status, input_tokens = excluded.input_tokens,
      output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens,
      cache_write_tokens = excluded.cache_write_tokens, cost_usd = excluded.cost_usd, service_tier = excluded.service_tier,
      request_id = excluded.request_id, error = excluded.error, duration_ms = excluded.duration_ms, finished_at = excluded.finished_at
    -- Only a budgeted call's 'started' row is completed; a finished row is never rewritten.
    where llm_calls.status = 'started'`;

/** Stores ledger rows alone: the calls of a step that failed still cost tokens. */
export async function storeCalls(sql: postgres.Sql, calls: LedgerRow[]): Promise<void> {
  if (calls.length > 0) await sql.unsafe(INSERT_CALLS, [JSON.stringify(calls)]);
}

export type StoreStepEntry = { result: StepResultRow; calls: LedgerRow[] };

const STORE_STEPS = `
  with calls as (${INSERT_CALLS})
  insert into step_results (run_id, account_id, step, status, output, skill_name, skill_version, model, input_tokens,
    output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, attempt)
  select run_id, account_id, step, status, output, skill_name, skill_version, model, input_tokens,
    output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, attempt
  from jsonb_to_recordset($2::jsonb) as r(run_id text, account_id uuid, step text, status text, output jsonb, skill_name text,
    skill_version text, model text, input_tokens int, output_tokens int, cache_read_tokens int, cache_write_tokens int,
    cost_usd numeric, attempt int)
  on conflict do nothing
  returning run_id, account_id, step, created_at`;

/**
 * Stores steps' results and their ledger rows in one statement (atomic: all or none). Returns,
 * per entry, when it was stored, or `undefined` when the step was already stored (a concurrent
 * duplicate won; its calls stay in the ledger as real spend). Each (run, account, step) may
 * appear once.
 */
export async function storeSteps(sql: postgres.Sql, entries: StoreStepEntry[]): Promise<Array<Date | undefined>> {
  const calls = entries.flatMap((e) => e.calls);
  const results = entries.map(({ result: r }) => ({
    run_id: r.runId,
    account_id: r.accountId,
    step: r.step,
    status: r.status,
    output: r.output,
    skill_name: r.skillName,
    skill_version: r.skillVersion,
    model: r.model,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    cost_usd: r.costUsd,
    attempt: r.attempt,
  }));
  const rows = await sql.unsafe<Array<{ run_id: string; account_id: string; step: string; created_at: string | Date }>>(STORE_STEPS, [
    JSON.stringify(calls),
    JSON.stringify(results),
  ]);
  // drizzle makes this client return timestamps as text.
  const stored = new Map(rows.map((r) => [`${r.run_id}/${r.account_id}/${r.step}`, new Date(r.created_at)]));
  return entries.map(({ result: r }) => stored.get(`${r.runId}/${r.accountId}/${r.step}`));
}

export type DeferEntry = { runId: string; accountId: string; step: string };

/** Marks accounts deferred for budget at the given step (done or failed accounts stay as they are). */
export async function deferItems(sql: postgres.Sql, entries: DeferEntry[]): Promise<void[]> {
  const rows = JSON.stringify(entries.map((e) => ({ run_id: e.runId, account_id: e.accountId, step: e.step })));
  await sql.unsafe(
    `update run_items r set status = 'deferred_budget', deferred_step = x.step, finished_at = now()
     from jsonb_to_recordset($1::jsonb) as x(run_id text, account_id uuid, step text)
     where r.run_id = x.run_id and r.account_id = x.account_id and r.status not in ('done', 'failed')`,
    [rows],
  );
  return entries.map(() => undefined);
}
