/**
 * Issue 5, in-process: pause and resume, cancel, graceful shutdown that hands in-flight jobs back,
 * and reconcile after the queue lost every key of its prefix mid-run (what a Redis restart
 * without persistence does). The fault suite (test/faults/) does the same with killed processes
 * and servers; these run in `npm test` against the real Redis and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/deps.ts';
import { awaitRun } from '../../../src/run/await-run.ts';
import { cancelRun, pauseRun, unpauseRun } from '../../../src/run/control.ts';
import { startRun } from '../../../src/run/start-run.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, wipeKeys, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook } from './support.ts';

let env: PipelineEnv;
let deps: Deps;
const running: RunningWorkers[] = [];

beforeAll(async () => {
  // Model calls take a while, so a pause, a cancel or a shutdown meets calls in flight.
  env = await createPipelineEnv({ standin: { latencyMs: 40 }, env: { BOOKRUN_RECONCILE_MS: '500', BOOKRUN_SHUTDOWN_GRACE_MS: '100' } });
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: 'durable', accounts: 60, seed: 21 });
}, 60_000);

afterAll(async () => {
  for (const w of running) await w.close(0);
  await env?.cleanup();
}, 60_000);

function workers(d: Deps = deps, concurrency = 8): RunningWorkers {
  const w = startWorkers(d, concurrency);
  running.push(w);
  return w;
}

async function count(query: Promise<Array<{ n: number }>>): Promise<number> {
  return (await query)[0]?.n ?? 0;
}
const stepsStored = (runId: string) => count(env.db.sql`select count(*)::int as n from step_results where run_id = ${runId}`);
const itemsBy = async (runId: string) =>
  Object.fromEntries((await env.db.sql<Array<{ status: string; n: number }>>`select status, count(*)::int as n from run_items where run_id = ${runId} group by status`).map((r) => [r.status, r.n]));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No (run, account) with two review items, no (run, account, workflow) with two artifacts. */
async function duplicates(runId: string): Promise<number> {
  const items = await count(env.db.sql`select count(*)::int as n from (select account_id from review_items where run_id = ${runId} group by account_id having count(*) > 1) d`);
  const arts = await count(env.db.sql`select count(*)::int as n from (select 1 from artifacts where run_id = ${runId} group by account_id, workflow having count(*) > 1) d`);
  return items + arts;
}

describe('a paused run', () => {
  it('starts no step while paused, and finishes every account once resumed', async () => {
    const w = workers();
    const { runId } = await startRun(deps, { bookName: 'durable' });
    await until(async () => (await stepsStored(runId)) >= 10, 'ten steps are stored');
    expect((await pauseRun(deps, runId)).status).toBe('paused');
    // Jobs that passed the gate before the pause finish their call; the gate's status read lives 1 s.
    await new Promise((r) => setTimeout(r, 2_500));
    const atPause = await stepsStored(runId);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await stepsStored(runId)).toBe(atPause);
    expect((await itemsBy(runId))['done'] ?? 0).toBeLessThan(60);

    const resumed = await unpauseRun(deps, runId);
    expect(resumed.status).toBe('running');
    expect(resumed.jobsPromoted).toBeGreaterThan(0);
    await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(90_000) });
    expect(await itemsBy(runId)).toEqual({ done: 60 });
    expect(await duplicates(runId)).toBe(0);
    await w.close();
  }, 120_000);

  it('refuses to pause a run that is over, saying why', async () => {
    const [done] = await env.db.sql<Array<{ id: string }>>`select id from runs where status = 'completed' limit 1`;
    await expect(pauseRun(deps, done?.id ?? 'missing')).rejects.toThrow(/is completed; only a pending or running run can be paused/);
  });
});

describe('a cancelled run', () => {
  it('ends cancelled: finished accounts stay done, the rest are cancelled, and its summary says so', async () => {
    const w = workers();
    const { runId } = await startRun(deps, { bookName: 'durable' });
    await until(async () => (await stepsStored(runId)) >= 10, 'ten steps are stored');
    const result = await cancelRun(deps, runId);
    expect(result.accountsCancelled).toBeGreaterThan(0);
    const progress = await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(60_000) });
    expect(progress.status).toBe('cancelled');
    const items = await itemsBy(runId);
    expect(Object.keys(items).every((s) => s === 'done' || s === 'cancelled')).toBe(true);
    expect((items['done'] ?? 0) + (items['cancelled'] ?? 0)).toBe(60);
    const [run] = await env.db.sql<Array<{ status: string; summary: { status?: string } | null }>>`select status, summary from runs where id = ${runId}`;
    expect(run?.status).toBe('cancelled');
    expect(run?.summary?.status).toBe('cancelled');
    await expect(cancelRun(deps, runId)).rejects.toThrow(/is cancelled already/);
    await w.close();
  }, 120_000);
});

describe('when Redis loses every key of the run mid-run', () => {
  it('reconcile adds the run job and the missing jobs again, and the run completes with each account done once', async () => {
    const w = workers();
    const { runId } = await startRun(deps, { bookName: 'durable' });
    await until(async () => (await stepsStored(runId)) >= 30, 'thirty steps are stored');
    expect(await wipeKeys(env.prefix)).toBeGreaterThan(0);
    const progress = await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(90_000) });
    expect(progress.status).toBe('completed');
    expect(await itemsBy(runId)).toEqual({ done: 60 });
    expect(await duplicates(runId)).toBe(0);
    expect(env.logs.some((l) => l.includes(`reconcile: run ${runId} had no run job in the queue; added it again`))).toBe(true);
    await w.close();
  }, 120_000);
});

describe('graceful shutdown', () => {
  it('hands jobs whose grace ran out back to the queue, and another worker finishes the run', async () => {
    const slow = await env.deps({ env: { BOOKRUN_SHUTDOWN_GRACE_MS: '0' } });
    env.standin.options.latencyMs = 600;
    const first = startWorkers(slow, 8);
    const { runId } = await startRun(deps, { bookName: 'durable' });
    await until(async () => (await stepsStored(runId)) >= 4, 'four steps are stored');
    await first.close(0);
    const failedAttempts = await count(env.db.sql`select count(*)::int as n from run_items where run_id = ${runId} and status = 'failed'`);
    expect(failedAttempts).toBe(0);
    env.standin.options.latencyMs = 40;
    const second = workers();
    const progress = await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(90_000) });
    expect(progress.status).toBe('completed');
    expect(await itemsBy(runId)).toEqual({ done: 60 });
    await second.close();
  }, 120_000);
});
