/**
 * R7 (reliability-and-security.md §6.1): the suite's own Postgres crashes mid-run —
 * `pg_ctl stop -m immediate`, so every backend dies without a checkpoint and the restart replays
 * WAL (V9) — and comes back ~2 s later; separately, one backend is killed and the postmaster
 * crash-restarts all of them. Committed step results, ledger rows and finalized accounts
 * must survive; transactions cut off are rolled back and their jobs retried; the workers' pools
 * reconnect without the processes dying. The run must end as a run without faults would.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.ts';
import { sleep } from './support/wait.ts';

const WORKERS = 2;
const CONCURRENCY = 8;
const FAULT_AFTER_CALLS = 900;
const DOWN_MS = 2_000;

const harness = useHarness({ name: 'postgres', latencyMs: 100 });

describe('when Postgres crashes mid-run', () => {
  it('completes after pg_ctl stop -m immediate and a restart, with nothing lost', async () => {
    const scenario = await harness.scenario('pg-crash');
    for (let i = 0; i < WORKERS; i++) await scenario.startWorker({ concurrency: CONCURRENCY });
    const startedAt = Date.now();
    const runId = await scenario.startRun();
    await harness.waitForCalls(runId, FAULT_AFTER_CALLS);

    const [before] = await harness.sql<Array<{ done: number; steps: number }>>`
      select (select count(*) from run_items where run_id = ${runId} and status = 'done')::int as done,
             (select count(*) from step_results where run_id = ${runId})::int as steps`;
    const pid = harness.pg.postmasterPid();
    await harness.pg.crash();
    expect(harness.pg.postmasterPid(), 'postmaster.pid is gone after the immediate stop').toBeUndefined();
    await sleep(DOWN_MS);
    await harness.pg.start();
    const restartedPid = harness.pg.postmasterPid();

    // Nothing committed before the crash may be missing after recovery.
    const [after] = await harness.sql<Array<{ done: number; steps: number }>>`
      select (select count(*) from run_items where run_id = ${runId} and status = 'done')::int as done,
             (select count(*) from step_results where run_id = ${runId})::int as steps`;
    expect(after?.steps ?? 0).toBeGreaterThanOrEqual(before?.steps ?? 0);
    expect(after?.done ?? 0).toBeGreaterThanOrEqual(before?.done ?? 0);

    const { violations } = await scenario.settle(runId, {
      fault: `postgres pg_ctl stop -m immediate + restart (${DOWN_MS / 1000} s down)`,
      startedAt,
      kills: () => 1,
      notes: () => `postmaster ${pid} → ${restartedPid}; ${before?.steps ?? 0} step results committed at the crash`,
      // A call whose result was being written when Postgres died is made again by the retry.
      expect: { maxExtraCalls: WORKERS * CONCURRENCY, maxCallsPerLogical: 2 },
    });
    const dead = scenario.workers().filter((w) => !w.isRunning);
    await scenario.stopWorkers();
    expect(violations, await scenario.diagnose(runId)).toEqual([]);
    expect(dead.map((w) => w.tail(15)), 'workers must survive a Postgres crash').toEqual([]);
  });

  // The other half of R7 (upstream 013_crash_restart.pl): one backend dies by SIGKILL, so the
  // postmaster ends every other backend — the workers' connections included — and recovers
  // without a restart. The victim is the backend of the test's own connection (pg_backend_pid()).
  it('completes after kill -9 of a backend forces a crash restart of every connection', async () => {
    const scenario = await harness.scenario('pg-backend-kill');
    for (let i = 0; i < WORKERS; i++) await scenario.startWorker({ concurrency: CONCURRENCY });
    const startedAt = Date.now();
    const runId = await scenario.startRun();
    await harness.waitForCalls(runId, FAULT_AFTER_CALLS);

    const own = postgres(harness.pg.url, { max: 1, onnotice: () => {} });
    let backend: number | undefined;
    try {
      const [row] = await own<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
      backend = row?.pid;
      if (!backend) throw new Error('pg_backend_pid() returned nothing');
      process.kill(backend, 'SIGKILL');
    } finally {
      await own.end({ timeout: 1 }).catch(() => {});
    }

    const { violations } = await scenario.settle(runId, {
      fault: 'postgres backend kill -9 (postmaster crash-restarts every connection)',
      startedAt,
      kills: () => 1,
      notes: () => `killed backend ${backend} of the test's own connection; postmaster ${harness.pg.postmasterPid()} stayed up`,
      expect: { maxExtraCalls: WORKERS * CONCURRENCY, maxCallsPerLogical: 2 },
    });
    const dead = scenario.workers().filter((w) => !w.isRunning);
    await scenario.stopWorkers();
    expect(violations, await scenario.diagnose(runId)).toEqual([]);
    expect(dead.map((w) => w.tail(15)), 'workers must survive a Postgres crash restart').toEqual([]);
    expect(readFileSync(harness.pg.logPath, 'utf8')).toMatch(/terminated by signal 9/);
  });
});
