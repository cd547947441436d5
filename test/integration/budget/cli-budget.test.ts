/**
 * The budget from the command line: `run --dry-run` forecasts without spending, `run
 * --budget-usd` with too little ends cleanly with deferrals and says how to finish, `runs
 * resume` finishes it, and bad budget flags are usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/run/summary.ts';
import { runCli } from '../../support/cli.ts';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook } from '../pipeline/support.ts';

let env: PipelineEnv;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  env = await createPipelineEnv();
  const deps = await env.deps();
  await importGeneratedBook(deps, { bookName: 'cli-budget', accounts: 30, seed: 5 });
  cliEnv = { DATABASE_URL: env.db.url, REDIS_URL, BOOKRUN_QUEUE_PREFIX: env.prefix, ANTHROPIC_BASE_URL: env.standin.url, BOOKRUN_CONCURRENCY: '8' };
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

const calls = async () => (await env.db.sql<Array<{ n: number }>>`select count(*)::int as n from llm_calls`)[0]?.n ?? -1;

describe('bookrun run --dry-run', () => {
  it('forecasts per stage and model, spends nothing, and says whether the budget covers it', async () => {
    const before = await calls();
    const out = await runCli(['run', '--book', 'cli-budget', '--dry-run', '--budget-usd', '0.01', '--json'], cliEnv);
    expect(out.code).toBe(0);
    const forecast = JSON.parse(out.stdout[0] ?? '{}') as { stages: Array<{ step: string; model: string; costUsd: number }>; total: { costUsd: number }; budget: { fits: boolean } };
    expect(forecast.stages.map((s) => s.step)).toEqual(['research', 'prioritize', 'draft']);
    expect(forecast.total.costUsd).toBeGreaterThan(0.01);
    expect(forecast.budget.fits).toBe(false);
    expect(await calls()).toBe(before);

    const text = await runCli(['run', '--book', 'cli-budget', '--dry-run'], cliEnv);
    expect(text.code).toBe(0);
    expect(text.stdout.join('\n')).toMatch(/Forecast for \d+ accounts/);
  }, 60_000);
});

describe('a run whose budget runs out, from the command line', () => {
  it("exits 0 with deferrals and a resume hint, and runs resume finishes it (the cap is the book's default)", async () => {
    const set = await runCli(['book', 'budget', 'cli-budget', '--usd', '0.25', '--json'], cliEnv);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout[0] ?? '{}')).toEqual({ book: 'cli-budget', budget: { kind: 'usd', usd: 0.25 } });
    const run = await runCli(['run', '--book', 'cli-budget'], cliEnv);
    expect(run.code).toBe(0);
    const text = run.stdout.join('\n');
    expect(text).toContain('completed_with_deferrals');
    const hint = /finish with: (bookrun runs resume (\S+) --budget-usd (\d+))/.exec(text);
    expect(hint).not.toBeNull();
    const runId = hint?.[2] ?? '';

    const resumed = await runCli(['runs', 'resume', runId, '--budget-usd', '5', '--json'], cliEnv);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout[0] ?? '{}') as RunSummary;
    expect(summary).toMatchObject({ runId, status: 'completed', deferred: 0, failed: 0 });
    expect(summary.completed).toBe(summary.accounts);
    expect(summary.budget.limitUsd).toBe(5);

    const again = await runCli(['runs', 'resume', runId], cliEnv);
    expect(again.code).toBe(1);
    expect(again.stderr.join('\n')).toContain('has no accounts deferred for budget');

    const cleared = await runCli(['book', 'budget', 'cli-budget', '--none'], cliEnv);
    expect(cleared.stdout.join('\n')).toContain('no default budget');
  }, 120_000);

  it('rejects two caps, and a cap that is not a positive amount, as usage errors', async () => {
    const both = await runCli(['run', '--book', 'cli-budget', '--budget-usd', '5', '--budget-tokens', '1000'], cliEnv);
    expect(both.code).toBe(2);
    expect(both.stderr.join('\n')).toContain('either --budget-tokens or --budget-usd');
    const bad = await runCli(['run', '--book', 'cli-budget', '--budget-usd', 'lots'], cliEnv);
    expect(bad.code).toBe(2);
    const two = await runCli(['book', 'budget', 'cli-budget', '--usd', '5', '--none'], cliEnv);
    expect(two.code).toBe(2);
    const missing = await runCli(['book', 'budget', 'no-such-book', '--usd', '5'], cliEnv);
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toContain('no book named "no-such-book"');
  });
});
