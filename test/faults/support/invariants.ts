/**
 * What a fault scenario must leave behind, read from Postgres (the system of record) after the run
 * ends — reliability-and-security.md §0: NL (every account in exactly one terminal state), ND (no
 * duplicate review item, artifact or memory item), and the re-spend bound of R1 (a crash repeats
 * at most the calls that were in flight).
 */
import type postgres from 'postgres';
import { sleep } from './wait.ts';

export const TERMINAL_RUN_STATUSES = ['completed', 'completed_with_deferrals', 'failed', 'cancelled'] as const;
const TERMINAL_ITEM_STATUSES = new Set(['done', 'failed', 'deferred_budget', 'cancelled']);

export type RunEnd = { status: string; seconds: number };

/**
 * Polls the run's status until it is terminal. Query errors are expected while the suite's
 * Postgres is down and are retried. On timeout the error lists the items by status and whatever
 * `diagnose` adds (worker log tails, queue counts), so a stuck run explains itself.
 */
export async function waitForRunEnd(
  sql: postgres.Sql,
  runId: string,
  options: { timeoutMs: number; diagnose: () => Promise<string> },
): Promise<RunEnd> {
  const started = Date.now();
  let lastError = '';
  while (Date.now() - started < options.timeoutMs) {
    try {
      const [row] = await sql<Array<{ status: string }>>`select status from runs where id = ${runId}`;
      if (row && (TERMINAL_RUN_STATUSES as readonly string[]).includes(row.status)) return { status: row.status, seconds: (Date.now() - started) / 1000 };
      lastError = '';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  let items: string;
  try {
    items = await describeItems(sql, runId);
  } catch (error) {
    items = `(cannot read items: ${error instanceof Error ? error.message : String(error)})`;
  }
  const diagnosis = await options.diagnose().catch((e: unknown) => `(diagnosis failed: ${String(e)})`);
  throw new Error(
    [`run ${runId} did not end within ${options.timeoutMs / 1000} s`, lastError && `last query error: ${lastError}`, items, diagnosis].filter(Boolean).join('\n'),
  );
}

/** The run's status and its items by status, one line. */
export async function describeItems(sql: postgres.Sql, runId: string): Promise<string> {
  const [run] = await sql<Array<{ status: string; error: string | null }>>`select status, error from runs where id = ${runId}`;
  const rows = await sql<Array<{ status: string; n: number }>>`select status, count(*)::int as n from run_items where run_id = ${runId} group by status order by status`;
  const failures = await sql<Array<{ failed_step: string | null; error: string | null; n: number }>>`
    select failed_step, error, count(*)::int as n from run_items where run_id = ${runId} and status = 'failed'
    group by failed_step, error order by n desc limit 5`;
  const byStatus = rows.map((r) => `${r.status}=${r.n}`).join(' ') || 'no items';
  const why = failures.map((f) => `\n  failed at ${f.failed_step ?? '?'} ×${f.n}: ${f.error ?? ''}`).join('');
  return `run ${runId}: ${run?.status ?? 'missing'}${run?.error ? ` (${run.error})` : ''}; items: ${byStatus}${why}`;
}

export type RunMeasure = {
  runStatus: string;
  expected: number;
  items: number;
  distinctAccounts: number;
  byStatus: Record<string, number>;
  /** Accounts that did not end `done`: missing rows, non-terminal rows, and failed/deferred/cancelled ones. */
  lost: number;
  nonTerminal: number;
  /** `done` accounts whose stored work is incomplete (a step result, artifact or review item missing). */
  incomplete: number;
  duplicateReviewItems: number;
  duplicateArtifacts: number;
  duplicateMemory: number;
  duplicated: number;
  /** Rows in llm_calls for the run. */
  ledgerRows: number;
  /** Distinct logical calls: (account, step, call number), whatever the execution. */
  logicalCalls: number;
  /** ledgerRows - logicalCalls: the same call made again by a later execution. */
  extraCalls: number;
  /** The most executions any single logical call had. */
  maxCallsPerLogical: number;
  /** Reservations left `started`: calls cut off by a crash, never settled. */
  openReservations: number;
  ledgerByStatus: Record<string, number>;
};

/** Everything the invariants need about one run, measured from Postgres. */
export async function measureRun(sql: postgres.Sql, runId: string, expected: number): Promise<RunMeasure> {
  const [run] = await sql<Array<{ status: string }>>`select status from runs where id = ${runId}`;
  const statusRows = await sql<Array<{ status: string; n: number }>>`select status, count(*)::int as n from run_items where run_id = ${runId} group by status`;
  const byStatus = Object.fromEntries(statusRows.map((r) => [r.status, r.n]));
  const [counts] = await sql<Array<{ items: number; accounts: number }>>`
    select count(*)::int as items, count(distinct account_id)::int as accounts from run_items where run_id = ${runId}`;
  const items = counts?.items ?? 0;
  const done = byStatus['done'] ?? 0;
  const nonTerminal = statusRows.filter((r) => !TERMINAL_ITEM_STATUSES.has(r.status)).reduce((s, r) => s + r.n, 0);

  // A done account has all three step results (draft may be `skipped` by tier policy), the research
  // and prioritization artifacts, and, when it was drafted, the drafting artifact and a review item.
  const [incomplete] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from run_items r
    where r.run_id = ${runId} and r.status = 'done' and (
      (select count(*) from step_results s where s.run_id = r.run_id and s.account_id = r.account_id) < 3
      or (select count(*) from artifacts a where a.run_id = r.run_id and a.account_id = r.account_id and a.workflow in ('research', 'prioritization')) < 2
      or (exists (select 1 from step_results s where s.run_id = r.run_id and s.account_id = r.account_id and s.step = 'draft' and s.status = 'succeeded')
          and (not exists (select 1 from artifacts a where a.run_id = r.run_id and a.account_id = r.account_id and a.workflow = 'drafting')
               or not exists (select 1 from review_items i where i.run_id = r.run_id and i.account_id = r.account_id))))`;

  const [dupReview] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from (select account_id from review_items where run_id = ${runId} group by account_id having count(*) > 1) d`;
  const [dupArtifacts] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from (select account_id, workflow from artifacts where run_id = ${runId} group by account_id, workflow having count(*) > 1) d`;
  // A finalize that ran twice would write the run's memory items twice.
  const [dupMemory] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from (select account_id, kind, key, content from account_memory where run_id = ${runId} group by 1, 2, 3, 4 having count(*) > 1) d`;

  // Call ids are `${runId}.${accountId}.${step}.a${execution}.c${n}`: dropping the execution
  // leaves the logical call, so repeats of one call across executions are the extra calls.
  const [ledger] = await sql<Array<{ rows: number; logical: number; open: number; max_per: number }>>`
    with calls as (
      select regexp_replace(id, '\\.a[0-9]+\\.c([0-9]+)$', '.c\\1') as logical, status from llm_calls where run_id = ${runId}
    ), per as (select logical, count(*) as n from calls group by logical)
    select (select count(*) from calls)::int as rows, (select count(*) from per)::int as logical,
      (select count(*) from calls where status = 'started')::int as open, coalesce((select max(n) from per), 0)::int as max_per`;
  const ledgerStatus = await sql<Array<{ status: string; n: number }>>`select status, count(*)::int as n from llm_calls where run_id = ${runId} group by status`;

  const duplicateReviewItems = dupReview?.n ?? 0;
  const duplicateArtifacts = dupArtifacts?.n ?? 0;
  const duplicateMemory = dupMemory?.n ?? 0;
  const ledgerRows = ledger?.rows ?? 0;
  const logicalCalls = ledger?.logical ?? 0;
  return {
    runStatus: run?.status ?? 'missing',
    expected,
    items,
    distinctAccounts: counts?.accounts ?? 0,
    byStatus,
    lost: expected - done,
    nonTerminal,
    incomplete: incomplete?.n ?? 0,
    duplicateReviewItems,
    duplicateArtifacts,
    duplicateMemory,
    duplicated: duplicateReviewItems + duplicateArtifacts + duplicateMemory,
    ledgerRows,
    logicalCalls,
    extraCalls: ledgerRows - logicalCalls,
    maxCallsPerLogical: ledger?.max_per ?? 0,
    openReservations: ledger?.open ?? 0,
    ledgerByStatus: Object.fromEntries(ledgerStatus.map((r) => [r.status, r.n])),
  };
}

export type Expectation = {
  /** Upper bound on extra calls for the whole run (e.g. kills × calls a killed worker had in flight). */
  maxExtraCalls: number;
  /** Upper bound on how often one logical call may be made (1 + the faults that could repeat it). */
  maxCallsPerLogical: number;
};

/** The broken invariants, as readable lines (empty: all hold). */
export function violations(m: RunMeasure, expect: Expectation): string[] {
  const out: string[] = [];
  if (m.runStatus !== 'completed') out.push(`run status is ${m.runStatus}, expected completed`);
  if (m.items !== m.expected) out.push(`${m.items} run items for ${m.expected} accounts`);
  if (m.distinctAccounts !== m.items) out.push(`${m.items - m.distinctAccounts} accounts have more than one run item`);
  if (m.nonTerminal > 0) out.push(`${m.nonTerminal} items not in a terminal state`);
  if (m.lost > 0) out.push(`${m.lost} accounts did not end done (${JSON.stringify(m.byStatus)})`);
  if (m.incomplete > 0) out.push(`${m.incomplete} done accounts miss a step result, artifact or review item`);
  if (m.duplicateReviewItems > 0) out.push(`${m.duplicateReviewItems} accounts with more than one review item`);
  if (m.duplicateArtifacts > 0) out.push(`${m.duplicateArtifacts} (account, workflow) pairs with more than one artifact`);
  if (m.duplicateMemory > 0) out.push(`${m.duplicateMemory} memory items written twice by the run`);
  if (m.extraCalls > expect.maxExtraCalls) out.push(`${m.extraCalls} extra model calls, allowed ${expect.maxExtraCalls}`);
  if (m.maxCallsPerLogical > expect.maxCallsPerLogical) out.push(`a single model call was made ${m.maxCallsPerLogical} times, allowed ${expect.maxCallsPerLogical}`);
  return out;
}

/** One line for the report's notes and the test log. */
export function summarize(m: RunMeasure): string {
  return [
    `items ${JSON.stringify(m.byStatus)}`,
    `ledger ${m.ledgerRows} rows / ${m.logicalCalls} logical (${JSON.stringify(m.ledgerByStatus)}), max ${m.maxCallsPerLogical} per call`,
    `dup review/artifact/memory ${m.duplicateReviewItems}/${m.duplicateArtifacts}/${m.duplicateMemory}`,
    m.incomplete ? `incomplete ${m.incomplete}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
