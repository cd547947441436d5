/**
 * R1's chaos half (reliability-and-security.md §6.1): during one full run, five `kill -9`s of a
 * randomly chosen worker, 2–10 s apart, each replaced at once by a fresh worker. The schedule is
 * seeded (BOOKRUN_FAULT_SEED replays one; the seed is in the report) so a failure can be rerun.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.ts';
import { describeExit } from './support/processes.ts';
import { seededRandom, sleep } from './support/wait.ts';

const KILLS = 5;
const WORKERS = 3;
const CONCURRENCY = 4;

// 12 calls in flight at 250 ms: a run of about a minute, long enough for five kills 2–10 s apart.
const harness = useHarness({ name: 'random-kills', latencyMs: 250 });

describe('when workers are killed at random moments during a run', () => {
  it(`completes the run with nothing lost or duplicated after ${KILLS} kill -9s`, async () => {
    const seed = Number(process.env['BOOKRUN_FAULT_SEED'] ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const scenario = await harness.scenario('random-kills');
    for (let i = 0; i < WORKERS; i++) await scenario.startWorker({ concurrency: CONCURRENCY });
    const startedAt = Date.now();
    const runId = await scenario.startRun();

    const log: string[] = [];
    let kills = 0;
    let ended = false;
    const isRunEnded = async () => {
      const [run] = await harness.sql<Array<{ status: string }>>`select status from runs where id = ${runId}`;
      return !!run && !['pending', 'running'].includes(run.status);
    };
    while (kills < KILLS) {
      await sleep(2_000 + random() * 8_000);
      if (await isRunEnded()) {
        ended = true;
        break;
      }
      const alive = scenario.workers().filter((w) => w.isRunning);
      const victim = alive[Math.floor(random() * alive.length)];
      if (!victim) throw new Error('no worker left to kill');
      const exit = await victim.kill9();
      kills += 1;
      log.push(`${((Date.now() - startedAt) / 1000).toFixed(1)}s ${victim.name} ${describeExit(exit)}`);
      expect(exit.signal).toBe('SIGKILL');
      await scenario.startWorker({ concurrency: CONCURRENCY });
    }

    const { violations } = await scenario.settle(runId, {
      fault: `${KILLS} random worker kill -9s (2–10 s apart)`,
      startedAt,
      kills: () => kills,
      notes: () => `seed ${seed}; concurrency ${CONCURRENCY} per worker; kills at ${log.join(', ')}`,
      // Each kill cuts off at most the calls its worker had in flight, and repeats each at most once.
      expect: { maxExtraCalls: kills * CONCURRENCY, maxCallsPerLogical: 1 + kills },
    });
    await scenario.stopWorkers();
    expect(ended, `the run ended after ${kills} kills; lengthen it (stand-in latency) so all ${KILLS} land mid-run`).toBe(false);
    expect(violations, await scenario.diagnose(runId)).toEqual([]);
  });
});
