/**
 * R1 at the named crash points (reliability-and-security.md §6.1): a worker SIGKILLs itself at
 * before_call (budget reserved, nothing sent), after_call (model answered, nothing stored) or
 * after_write (step committed, job not acked) mid-run. Its jobs come back after the lock expires,
 * a replacement worker joins, and the run must complete with every account done once, no
 * duplicate review item, artifact or memory item, and at most one extra model call for the kill.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.ts';
import type { ManagedProcess } from './support/processes.ts';
import { sleep } from './support/wait.ts';

/**
 * Passes of the crash point before the armed worker dies. The armed worker makes about a
 * seventeenth of the run's ~2,700 calls (concurrency 1 beside a worker of 16), so 40 passes land
 * about a quarter of the way through the run.
 */
const FAULT_SKIP = 40;

const harness = useHarness({ name: 'worker-crash', latencyMs: 100 });

/** Resolves with the worker's exit, or throws if the run ends (or time runs out) while it still lives. */
async function untilDead(worker: ManagedProcess, runId: string, timeoutMs: number): Promise<NonNullable<ManagedProcess['exit']>> {
  const deadline = Date.now() + timeoutMs;
  while (worker.isRunning) {
    const [run] = await harness.sql<Array<{ status: string }>>`select status from runs where id = ${runId}`;
    if (run && !['pending', 'running'].includes(run.status)) throw new Error(`run ${runId} ended (${run.status}) before ${worker.name} reached its crash point; lower FAULT_SKIP`);
    if (Date.now() > deadline) throw new Error(`${worker.name} did not reach its crash point within ${timeoutMs / 1000} s\n${worker.tail(20)}`);
    await sleep(200);
  }
  return (await worker.exited) as NonNullable<ManagedProcess['exit']>;
}

describe('when a worker is killed at a named crash point', () => {
  for (const point of ['before_call', 'after_call', 'after_write'] as const) {
    it(`completes the run with nothing lost or duplicated (${point})`, async () => {
      const scenario = await harness.scenario(`crash-${point.replace('_', '-')}`);
      await scenario.startWorker({ concurrency: 16 });
      // Concurrency 1: exactly one job is in flight when it dies, so "one extra call per kill" is exact.
      const armed = await scenario.startWorker({ concurrency: 1, env: { BOOKRUN_FAULT_AT: point, BOOKRUN_FAULT_SKIP: String(FAULT_SKIP) } });
      const startedAt = Date.now();
      const runId = await scenario.startRun();

      const exit = await untilDead(armed, runId, 120_000);
      expect(exit.signal, armed.tail(10)).toBe('SIGKILL');
      expect(armed.output('stderr').join('\n')).toContain(`crash point ${point} reached`);
      const diedAfter = (exit.at - startedAt) / 1000;
      await scenario.startWorker({ concurrency: 1 });

      const { measure, violations } = await scenario.settle(runId, {
        fault: `worker kill -9 at ${point}`,
        startedAt,
        kills: () => 1,
        notes: () => `armed worker died ${diedAfter.toFixed(1)} s into the run`,
        expect: { maxExtraCalls: 1, maxCallsPerLogical: 2 },
      });
      await scenario.stopWorkers();
      expect(violations, await scenario.diagnose(runId)).toEqual([]);
      // after_write: the step was stored before the kill, so its retry is a memo hit and spends nothing.
      if (point === 'after_write') expect(measure.extraCalls).toBe(0);
    });
  }
});
