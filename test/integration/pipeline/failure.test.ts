/**
 * Issue 3 acceptance: one account whose step fails for good does not stop the run. The run
 * completes, counts and lists the failure with its step and reason, and finishes every other
 * account. Faults are injected at the outer edge only (`deps.llm.structured`); every other call
 * goes through the real client to the stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/deps.ts';
import { LlmError } from '../../../src/llm/index.ts';
import { stepJobId } from '../../../src/queue/names.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, interceptStructured, runBook, userText, type FinishedRun, type Intercepted } from './support.ts';

let env: PipelineEnv;
let deps: Deps;
let workers: RunningWorkers | undefined;
let llm: Intercepted;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: 'failure-research', accounts: 20, seed: 11 });
  await importGeneratedBook(deps, { bookName: 'failure-draft', accounts: 20, seed: 12 });
  // Wrapped before the workers start: handlers read deps.llm at call time anyway.
  llm = interceptStructured(deps);
  workers = startWorkers(deps, 16);
}, 60_000);

afterAll(async () => {
  await workers?.close();
  await env?.cleanup();
}, 60_000);

type Item = { account_id: string; name: string; status: string; tier: string | null; failed_step: string | null; error: string | null };

async function runItems(runId: string): Promise<Item[]> {
  return env.db.sql<Item[]>`
    select i.account_id, a.name, i.status, i.tier, i.failed_step, i.error
    from run_items i join accounts a on a.id = i.account_id where i.run_id = ${runId}`;
}

async function stepsOf(runId: string, accountId: string): Promise<Array<{ step: string; status: string; output: Record<string, unknown> }>> {
  return env.db.sql`select step, status, output from step_results where run_id = ${runId} and account_id = ${accountId} order by step`;
}

/** The account id in a request's `<account>` section. */
function accountIdOf(text: string): string | undefined {
  const json = /<account>\n(.*)\n<\/account>/.exec(text)?.[1];
  return json ? (JSON.parse(json) as { id?: string }).id : undefined;
}

describe("when one account's research fails with an unrecoverable error", () => {
  let victim: { id: string; name: string };
  let run: FinishedRun;

  beforeAll(async () => {
    const accounts = await env.db.sql<Array<{ id: string; name: string }>>`
      select a.id, a.name from accounts a join books b on b.id = a.book_id where b.name = 'failure-research' order by a.name`;
    const all = await env.db.sql<Array<{ name: string }>>`select name from accounts`;
    // A name no other account's name contains, so only the victim's prompts mention it.
    const chosen = accounts.find((a) => all.filter((o) => o.name.includes(a.name)).length === 1);
    if (!chosen) throw new Error('no account with a distinctive name in the generated book');
    victim = chosen;
    llm.setFault((request) =>
      request.skill === 'research' && userText(request).includes(victim.name) ? new LlmError('unrecoverable', `simulated 400 invalid_request_error for ${victim.name}`, { status: 400 }) : undefined,
    );
    try {
      run = await runBook(deps, 'failure-research', 60_000);
    } finally {
      llm.setFault(undefined);
    }
  }, 90_000);

  it('completes instead of hanging, counting one failed account', () => {
    expect(run.progress.status).toBe('completed');
    expect(run.summary).toMatchObject({ status: 'completed', accounts: 20, completed: 19, failed: 1, pending: 0 });
  });

  it('records the failed step and the error on the run item, and lists it in the summary', async () => {
    const items = await runItems(run.runId);
    const failed = items.filter((i) => i.status === 'failed');
    expect(failed).toEqual([expect.objectContaining({ account_id: victim.id, failed_step: 'research', error: expect.stringContaining('simulated 400') })]);
    expect(run.summary.failures).toEqual([{ accountId: victim.id, account: victim.name, step: 'research', error: expect.stringContaining('simulated 400') }]);
  });

  it('tries the unrecoverable call once and never reaches the later steps of that account', async () => {
    const victimCalls = llm.requests.filter((r) => r.text.includes(victim.name));
    expect(victimCalls.map((r) => ({ skill: r.skill, faulted: r.faulted }))).toEqual([{ skill: 'research', faulted: true }]);
    expect(await stepsOf(run.runId, victim.id)).toEqual([]);
    const [stored] = await env.db.sql<Array<{ artifacts: number; reviews: number }>>`
      select (select count(*)::int from artifacts where run_id = ${run.runId} and account_id = ${victim.id}) as artifacts,
             (select count(*)::int from review_items where run_id = ${run.runId} and account_id = ${victim.id}) as reviews`;
    expect(stored).toEqual({ artifacts: 0, reviews: 0 });
  });

  it('finishes every other account', async () => {
    const others = (await runItems(run.runId)).filter((i) => i.account_id !== victim.id);
    expect(others).toHaveLength(19);
    for (const item of others) {
      expect(item).toMatchObject({ status: 'done', failed_step: null, error: null });
      expect(item.tier).not.toBeNull();
    }
  });
});

describe("when one A/B account's drafts keep coming back invalid", () => {
  let victimId: string | undefined;
  let run: FinishedRun;
  const seen = () => llm.requests.filter((r) => r.skill === 'drafting' && accountIdOf(r.text) === victimId);

  beforeAll(async () => {
    // The first account to reach drafting (so an A/B account with a reachable contact) is the victim.
    llm.setFault((request) => {
      if (request.skill !== 'drafting') return undefined;
      const id = accountIdOf(userText(request));
      victimId ??= id;
      return id === victimId ? new LlmError('invalid_output', 'simulated invalid output: the draft did not match the output schema') : undefined;
    });
    try {
      run = await runBook(deps, 'failure-draft', 60_000);
    } finally {
      llm.setFault(undefined);
    }
  }, 90_000);

  it('completes and reports the account as failed at the draft step', async () => {
    expect(victimId).toBeDefined();
    expect(run.progress.status).toBe('completed');
    expect(run.summary).toMatchObject({ status: 'completed', accounts: 20, completed: 19, failed: 1 });
    const failed = (await runItems(run.runId)).filter((i) => i.status === 'failed');
    expect(failed).toEqual([expect.objectContaining({ account_id: victimId, failed_step: 'draft', error: expect.stringContaining('simulated invalid output') })]);
    expect(run.summary.failures).toEqual([expect.objectContaining({ accountId: victimId, step: 'draft', error: expect.stringContaining('simulated invalid output') })]);
  });

  it('gives up after two attempts', async () => {
    expect(seen()).toHaveLength(2);
    expect(seen().every((r) => r.faulted)).toBe(true);
    const job = await deps.queues.llm.getJob(stepJobId(run.runId, 'draft', victimId ?? ''));
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(2);
    expect(job?.failedReason).toContain('simulated invalid output');
  });

  it('stores no draft, no drafting artifact and no draft review item for the account', async () => {
    const id = victimId ?? '';
    const [stored] = await env.db.sql<Array<{ drafting: number; drafted_reviews: number; draft_steps: number }>>`
      select (select count(*)::int from artifacts where run_id = ${run.runId} and account_id = ${id} and workflow = 'drafting') as drafting,
             (select count(*)::int from review_items where run_id = ${run.runId} and account_id = ${id} and reason = 'drafted') as drafted_reviews,
             (select count(*)::int from step_results where run_id = ${run.runId} and account_id = ${id} and step = 'draft') as draft_steps`;
    expect(stored).toEqual({ drafting: 0, drafted_reviews: 0, draft_steps: 0 });
  });

  it("keeps the account's brief and its A/B tier", async () => {
    const steps = await stepsOf(run.runId, victimId ?? '');
    expect(steps.map((s) => [s.step, s.status])).toEqual([
      ['prioritize', 'succeeded'],
      ['research', 'succeeded'],
    ]);
    const prioritization = steps.find((s) => s.step === 'prioritize')?.output;
    expect(['A', 'B']).toContain(prioritization?.['tier']);
    expect(typeof steps.find((s) => s.step === 'research')?.output['summary']).toBe('string');
  });

  it('finishes every other account', async () => {
    const others = (await runItems(run.runId)).filter((i) => i.account_id !== victimId);
    expect(others).toHaveLength(19);
    for (const item of others) expect(item).toMatchObject({ status: 'done', failed_step: null, error: null });
  });
});
