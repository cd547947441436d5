/**
 * The budget service of one process: which runs have a cap, reservations with the Postgres
 * mirror, settlement, and the rebuild from the ledger when Redis has lost a run's state. Steps
 * use it through src/run/step-calls.ts; `run` and `runs resume` open and raise caps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type postgres from 'postgres';
import { createBatcher } from '../run/batcher.ts';
import { InputEstimator } from './input-estimator.ts';
import { deleteStartedCalls, insertStartedCalls, ledgerSpentUnits, type StartedCall } from './ledger.ts';
import { createRunBudget, type BudgetStage, type BudgetState } from './run-budget.ts';
import { BudgetLimit, limitUnits } from './units.ts';

/** How long a refused reservation is remembered without asking Redis again. */
const REFUSAL_MEMORY_MS = 2_000;

export type Budgets = {
  estimator: InputEstimator;
  /** How long a reservation lives without being settled before it is charged at its estimate. */
  leaseMs: number;
  /** The run's cap, or null for an uncapped run. Read once per process: a run's kind of cap never changes. */
  capOf(runId: string): Promise<BudgetLimit | null>;
  /** Creates the run's Redis state from the ledger if missing, and sets its limit (start and resume). */
  open(runId: string, limit: BudgetLimit): Promise<BudgetState>;
  /**
   * Reserves `units` for a call and records it as `started` in the ledger before it goes out.
   * Waits while the call would fit but not beside the calls in flight. `false`: the budget is spent.
   */
  reserve(
    runId: string,
    call: StartedCall,
    units: number,
    /**
     * `wait: false` refuses instead of waiting for calls in flight to settle — for a batch being
     * assembled, whose reservations are its own and settle only after it is submitted.
     */
    options?: { signal?: AbortSignal | undefined; stage?: BudgetStage; leaseMs?: number; wait?: boolean },
  ): Promise<boolean>;
  /** Keeps the expected cost of an account's draft out of the research wave's reach. */
  owe(runId: string, accountId: string, units: number): Promise<void>;
  /** Settles calls whose ledger rows are final. */
  settle(runId: string, calls: ReadonlyArray<{ callId: string; units: number }>): Promise<void>;
  /** The run's state (after reaping expired leases), rebuilt from the ledger if Redis lost it. */
  state(runId: string): Promise<BudgetState | undefined>;
  /** Forgets the cached cap (after a resume changed it). */
  forget(runId: string): void;
};

export type BudgetsOptions = {
  redis: Redis;
  sql: postgres.Sql;
  /** The queue prefix; budget keys live beside the queues, under the same hash tag. */
  prefix: string;
  leaseMs: number;
  /** How long a busy reservation waits before asking again. @defaultValue 100 */
  busyPollMs?: number;
};

export function createBudgets(options: BudgetsOptions): Budgets {
  const { redis, sql, prefix, leaseMs } = options;
  const busyPollMs = options.busyPollMs ?? 100;
  const budget = createRunBudget(redis, prefix);
  const caps = new Map<string, Promise<BudgetLimit | null>>();
  // `started` rows are group-committed: a turn's reservations share one insert.
  const insertStarted = createBatcher((calls: StartedCall[]) => insertStartedCalls(sql, calls), { maxBatch: 128, maxInFlight: 1 });
  const deleteStarted = createBatcher((ids: string[]) => deleteStartedCalls(sql, ids), { maxBatch: 128, maxInFlight: 1 });
  // A refusal is remembered briefly per run and stage, so the accounts behind an exhausted budget
  // are deferred without a round trip each; briefly, because a resume raises the budget.
  const refused = new Map<string, number>();

  const capOf = (runId: string): Promise<BudgetLimit | null> => {
    let cap = caps.get(runId);
    if (!cap) {
      cap = readCap(sql, runId);
      cap.catch(() => caps.delete(runId));
      caps.set(runId, cap);
      if (caps.size > 1_000) caps.delete(caps.keys().next().value as string);
    }
    return cap;
  };

  /** Redis lost the run's state (or never had it): rebuild it from the ledger. */
  const rebuild = async (runId: string): Promise<BudgetState | undefined> => {
    const cap = await capOf(runId);
    if (!cap) return undefined;
    const spent = await ledgerSpentUnits(sql, runId, cap.kind);
    return budget.init(runId, { limit: limitUnits(cap), spent });
  };

  return {
    estimator: new InputEstimator(),
    leaseMs,
    capOf,

    async open(runId, limit) {
      const state = (await budget.reap(runId)) ?? (await rebuild(runId));
      const units = limitUnits(limit);
      if (state && state.limit === units && !state.exhausted) return state;
      return (await budget.raise(runId, units)) ?? (await budget.init(runId, { limit: units, spent: await ledgerSpentUnits(sql, runId, limit.kind) }));
    },

    async reserve(runId, call, units, options = {}) {
      const stage = options.stage ?? 'draft';
      const refusedAt = refused.get(`${runId}/${stage}`);
      if (refusedAt !== undefined && Date.now() - refusedAt < REFUSAL_MEMORY_MS) return false;
      // The ledger knows of the call before Redis does: a rebuild in between still charges it.
      await insertStarted(call);
      for (let rebuilt = false; ; ) {
        const r = await budget.reserve(runId, call.id, units, options.leaseMs ?? leaseMs, stage);
        switch (r.kind) {
          case 'granted':
          case 'held':
            return true;
          case 'denied':
          case 'kept':
            refused.set(`${runId}/${stage}`, Date.now());
            if (r.kind === 'denied') refused.set(`${runId}/research`, Date.now());
            await deleteStarted(call.id);
            return false;
          case 'finished':
            throw new Error(`budget call id ${call.id} was already settled; call ids must name one attempt`);
          case 'busy':
            if (options.wait === false) {
              await deleteStarted(call.id);
              return false;
            }
            await sleep(busyPollMs, undefined, { signal: options.signal });
            break;
          case 'missing':
            if (rebuilt) throw new Error(`the budget of run ${runId} could not be rebuilt in Redis`);
            await rebuild(runId);
            rebuilt = true;
            break;
        }
      }
    },

    async owe(runId, accountId, units) {
      await budget.owe(runId, accountId, units);
    },

    async settle(runId, calls) {
      // An unknown call means the state was rebuilt after it was reserved: the ledger already charged it.
      await Promise.all(calls.map((c) => budget.settle(runId, c.callId, c.units)));
    },

    async state(runId) {
      return (await budget.reap(runId)) ?? (await rebuild(runId));
    },

    forget(runId) {
      caps.delete(runId);
      for (const key of refused.keys()) if (key.startsWith(`${runId}/`)) refused.delete(key);
    },
  };
}

async function readCap(sql: postgres.Sql, runId: string): Promise<BudgetLimit | null> {
  const [row] = await sql<Array<{ budget_tokens: string | null; budget_usd: string | null }>>`
    select budget_tokens::text, budget_usd::text from runs where id = ${runId}`;
  if (!row) return null;
  if (row.budget_usd !== null) return BudgetLimit.parse({ kind: 'usd', usd: Number(row.budget_usd) });
  if (row.budget_tokens !== null) return BudgetLimit.parse({ kind: 'tokens', tokens: Number(row.budget_tokens) });
  return null;
}
