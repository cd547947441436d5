/**
 * The CLI contract of a run: `bookrun run --json` prints one summary object with the documented
 * fields, and `bookrun runs list|show` read the same run back from Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook } from './support.ts';

let env: PipelineEnv;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  env = await createPipelineEnv();
  const deps = await env.deps();
  await importGeneratedBook(deps, { bookName: 'cli-book', accounts: 12, seed: 9 });
  cliEnv = { DATABASE_URL: env.db.url, REDIS_URL, BOOKRUN_QUEUE_PREFIX: env.prefix, ANTHROPIC_BASE_URL: env.standin.url, BOOKRUN_CONCURRENCY: '8' };
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

describe('when a run is started from the command line with --json', () => {
  it('prints one summary object with the documented shape, and runs list/show return the same run', async () => {
    const run = await runCli(['run', '--book', 'cli-book', '--json'], cliEnv);
    expect(run.code).toBe(0);
    expect(run.stdout).toHaveLength(1);
    const summary = JSON.parse(run.stdout[0] ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'completed', failed: 0, deferred: 0, tiers: expect.any(Object), tokens: expect.any(Object), budget: expect.any(Object) });
    for (const key of ['runId', 'accounts', 'completed', 'drafts', 'llmCalls', 'costUsd', 'seconds']) expect(summary).toHaveProperty(key);
    expect(Object.keys(summary['tiers'] as object).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(Object.keys(summary['tokens'] as object).sort()).toEqual(['cacheRead', 'cacheWrite', 'input', 'output']);
    expect(summary['completed']).toBe(summary['accounts']);
    // Progress and logs go to stderr, never stdout.
    expect(run.stderr.some((l) => l.startsWith('progress:'))).toBe(true);

    const list = await runCli(['runs', 'list', '--json'], cliEnv);
    expect(list.code).toBe(0);
    const runs = (JSON.parse(list.stdout[0] ?? '{}') as { runs: Array<{ runId: string; status: string; completed: number }> }).runs;
    expect(runs.map((r) => r.runId)).toContain(summary['runId']);

    const show = await runCli(['runs', 'show', String(summary['runId']), '--json'], cliEnv);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout[0] ?? '{}') as Record<string, unknown>;
    expect(shown).toMatchObject({ runId: summary['runId'], completed: summary['completed'], drafts: summary['drafts'], llmCalls: summary['llmCalls'], tokens: summary['tokens'] });
  }, 120_000);

  it('says which run it could not find', async () => {
    const show = await runCli(['runs', 'show', 'run-19990101-000000'], cliEnv);
    expect(show.code).toBe(1);
    expect(show.stderr.join('\n')).toContain('no run run-19990101-000000 (see: bookrun runs list)');
  });
});
