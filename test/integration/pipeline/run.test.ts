/**
 * Issue 3 acceptance: a generated 200-account book runs end to end on real Redis and Postgres
 * through the offline stand-in — every account researched, prioritized, drafted where the policy
 * says so and finalized; every model call ledgered; memory and the review queue filled — and a
 * duplicated job spends no tokens.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobId, stepJobId } from '../../../src/queue/names.ts';
import type { ImportReport } from '../../../src/book/index.ts';
import type { Deps } from '../../../src/deps.ts';
import { accountFlow } from '../../../src/run/enqueue.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, runBook, settledJob, type FinishedRun } from './support.ts';

const BOOK = 'nightly-200';

let env: PipelineEnv;
let deps: Deps;
let workers: RunningWorkers | undefined;
let report: ImportReport;
let run: FinishedRun;
let bookAccounts: number;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
  report = await importGeneratedBook(deps, { bookName: BOOK, accounts: 200, seed: 42 });
  const [row] = await env.db.sql<Array<{ n: number }>>`
    select count(*)::int as n from accounts a join books b on b.id = a.book_id where b.name = ${BOOK}`;
  bookAccounts = row?.n ?? 0;
  workers = startWorkers(deps, 16);
  run = await runBook(deps, BOOK);
}, 180_000);

afterAll(async () => {
  await workers?.close();
  await env?.cleanup();
}, 60_000);

/** Rows in the LLM call ledger for a run. */
async function callCount(runId: string): Promise<number> {
  const [row] = await env.db.sql<Array<{ n: number }>>`select count(*)::int as n from llm_calls where run_id = ${runId}`;
  return row?.n ?? -1;
}

describe('when a 200-account book runs end to end', () => {
  it('completes with every imported account done and none failed', () => {
    expect(report.imported).toBe(bookAccounts);
    expect(bookAccounts).toBeGreaterThan(190);
    expect(run.progress.status).toBe('completed');
    expect(run.summary).toMatchObject({ status: 'completed', failed: 0, deferred: 0, pending: 0, accounts: bookAccounts, completed: bookAccounts });
    expect(run.summary.failures).toEqual([]);
  });

  it('leaves every run item done with a tier, and the tier counts add up to the accounts', async () => {
    const items = await env.db.sql<Array<{ status: string; tier: string | null; error: string | null; failed_step: string | null }>>`
      select status, tier, error, failed_step from run_items where run_id = ${run.runId}`;
    expect(items).toHaveLength(bookAccounts);
    for (const item of items) {
      expect(item).toMatchObject({ status: 'done', error: null, failed_step: null });
      expect(['A', 'B', 'C', 'D']).toContain(item.tier);
    }
    const { A, B, C, D } = run.summary.tiers;
    expect(A + B + C + D).toBe(bookAccounts);
    for (const tier of ['A', 'B', 'C', 'D'] as const) expect(run.summary.tiers[tier]).toBe(items.filter((i) => i.tier === tier).length);
  });

  it('drafts A and B accounts only, and says why every other A/B account has no draft', async () => {
    expect(deps.policy.draftTiers).toEqual(['A', 'B']);
    const rows = await env.db.sql<Array<{ tier: string; status: string | null; output: { reason?: unknown } | null }>>`
      select i.tier, s.status, s.output
      from run_items i left join step_results s on s.run_id = i.run_id and s.account_id = i.account_id and s.step = 'draft'
      where i.run_id = ${run.runId}`;
    const drafted = rows.filter((r) => r.status === 'succeeded');
    expect(drafted.length).toBeGreaterThan(0);
    expect(drafted.length).toBe(run.summary.drafts);
    for (const r of drafted) expect(['A', 'B']).toContain(r.tier);
    for (const r of rows) {
      // Every account reached the draft step: a draft, or a skip with its reason.
      expect(r.status === 'succeeded' || r.status === 'skipped', `draft step of a tier ${r.tier} account is ${r.status}`).toBe(true);
      if (r.status === 'skipped') expect(typeof r.output?.reason === 'string' && r.output.reason.length > 0).toBe(true);
    }
    for (const r of rows.filter((x) => x.tier === 'C' || x.tier === 'D')) expect(r.status).toBe('skipped');
  });

  it("puts each draft in one review item of the account's owner, covering research, prioritization and drafting", async () => {
    const items = await env.db.sql<Array<{ account_id: string; reason: string; workflows: string[]; owner_rep_id: string | null; account_owner: string | null }>>`
      select r.account_id, r.reason, r.workflows, r.owner_rep_id, a.owner_rep_id as account_owner
      from review_items r join accounts a on a.id = r.account_id where r.run_id = ${run.runId}`;
    const draftedAccounts = await env.db.sql<Array<{ account_id: string }>>`
      select account_id from step_results where run_id = ${run.runId} and step = 'draft' and status = 'succeeded'`;
    const draftItems = items.filter((i) => i.reason === 'drafted');
    expect(new Set(draftItems.map((i) => i.account_id))).toEqual(new Set(draftedAccounts.map((d) => d.account_id)));
    for (const item of draftItems) {
      expect(item.owner_rep_id).toBe(item.account_owner);
      expect([...item.workflows].sort()).toEqual(['drafting', 'prioritization', 'research']);
    }
    expect(draftItems.filter((i) => i.owner_rep_id !== null).length).toBeGreaterThan(0);
    // Undrafted accounts only reach review when sampled, and never with a drafting artifact.
    for (const item of items.filter((i) => i.reason === 'sampled')) expect(item.workflows).not.toContain('drafting');
    expect(new Set(items.map((i) => i.account_id)).size).toBe(items.length);
    expect(run.summary.reviewItems).toEqual({ drafted: draftItems.length, sampled: items.length - draftItems.length });
  });

  it('records the skill version of the skill that made every artifact', async () => {
    const rows = await env.db.sql<Array<{ workflow: string; skill_name: string; skill_version: string; n: number }>>`
      select workflow, skill_name, skill_version, count(*)::int as n from artifacts where run_id = ${run.runId}
      group by workflow, skill_name, skill_version`;
    const skills = deps.skills as Record<string, { version: string } | undefined>;
    const byWorkflow = Object.fromEntries(rows.map((r) => [r.workflow, r]));
    expect(byWorkflow['research']?.n).toBe(bookAccounts);
    expect(byWorkflow['prioritization']?.n).toBe(bookAccounts);
    expect(byWorkflow['drafting']?.n).toBe(run.summary.drafts);
    for (const r of rows) {
      expect(r.skill_name).toBe(r.workflow);
      expect(r.skill_version).toBe(skills[r.skill_name]?.version);
    }
  });

  it('ledgers exactly one successful call per research, prioritization and draft, and reports the same tokens', async () => {
    const calls = await env.db.sql<Array<{ step: string; status: string; input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number }>>`
      select step, status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens from llm_calls where run_id = ${run.runId}`;
    expect(calls).toHaveLength(bookAccounts + bookAccounts + run.summary.drafts);
    expect(calls.filter((c) => c.step === 'research')).toHaveLength(bookAccounts);
    expect(calls.filter((c) => c.step === 'prioritize')).toHaveLength(bookAccounts);
    expect(calls.filter((c) => c.step === 'draft')).toHaveLength(run.summary.drafts);
    for (const c of calls) {
      expect(c.status).toBe('ok');
      expect(c.input_tokens).toBeGreaterThan(0);
      expect(c.output_tokens).toBeGreaterThan(0);
    }
    const total = (key: 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens') => calls.reduce((s, c) => s + c[key], 0);
    expect(run.summary.llmCalls).toBe(calls.length);
    expect(run.summary.failedCalls).toBe(0);
    expect(run.summary.tokens).toEqual({
      input: total('input_tokens'),
      output: total('output_tokens'),
      cacheRead: total('cache_read_tokens'),
      cacheWrite: total('cache_write_tokens'),
    });
  });

  it('remembers a live research summary for every account', async () => {
    const [row] = await env.db.sql<Array<{ with_summary: number; live_summaries: number }>>`
      select count(distinct m.account_id)::int as with_summary, count(*)::int as live_summaries
      from account_memory m join run_items i on i.account_id = m.account_id and i.run_id = ${run.runId}
      where m.kind = 'summary' and m.superseded_by is null`;
    expect(row).toEqual({ with_summary: bookAccounts, live_summaries: bookAccounts });
  });
});

describe('when a step job is duplicated after the run', () => {
  it('a research job with the same payload and a new job id returns the memo and spends no tokens', async () => {
    const [item] = await env.db.sql<Array<{ account_id: string }>>`
      select account_id from run_items where run_id = ${run.runId} order by priority limit 1`;
    const accountId = item?.account_id ?? '';
    const before = await callCount(run.runId);
    const jobId = `dup-${randomUUID()}`;
    await deps.queues.llm.add('research', { runId: run.runId, accountId }, { jobId, priority: 1, attempts: 1 });
    const { state, job } = await settledJob(deps.queues.llm, jobId);
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({ memo: true });
    expect(await callCount(run.runId)).toBe(before);
  });

  it("re-adding the account's flow under its deterministic job ids is a no-op", async () => {
    const [item] = await env.db.sql<Array<{ account_id: string; priority: number }>>`
      select account_id, priority from run_items where run_id = ${run.runId} order by priority desc limit 1`;
    const accountId = item?.account_id ?? '';
    const queues = [deps.queues.run, deps.queues.llm];
    const jobCounts = () => Promise.all(queues.map((q) => q.getJobCounts()));
    const steps = [
      [deps.queues.llm, 'research'],
      [deps.queues.llm, 'prioritize'],
      [deps.queues.llm, 'draft'],
    ] as const;
    const stamps = () => Promise.all(steps.map(async ([q, step]) => (await q.getJob(stepJobId(run.runId, step, accountId)))?.timestamp));
    const before = { counts: await jobCounts(), stamps: await stamps(), calls: await callCount(run.runId) };
    expect(before.stamps.every((t) => typeof t === 'number')).toBe(true);

    await deps.queues.flows.add(accountFlow(run.runId, accountId, item?.priority ?? 1, { id: runJobId(run.runId), queue: deps.queues.run.qualifiedName }));

    expect(await jobCounts()).toEqual(before.counts);
    expect(await stamps()).toEqual(before.stamps);
    for (const [q, step] of steps) expect(await (await q.getJob(stepJobId(run.runId, step, accountId)))?.getState(), step).toBe('completed');
    expect(await callCount(run.runId)).toBe(before.calls);
  });
});
