/**
 * The Postgres side of the budget: every call gets an `llm_calls` row with status `started` and
 * its estimate *before* it is reserved (so a rebuild between the reservation and the request
 * cannot miss it), removed again if the reservation is refused; the step's ledger write later turns
 * it into the call's real usage (src/run/hot-queries.ts). So the ledger alone can rebuild a run's
 * budget exactly when Redis has lost it: settled calls at what they cost, calls still `started`
 * (in flight, or their worker died) at their estimate — the same rule the Lua reaper applies.
 */
import type postgres from 'postgres';
import type { BudgetKind } from './units.ts';

export type StartedCall = {
  id: string;
  runId: string;
  accountId: string;
  step: string;
  model: string;
  estTokens: number;
  estCostUsd: number | null;
};

const INSERT_STARTED = `
  insert into llm_calls (id, run_id, account_id, step, model, call_kind, status, est_tokens, est_cost_usd)
  select id, run_id, account_id, step, model, 'pending', 'started', est_tokens, est_cost_usd
  from jsonb_to_recordset($1::text::jsonb) as x(id text, run_id text, account_id uuid, step text, model text, est_tokens int, est_cost_usd numeric)
  on conflict (id) do nothing`;

/** Inserts `started` rows (a repeat of the same call id changes nothing). One statement for any number. */
export async function insertStartedCalls(sql: postgres.Sql, calls: StartedCall[]): Promise<void[]> {
  if (calls.length > 0) {
    const rows = calls.map((c) => ({
      id: c.id,
      run_id: c.runId,
      account_id: c.accountId,
      step: c.step,
      model: c.model,
      est_tokens: c.estTokens,
      est_cost_usd: c.estCostUsd,
    }));
    await sql.unsafe(INSERT_STARTED, [JSON.stringify(rows)]);
  }
  return calls.map(() => undefined);
}

/**
 * What the run has spent according to the ledger, in budget units: finished calls at their
 * usage, `started` calls at their estimate.
 */
export async function ledgerSpentUnits(sql: postgres.Sql, runId: string, kind: BudgetKind): Promise<number> {
  const [row] =
    kind === 'tokens'
      ? await sql<Array<{ units: string | null }>>`
          select sum(case when status = 'started' then coalesce(est_tokens, 0)
                     else input_tokens + output_tokens + cache_read_tokens + cache_write_tokens end)::text as units
          from llm_calls where run_id = ${runId}`
      : await sql<Array<{ units: string | null }>>`
          select round(sum(case when status = 'started' then coalesce(est_cost_usd, 0) else coalesce(cost_usd, 0) end) * 1000000)::text as units
          from llm_calls where run_id = ${runId}`;
  return Number(row?.units ?? 0);
}

/** Removes the `started` rows of calls whose reservation was refused: they were never sent. */
export async function deleteStartedCalls(sql: postgres.Sql, ids: string[]): Promise<void[]> {
  if (ids.length > 0) await sql.unsafe(`delete from llm_calls where status = 'started' and id = any($1::text[])`, [ids]);
  return ids.map(() => undefined);
}
