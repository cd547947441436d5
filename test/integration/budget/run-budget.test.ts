/**
 * The run budget against real Redis and Postgres: a hard cap under 200 concurrent callers,
 * checked exactly against the ledger; idempotent reservations; a killed worker's reservation
 * reaped at its estimate; and the state rebuilt from the ledger after Redis loses it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { books, runs } from '../../../db/schema/index.ts';
import { createBudgets, type Budgets } from '../../../src/budget/budgets.ts';
import { createRunBudget } from '../../../src/budget/run-budget.ts';
import { storeCalls, type LedgerRow } from '../../../src/run/hot-queries.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { REDIS_URL } from '../../support/pipeline.ts';

const ACCOUNT = '00000000-0000-4000-8000-000000000001';
let db: TestDb;
let redis: Redis;
let prefix: string;
let bookId: string;

beforeAll(async () => {
  db = await createTestDb();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  prefix = `test-budget-${randomUUID().slice(0, 8)}`;
  const [book] = await db.db.insert(books).values({ name: 'budget' }).returning();
  bookId = book?.id ?? '';
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.drop();
});

async function newRun(cap: { tokens: number } | { usd: number }): Promise<string> {
  const id = `run-20261122-${randomUUID().slice(0, 6)}`;
  await db.db.insert(runs).values({ id, bookId, runKey: `manual-${id}`, ...('tokens' in cap ? { budgetTokens: cap.tokens } : { budgetUsd: cap.usd }) });
  return id;
}

function finalRow(runId: string, id: string, tokens: { input: number; output: number }, costUsd: number | null = null): LedgerRow {
  return {
    id,
    run_id: runId,
    account_id: ACCOUNT,
    step: 'research',
    skill_version: null,
    model: 'claude-sonnet-5-5',
    call_kind: 'structured',
    status: 'ok',
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: costUsd,
    service_tier: null,
    request_id: null,
    error: null,
    duration_ms: 1,
  };
}

const started = (runId: string, id: string, est: number) => ({ id, runId, accountId: ACCOUNT, step: 'research', model: 'claude-sonnet-5-5', estTokens: est, estCostUsd: null });

async function ledgerTokens(runId: string): Promise<{ total: number; open: number }> {
  const [row] = await db.sql<Array<{ total: string | null; open: number }>>`
    select sum(input_tokens + output_tokens)::text as total, count(*) filter (where status = 'started')::int as open
    from llm_calls where run_id = ${runId}`;
  return { total: Number(row?.total ?? 0), open: row?.open ?? 0 };
}

/** One caller: reserve, "call" (actual ≤ estimate), write the final ledger row, settle — until denied. */
async function caller(budgets: Budgets, runId: string, n: number, seed: number): Promise<number> {
  let calls = 0;
  for (let i = 0; ; i++) {
    const est = 400 + ((seed * 7919 + i * 104_729) % 1_600);
    const id = `${runId}.${ACCOUNT}.research.a${n}.c${i}`;
    if (!(await budgets.reserve(runId, started(runId, id, est), est))) return calls;
    await new Promise((r) => setTimeout(r, (seed + i) % 3));
    const input = Math.floor(est * 0.6);
    const output = Math.floor(est * 0.3) - (i % 5);
    await storeCalls(db.sql, [finalRow(runId, id, { input, output })]);
    await budgets.settle(runId, [{ callId: id, units: input + output }]);
    calls++;
  }
}

describe('a token budget under 200 concurrent callers', () => {
  it('is never exceeded, and Redis agrees exactly with the ledger', async () => {
    const runId = await newRun({ tokens: 1_000_000 });
    const budgets = createBudgets({ redis, sql: db.sql, prefix, leaseMs: 60_000, busyPollMs: 5 });
    await budgets.open(runId, { kind: 'tokens', tokens: 1_000_000 });
    const counts = await Promise.all(Array.from({ length: 200 }, (_, n) => caller(budgets, runId, n, n + 1)));
    const ledger = await ledgerTokens(runId);
    const state = await budgets.state(runId);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    expect(ledger.open).toBe(0);
    expect(ledger.total).toBeLessThanOrEqual(1_000_000);
    // Spent close to the cap: denials came from the budget, not from a leak.
    expect(ledger.total).toBeGreaterThan(1_000_000 - 2_000);
    expect(state).toMatchObject({ spent: ledger.total, reserved: 0, exhausted: true });
  });
});

describe('a USD budget', () => {
  it('caps the ledger cost, in micro-dollars, exactly', async () => {
    const runId = await newRun({ usd: 0.25 });
    const budgets = createBudgets({ redis, sql: db.sql, prefix, leaseMs: 60_000, busyPollMs: 5 });
    await budgets.open(runId, { kind: 'usd', usd: 0.25 });
    let i = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        for (;;) {
          const id = `${runId}.${ACCOUNT}.research.a${n}.c${i++}`;
          const estMicro = 3_000;
          if (!(await budgets.reserve(runId, { ...started(runId, id, 1_000), estCostUsd: estMicro / 1e6 }, estMicro))) return;
          const cost = 0.001234; // what the call cost: within its estimate
          await storeCalls(db.sql, [finalRow(runId, id, { input: 500, output: 20 }, cost)]);
          await budgets.settle(runId, [{ callId: id, units: 1_234 }]);
        }
      }),
    );
    const [row] = await db.sql<Array<{ cost: string }>>`select sum(cost_usd)::text as cost from llm_calls where run_id = ${runId}`;
    const cost = Number(row?.cost);
    expect(cost).toBeLessThanOrEqual(0.25);
    expect(cost).toBeGreaterThan(0.25 - 0.003);
    expect((await budgets.state(runId))?.spent).toBe(Math.round(cost * 1e6));
  });
});

describe('reservations are idempotent per call attempt', () => {
  it('a repeated reserve holds one reservation and a repeated settle charges once', async () => {
    const runId = await newRun({ tokens: 10_000 });
    const budget = createRunBudget(redis, prefix);
    await budget.init(runId, { limit: 10_000, spent: 0 });
    expect((await budget.reserve(runId, 'c1', 4_000, 60_000)).kind).toBe('granted');
    const again = await budget.reserve(runId, 'c1', 4_000, 60_000);
    expect(again).toMatchObject({ kind: 'held', state: { reserved: 4_000, spent: 0 } });
    expect(await budget.settle(runId, 'c1', 3_000)).toBe('settled');
    expect(await budget.settle(runId, 'c1', 3_000)).toBe('duplicate');
    expect((await budget.reserve(runId, 'c1', 4_000, 60_000)).kind).toBe('finished');
    expect(await budget.reap(runId)).toMatchObject({ spent: 3_000, reserved: 0 });
  });

  it('waits while a call fits only once the calls in flight settle, and denies for good past the cap', async () => {
    const runId = await newRun({ tokens: 10_000 });
    const budget = createRunBudget(redis, prefix);
    await budget.init(runId, { limit: 10_000, spent: 0 });
    expect((await budget.reserve(runId, 'a', 6_000, 60_000)).kind).toBe('granted');
    expect((await budget.reserve(runId, 'b', 6_000, 60_000)).kind).toBe('busy');
    await budget.settle(runId, 'a', 1_000);
    expect((await budget.reserve(runId, 'b', 6_000, 60_000)).kind).toBe('granted');
    await budget.settle(runId, 'b', 5_000);
    expect((await budget.reserve(runId, 'c', 4_001, 60_000)).kind).toBe('denied');
    // Exhausted is sticky, so a smaller call cannot jump ahead of the one that was refused.
    expect((await budget.reserve(runId, 'd', 10, 60_000)).kind).toBe('denied');
    expect((await budget.raise(runId, 20_000))?.exhausted).toBe(false);
    expect((await budget.reserve(runId, 'd', 10, 60_000)).kind).toBe('granted');
  });
});

describe('a worker killed with an open reservation', () => {
  it('leaks nothing: the lease expires, the call is charged at its estimate, and the ledger agrees', async () => {
    const runId = await newRun({ tokens: 50_000 });
    const budgets = createBudgets({ redis, sql: db.sql, prefix, leaseMs: 60_000 });
    await budgets.open(runId, { kind: 'tokens', tokens: 50_000 });
    const script = fileURLToPath(new URL('../../fixtures/budget/hold-reservation.ts', import.meta.url));
    const callId = `${runId}.${ACCOUNT}.research.a1.c1`;
    const child = spawn(process.execPath, ['--import', 'tsx', script, REDIS_URL, prefix, db.url, runId, callId, '7000', '800'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    });
    expect(said).toBe('reserved');
    expect(await budgets.state(runId)).toMatchObject({ reserved: 7_000, spent: 0 });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    await new Promise((r) => setTimeout(r, 900));
    expect(await budgets.state(runId)).toMatchObject({ reserved: 0, spent: 7_000 });
    // The ledger still says `started`: a rebuild charges it at the same estimate.
    expect(await ledgerTokens(runId)).toMatchObject({ open: 1 });
    await createRunBudget(redis, prefix).drop(runId);
    expect(await budgets.state(runId)).toMatchObject({ reserved: 0, spent: 7_000, limit: 50_000 });
  });
});

describe('when Redis loses a run budget mid-run', () => {
  it('rebuilds it from the ledger and the cap still holds exactly', async () => {
    const runId = await newRun({ tokens: 200_000 });
    const budgets = createBudgets({ redis, sql: db.sql, prefix, leaseMs: 60_000, busyPollMs: 5 });
    await budgets.open(runId, { kind: 'tokens', tokens: 200_000 });
    const first = Promise.all(Array.from({ length: 20 }, (_, n) => caller(budgets, runId, n, n + 3)));
    await new Promise((r) => setTimeout(r, 30));
    await createRunBudget(redis, prefix).drop(runId);
    await first;
    const ledger = await ledgerTokens(runId);
    expect(ledger.open).toBe(0);
    expect(ledger.total).toBeLessThanOrEqual(200_000);
    // Calls settled after the loss were charged by the rebuild already (unknown to Redis, so not twice).
    const state = await budgets.state(runId);
    expect(state?.spent).toBeGreaterThanOrEqual(ledger.total);
    expect(state?.reserved).toBe(0);
  });
});
