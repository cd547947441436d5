/**
 * A schedule fired through the real workers (`startWorkers`, the same ones `bookrun worker` runs):
 * the nightly job starts the night's run, the run completes, and later fires the same night
 * attach to the finished run and start nothing.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '../../../db/schema/index.ts';
import type { Deps } from '../../../src/deps.ts';
import { awaitRun } from '../../../src/run/await-run.ts';
import { startWorkers } from '../../../src/run/workers.ts';
import { fireTimeOf, nightKey, removeSchedule, setSchedule } from '../../../src/schedule/index.ts';
import { importGeneratedBook } from '../pipeline/support.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';

let env: PipelineEnv;
let deps: Deps;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: 'worker-book', accounts: 6, seed: 3 });
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

describe('when the workers take a nightly fire', () => {
  it('starts and completes the night, and later fires of that night attach without a second run', async () => {
    const set = await setSchedule(deps, { bookName: 'worker-book', cron: '*/2 * * * * *', tz: 'UTC' });
    const workers = startWorkers(deps, 4);
    try {
      const deadline = Date.now() + 30_000;
      let run: { id: string; runKey: string } | undefined;
      while (!run && Date.now() < deadline) {
        [run] = await deps.db.select({ id: runs.id, runKey: runs.runKey }).from(runs).where(eq(runs.trigger, 'schedule'));
        if (!run) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!run) throw new Error('no scheduled run started within 30 s');
      const progress = await awaitRun(deps.db, run.id, { pollMs: 100, signal: AbortSignal.timeout(60_000) });
      expect(progress.status).toBe('completed');

      // Two more fires (every 2 s) after the run completed.
      const completedAt = Date.now();
      const attached = async () =>
        (await deps.queues.run.getJobs(['completed'])).filter((j) => j.name === 'nightly' && j.repeatJobKey === set.scheduleId && fireTimeOf(j) > completedAt);
      while ((await attached()).length < 2 && Date.now() < deadline + 30_000) await new Promise((resolve) => setTimeout(resolve, 200));
      const fired = await attached();
      expect(fired.length).toBeGreaterThanOrEqual(2);
      const night = run.runKey;
      const later = fired.filter((j) => nightKey(fireTimeOf(j), 'UTC') === night);
      for (const job of later) expect(job.returnvalue).toEqual({ runId: run.id, created: false, runKey: run.runKey });
      const rows = await deps.db.select({ id: runs.id }).from(runs).where(and(eq(runs.trigger, 'schedule'), eq(runs.runKey, run.runKey)));
      expect(rows).toHaveLength(1);
    } finally {
      await removeSchedule(deps, { bookName: 'worker-book' });
      await workers.close();
    }
  }, 120_000);
});
