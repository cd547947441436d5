/**
 * R11, a deploy during a run (reliability-and-security.md §6.1; queue-and-durability.md §2.10):
 * SIGTERM to a worker mid-run. It stops taking jobs, lets active ones finish for up to
 * BOOKRUN_SHUTDOWN_GRACE_MS, then aborts the rest and hands them back, and exits — within its
 * grace deadline. A new worker takes its place (as a deploy would start one) and the run completes
 * with nothing lost. Two cases: calls shorter than the grace (they drain, nothing is repeated) and
 * calls longer than it (they are cut off and made again elsewhere, once each at most).
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.ts';
import { describeExit } from './support/processes.ts';

/**
 * Time a worker may take past its grace to close its Redis and Postgres clients and exit
 * (measured: 0.4–0.6 s). Below the deadline case's call length, so a worker that waited for its
 * calls instead of cutting them off would miss the deadline.
 */
const EXIT_SLACK_MS = 1_500;
const FAULT_AFTER_CALLS = 900;

const harness = useHarness({ name: 'sigterm', latencyMs: 300 });

type Case = {
  label: string;
  latencyMs: number;
  graceMs: number;
  concurrency: number;
  /** Extra calls allowed: 0 when every active call fits in the grace. */
  maxExtraCalls: number;
};

const CASES: Case[] = [
  { label: 'sigterm-drain', latencyMs: 300, graceMs: 3_000, concurrency: 16, maxExtraCalls: 0 },
  // Calls of 3 s against a 0.5 s grace: the worker must cut them off rather than wait them out.
  // High concurrency keeps the 1,000-account run under a minute at this latency.
  { label: 'sigterm-deadline', latencyMs: 3_000, graceMs: 500, concurrency: 120, maxExtraCalls: 120 },
];

describe('when a worker gets SIGTERM mid-run', () => {
  for (const c of CASES) {
    it(`exits within its ${c.graceMs / 1000} s grace and the run completes elsewhere (calls of ${c.latencyMs} ms)`, async () => {
      const scenario = await harness.scenario(c.label, { latencyMs: c.latencyMs });
      const env = { BOOKRUN_SHUTDOWN_GRACE_MS: String(c.graceMs) };
      const leaving = await scenario.startWorker({ concurrency: c.concurrency, env });
      await scenario.startWorker({ concurrency: c.concurrency, env });
      const startedAt = Date.now();
      const runId = await scenario.startRun();
      await harness.waitForCalls(runId, FAULT_AFTER_CALLS, 180_000);

      const signalledAt = Date.now();
      expect(leaving.signal('SIGTERM')).toBe(true);
      const exit = await leaving.exited;
      const exitMs = exit.at - signalledAt;
      // The deploy's new worker.
      await scenario.startWorker({ concurrency: c.concurrency, env });

      const { violations } = await scenario.settle(runId, {
        fault: `worker SIGTERM, grace ${c.graceMs / 1000} s, calls of ${c.latencyMs} ms`,
        startedAt,
        kills: () => 1,
        notes: () => `worker exited ${exitMs} ms after SIGTERM (${describeExit(exit)})`,
        expect: { maxExtraCalls: c.maxExtraCalls, maxCallsPerLogical: 2 },
      });
      await scenario.stopWorkers();
      expect(exit, leaving.tail(15)).toMatchObject({ code: 0, signal: null });
      expect(exitMs, leaving.tail(15)).toBeLessThanOrEqual(c.graceMs + EXIT_SLACK_MS);
      expect(violations, await scenario.diagnose(runId)).toEqual([]);
    });
  }
});
