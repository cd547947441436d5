/**
 * A run's hard spend cap in Redis: reserve before a model call, settle after it, reap the
 * reservations of dead workers (./budget-script.ts holds the atomic logic). Amounts are integer
 * "units" — tokens for a token budget, micro-dollars for a USD budget (./units.ts); this module
 * does not care which.
 *
 * Redis is not the truth: the Postgres ledger is (./ledger-rebuild.ts). When Redis has lost a
 * run's state, `reserve` says so and the caller rebuilds it from the ledger.
 */
import type { Redis } from 'ioredis';
import { BUDGET_LUA } from './budget-script.ts';

/** Budget keys outlive any run by far; they are rebuilt from Postgres if they do expire. */
const KEY_TTL_MS = 14 * 24 * 3600_000;

export type BudgetState = { spent: number; reserved: number; limit: number; exhausted: boolean };

export type ReserveResult =
  | { kind: 'granted'; state: BudgetState }
  /** The same call id reserved before (a network retry of reserve): its lease was extended. */
  | { kind: 'held'; state: BudgetState }
  /** This call id was settled or reaped already: the attempt it names is over. */
  | { kind: 'finished'; state: BudgetState }
  | { kind: 'denied'; state: BudgetState }
  /** A research-wave call that would eat into what is kept for drafts: the research wave is over. */
  | { kind: 'kept'; state: BudgetState }
  /** It would fit, but not beside the calls in flight: ask again once some have settled. */
  | { kind: 'busy'; state: BudgetState }
  /** Redis holds no state for the run: rebuild it from the ledger, then reserve again. */
  | { kind: 'missing' };

/** Which wave a call belongs to: the research wave leaves room for the drafts it found. */
export type BudgetStage = 'research' | 'draft';

/** The wave of a step: drafting is the draft wave, research and prioritization the research wave. */
export function budgetStage(step: string): BudgetStage {
  return step === 'draft' ? 'draft' : 'research';
}

export type SettleResult = 'settled' | 'duplicate' | 'unknown' | 'missing';

export type RunBudget = {
  /** `stage` research: the call must also leave what is owed to drafts (see `owe`). */
  reserve(runId: string, callId: string, units: number, leaseMs: number, stage?: BudgetStage): Promise<ReserveResult>;
  /** Keeps `units` for an account's coming draft from the research wave (once per account and pass). */
  owe(runId: string, accountId: string, units: number): Promise<void>;
  settle(runId: string, callId: string, units: number): Promise<SettleResult>;
  /** Creates the run's state unless it exists; returns the state either way. */
  init(runId: string, state: { limit: number; spent: number }): Promise<BudgetState>;
  /** A new limit (a resume with more budget); clears `exhausted`. `undefined` when there is no state. */
  raise(runId: string, limit: number): Promise<BudgetState | undefined>;
  /** Charges expired leases at their estimate and returns the state, or `undefined`. */
  reap(runId: string): Promise<BudgetState | undefined>;
  /** Removes the run's budget keys (tests, and a run whose state must be rebuilt). */
  drop(runId: string): Promise<void>;
};

type Reply = [number, number, number, number, number];
type BudgetCommand = (state: string, calls: string, leases: string, owed: string, ...argv: Array<string | number>) => Promise<Reply>;

const COMMAND = 'bookrunBudget';

export function createRunBudget(redis: Redis, prefix: string): RunBudget {
  const client = redis as Redis & { [COMMAND]?: BudgetCommand };
  // defineCommand sends EVALSHA and falls back to EVAL once per connection (script cache misses).
  if (!client[COMMAND]) redis.defineCommand(COMMAND, { numberOfKeys: 4, lua: BUDGET_LUA });
  const command = (client as Redis & Record<typeof COMMAND, BudgetCommand>)[COMMAND].bind(client);
  const keys = (runId: string) => {
    const base = `${prefix}:budget:${runId}`;
    return [`${base}:state`, `${base}:calls`, `${base}:leases`, `${base}:owed`] as const;
  };
  const call = (runId: string, op: string, ...args: Array<string | number>) => command(...keys(runId), op, KEY_TTL_MS, ...args);
  const stateOf = (r: Reply): BudgetState => ({ spent: r[1], reserved: r[2], limit: r[3], exhausted: r[4] === 1 });

  return {
    async reserve(runId, callId, units, leaseMs, stage = 'draft') {
      const r = await call(runId, 'reserve', callId, integer(units, 'units'), integer(leaseMs, 'leaseMs'), stage);
      switch (r[0]) {
        case 1:
          return { kind: 'granted', state: stateOf(r) };
        case 2:
          return { kind: 'held', state: stateOf(r) };
        case 3:
          return { kind: 'finished', state: stateOf(r) };
        case 0:
          return { kind: 'denied', state: stateOf(r) };
        case 5:
          return { kind: 'busy', state: stateOf(r) };
        case 6:
          return { kind: 'kept', state: stateOf(r) };
        default:
          return { kind: 'missing' };
      }
    },
    async owe(runId, accountId, units) {
      await call(runId, 'owe', accountId, integer(units, 'units'));
    },
    async settle(runId, callId, units) {
      const r = await call(runId, 'settle', callId, integer(units, 'units'));
      return r[0] === 1 ? 'settled' : r[0] === 0 ? 'duplicate' : r[0] === 4 ? 'unknown' : 'missing';
    },
    async init(runId, state) {
      return stateOf(await call(runId, 'init', integer(state.limit, 'limit'), integer(state.spent, 'spent')));
    },
    async raise(runId, limit) {
      const r = await call(runId, 'raise', integer(limit, 'limit'));
      return r[0] === -1 ? undefined : stateOf(r);
    },
    async reap(runId) {
      const r = await call(runId, 'reap');
      return r[0] === -1 ? undefined : stateOf(r);
    },
    async drop(runId) {
      await redis.del(...keys(runId));
    },
  };
}

/** Lua numbers are doubles and the script does integer arithmetic: reject anything else early. */
function integer(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`budget ${name} must be a whole number ≥ 0, got ${value}`);
  return value;
}
