/**
 * Provider limits in a real run: a storm of 429s from the stand-in slows the run but fails no
 * account and burns no job attempts, and a run against tight RPM limits is paced by the
 * fleet-wide limiter instead of hammering the server into 429s.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { startWorkers } from '../../../src/run/workers.ts';
import { importGeneratedBook, runBook } from '../pipeline/support.ts';

const envs: PipelineEnv[] = [];
afterAll(async () => {
  for (const env of envs) await env.cleanup();
}, 60_000);

async function statuses(env: PipelineEnv, runId: string): Promise<Record<string, number>> {
  const rows = await env.db.sql<Array<{ status: string; n: number }>>`select status, count(*)::int as n from llm_calls where run_id = ${runId} group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('a 429 storm', () => {
  it('slows the run but fails no account, and uses no job attempts', async () => {
    // Three calls in ten are refused with 429; the SDK does not retry them itself.
    const env = await createPipelineEnv({ standin: { faultRate: 0.3, faultKinds: ['429'] }, env: { BOOKRUN_LLM_MAX_RETRIES: '0' } });
    envs.push(env);
    const deps = await env.deps();
    await importGeneratedBook(deps, { bookName: 'storm', accounts: 40, seed: 3 });
    const workers = startWorkers(deps, 8);
    try {
      const run = await runBook(deps, 'storm');
      expect(run.summary).toMatchObject({ status: 'completed', failed: 0, deferred: 0 });
      expect(run.summary.completed).toBe(run.summary.accounts);
      expect((await statuses(env, run.runId))['rate_limited'] ?? 0).toBeGreaterThan(10);
      // A 429 never counts as a failed attempt: no job recorded a failure, though many were
      // started again after the fleet's pause.
      const jobs = await deps.queues.llm.getJobs(['completed'], 0, 1_000);
      expect(jobs.length).toBe(run.summary.accounts * 3);
      expect(jobs.filter((j) => (j.stacktrace ?? []).length > 0)).toEqual([]);
      expect(Math.max(...jobs.map((j) => j.attemptsStarted))).toBeGreaterThan(1);
    } finally {
      await workers.close();
    }
  }, 180_000);
});

describe('tight provider limits', () => {
  it('are met by pacing: the run completes with (almost) no 429s', async () => {
    // About 80 calls against 60 a minute: a third of them must wait for the bucket to refill.
    // One model: the stand-in keeps one bucket for the whole organization, the API one per model.
    const env = await createPipelineEnv({
      standin: { rpm: 60 },
      env: { BOOKRUN_LLM_MAX_RETRIES: '0', BOOKRUN_PROVIDER_RPM: '60', BOOKRUN_MODEL: 'claude-sonnet-5-5' },
    });
    envs.push(env);
    const deps = await env.deps();
    await importGeneratedBook(deps, { bookName: 'paced', accounts: 30, seed: 4 });
    const workers = startWorkers(deps, 16);
    try {
      const run = await runBook(deps, 'paced');
      expect(run.summary).toMatchObject({ status: 'completed', failed: 0 });
      const s = await statuses(env, run.runId);
      expect(s['ok']).toBe(run.summary.llmCalls - (s['rate_limited'] ?? 0));
      // The limiter keeps a safety margin under the server's bucket: at most a few stray 429s
      // (a busy machine can delay a call past the margin), where unpaced calls would meet ~20.
      expect(s['rate_limited'] ?? 0, JSON.stringify(s)).toBeLessThanOrEqual(5);
      expect(run.summary.llmCalls).toBeGreaterThan(60);
      // Paced, not burst: the calls past the first minute's allowance waited for the refill.
      expect(run.summary.seconds, `${run.summary.llmCalls} calls`).toBeGreaterThan(((run.summary.llmCalls - 60) / 60) * 60 * 0.8);
    } finally {
      await workers.close();
    }
  }, 180_000);
});
