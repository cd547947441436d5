/**
 * Redis faults mid-run, on the suite's own redis-server (reliability-and-security.md §6.1):
 * - R4: `kill -9` and restart on the same dir; AOF `everysec` brings the queue back and the
 *   workers reconnect by themselves (V5).
 * - R3: `kill -9`, data files deleted, restart empty — every job, lock and budget key is gone.
 *   Postgres still knows the run, and the periodic reconcile (BOOKRUN_RECONCILE_MS) must rebuild
 *   the queue from it (queue-and-durability.md §6.4).
 * Both must end like a run without faults: every account done once, nothing duplicated, and at
 * most the calls in flight at the fault made again.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.ts';

const WORKERS = 2;
const CONCURRENCY = 8;
/** About a third of a run's ~2,700 calls: the fault lands mid-run, in the research wave. */
const FAULT_AFTER_CALLS = 900;
/** The outage: shorter than the 4 s lock, so jobs in flight may keep their locks across it. */
const DOWN_MS = 2_000;

const harness = useHarness({ name: 'redis', latencyMs: 100 });

/** What the workers' reconcile reported re-adding (src/run/reconcile.ts logs each repair). */
function reconciled(lines: string[]): string {
  if (lines.length === 0) return 'reconcile re-added nothing';
  const sum = (re: RegExp) => lines.reduce((n, l) => n + Number(re.exec(l)?.[1] ?? 0), 0);
  return `reconcile re-added ${sum(/(\d+) research chains/)} research chains and ${sum(/(\d+) draft jobs/)} draft jobs (${lines.length} repairs)`;
}

async function callCount(runId: string): Promise<number> {
  const [row] = await harness.sql<Array<{ n: number }>>`select count(*)::int as n from llm_calls where run_id = ${runId}`;
  return row?.n ?? 0;
}

describe('when Redis fails mid-run', () => {
  it('completes after a kill -9 and restart with AOF (the queue survives)', async () => {
    const scenario = await harness.scenario('redis-restart');
    for (let i = 0; i < WORKERS; i++) await scenario.startWorker({ concurrency: CONCURRENCY });
    const startedAt = Date.now();
    const runId = await scenario.startRun();
    await harness.waitForCalls(runId, FAULT_AFTER_CALLS);

    const atFault = await callCount(runId);
    await harness.redis.restart(DOWN_MS);
    // R4: the workers resume by themselves, without a restart of their own.
    await harness.waitForCalls(runId, atFault + 100, 30_000);

    const { violations } = await scenario.settle(runId, {
      fault: `redis kill -9 + restart, AOF everysec (${DOWN_MS / 1000} s down)`,
      startedAt,
      kills: () => 1,
      notes: () => `fault at ${atFault} calls; ${reconciled(scenario.logLines(/^reconcile:/))}`,
      expect: { maxExtraCalls: WORKERS * CONCURRENCY, maxCallsPerLogical: 2 },
    });
    const dead = scenario.workers().filter((w) => !w.isRunning);
    await scenario.stopWorkers();
    expect(violations, await scenario.diagnose(runId)).toEqual([]);
    expect(dead.map((w) => w.tail(15)), 'workers must survive a Redis restart').toEqual([]);
  });

  // R3 relies on reconcile (src/run/reconcile.ts). In the research wave the wipe takes the account
  // chains and the waiting run job; in the draft wave, the draft jobs and the run job again.
  for (const wave of [
    { name: 'research wave', afterCalls: FAULT_AFTER_CALLS },
    // The research wave is ~2,000 calls (research + prioritize per account); drafts come after.
    { name: 'draft wave', afterCalls: 2_250 },
  ]) {
    it(`completes after Redis loses everything in the ${wave.name} (reconcile rebuilds the queue from Postgres)`, async () => {
      const scenario = await harness.scenario(`redis-wipe-${wave.name.split(' ')[0]}`);
      for (let i = 0; i < WORKERS; i++) await scenario.startWorker({ concurrency: CONCURRENCY });
      const startedAt = Date.now();
      const runId = await scenario.startRun();
      await harness.waitForCalls(runId, wave.afterCalls);

      const atFault = await callCount(runId);
      await harness.redis.wipe(DOWN_MS);

      const { violations } = await scenario.settle(runId, {
        fault: `redis wiped in the ${wave.name} (kill -9, data deleted, ${DOWN_MS / 1000} s down)`,
        startedAt,
        kills: () => 1,
        notes: () => `fault at ${atFault} calls; ${reconciled(scenario.logLines(/^reconcile:/))}`,
        // Calls in flight at the wipe may be made again once reconcile re-enqueues their steps.
        expect: { maxExtraCalls: WORKERS * CONCURRENCY, maxCallsPerLogical: 2 },
        timeoutMs: 120_000,
      });
      const dead = scenario.workers().filter((w) => !w.isRunning);
      await scenario.stopWorkers();
      expect(violations, await scenario.diagnose(runId)).toEqual([]);
      expect(dead.map((w) => w.tail(15)), 'workers must survive a Redis wipe').toEqual([]);
    });
  }
});
