/**
 * Issue 3 acceptance: what a run learns about an account is remembered (summary, dated and sourced
 * facts, the drafted interaction) and read back by the next run of the same book — including an
 * avoid item added from review, which the next draft honours — while memory is refreshed in place
 * instead of piling up copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avoidPhrases, findAvoidHits, type Draft, type ResearchBrief } from '../../../src/agents/index.ts';
import type { Deps } from '../../../src/deps.ts';
import { rememberItems } from '../../../src/memory/index.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, interceptStructured, runBook, type FinishedRun, type Intercepted } from './support.ts';

const BOOK = 'memory-10';
const AVOID_SOURCE = 'review:test';

let env: PipelineEnv;
let deps: Deps;
let workers: RunningWorkers | undefined;
let llm: Intercepted;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: BOOK, accounts: 10, seed: 5 });
  llm = interceptStructured(deps);
  workers = startWorkers(deps, 16);
}, 60_000);

afterAll(async () => {
  await workers?.close();
  await env?.cleanup();
}, 60_000);

type MemoryRow = {
  id: string;
  account_id: string;
  kind: string;
  key: string;
  content: string;
  source: string;
  /** Epoch milliseconds (the test database client returns timestamps as text). */
  observed_ms: number;
  conflict_with: string | null;
  run_id: string | null;
};

async function liveMemory(): Promise<MemoryRow[]> {
  return env.db.sql<MemoryRow[]>`
    select id, account_id, kind, key, content, source, (extract(epoch from observed_at) * 1000)::float8 as observed_ms, conflict_with, run_id
    from account_memory where superseded_by is null order by account_id, kind, key`;
}

async function stepOutput<T>(runId: string, accountId: string, step: string): Promise<{ status: string; output: T } | undefined> {
  const [row] = await env.db.sql<Array<{ status: string; output: T }>>`
    select status, output from step_results where run_id = ${runId} and account_id = ${accountId} and step = ${step}`;
  return row;
}

/** A tagged JSON section of a prompt's user message. */
function section<T>(text: string, tag: string): T | undefined {
  const json = new RegExp(`<${tag}>\\n(.*)\\n</${tag}>`).exec(text)?.[1];
  return json ? (JSON.parse(json) as T) : undefined;
}

const lower = (s: string) => s.toLowerCase();
const stripEnd = (s: string) => s.trim().replace(/[\s.;:!?,]+$/, '');

describe('when a book runs twice and a reviewer adds an avoid phrase in between', () => {
  let first: FinishedRun;
  let second: FinishedRun;
  let afterFirst: MemoryRow[];
  let drafted: string[];
  let target: { accountId: string; phrase: string; draft: Draft; summary: string };
  let secondRequestsFrom: number;

  beforeAll(async () => {
    first = await runBook(deps, BOOK, 60_000);
    afterFirst = await liveMemory();
    const rows = await env.db.sql<Array<{ account_id: string }>>`
      select d.account_id from step_results d
      join step_results p on p.run_id = d.run_id and p.account_id = d.account_id and p.step = 'prioritize'
      join accounts a on a.id = d.account_id
      where d.run_id = ${first.runId} and d.step = 'draft' and d.status = 'succeeded'
      order by (p.output->>'score')::int desc, a.name`;
    drafted = rows.map((r) => r.account_id);

    // The best-scored drafted account (so it stays drafted when one signal is avoided) and a phrase
    // its first draft used: the text of a fact it cited, signals first (the most distinctive).
    let found: typeof target | undefined;
    for (const accountId of drafted) {
      const draft = (await stepOutput<Draft>(first.runId, accountId, 'draft'))?.output;
      const brief = (await stepOutput<ResearchBrief>(first.runId, accountId, 'research'))?.output;
      if (!draft || !brief) continue;
      const cited = brief.facts
        .map((fact, i) => ({ text: stripEnd(fact.text), key: brief.factKeys[i] ?? '' }))
        .filter((f) => draft.citations.some((c) => lower(c.claim).includes(lower(f.text))) && lower(draft.body).includes(lower(f.text)))
        .sort((a, b) => Number(b.key.startsWith('signal:')) - Number(a.key.startsWith('signal:')));
      const pick = cited[0];
      if (pick) {
        found = { accountId, phrase: pick.text, draft, summary: brief.summary };
        break;
      }
    }
    if (!found) throw new Error('no drafted account of the first run cites a fact verbatim in its body');
    target = found;

    await rememberItems(deps.db, {
      accountId: target.accountId,
      items: [{ kind: 'avoid', key: target.phrase, content: target.phrase, source: AVOID_SOURCE, observedAt: new Date() }],
    });
    secondRequestsFrom = llm.requests.length;
    second = await runBook(deps, BOOK, 60_000);
  }, 150_000);

  it('completes both runs', () => {
    expect(first.summary).toMatchObject({ status: 'completed', accounts: 10, completed: 10, failed: 0 });
    expect(second.summary).toMatchObject({ status: 'completed', accounts: 10 });
    expect(drafted.length).toBeGreaterThan(0);
  });

  it('remembers after the first run a summary, sourced and dated facts, and the drafted interaction', async () => {
    const accounts = await env.db.sql<Array<{ id: string }>>`select id from accounts`;
    expect(accounts).toHaveLength(10);
    for (const { id } of accounts) {
      const mine = afterFirst.filter((m) => m.account_id === id);
      expect(mine.filter((m) => m.kind === 'summary')).toEqual([expect.objectContaining({ key: 'summary', source: `research:${first.runId}`, run_id: first.runId })]);
      const facts = mine.filter((m) => m.kind === 'fact');
      expect(facts.length).toBeGreaterThan(0);
      for (const fact of facts) {
        expect(fact.source).toMatch(/^(crm|memory|research):\S+/);
        expect(fact.observed_ms).toBeGreaterThan(0);
        expect(fact.content.length).toBeGreaterThan(0);
      }
    }
    for (const accountId of drafted) {
      const draft = (await stepOutput<Draft>(first.runId, accountId, 'draft'))?.output;
      const interactions = afterFirst.filter((m) => m.account_id === accountId && m.kind === 'interaction');
      expect(interactions).toEqual([expect.objectContaining({ source: `draft:${first.runId}`, key: expect.stringMatching(/^draft:\d{4}-\d{2}-\d{2}$/) })]);
      expect(interactions[0]?.content).toContain(draft?.subject ?? '(no subject)');
    }
    const undrafted = afterFirst.filter((m) => m.kind === 'interaction' && !drafted.includes(m.account_id));
    expect(undrafted).toEqual([]);
  });

  it("shows the second run's research the first run's summary and the avoid phrase", () => {
    const research = llm.requests
      .slice(secondRequestsFrom)
      .filter((r) => r.skill === 'research' && section<{ id: string }>(r.text, 'account')?.id === target.accountId);
    expect(research).toHaveLength(1);
    const text = research[0]?.text ?? '';
    const memory = section<{ summary: { text: string } | null; avoid: string[]; lastInteraction: { text: string } | null }>(text, 'memory');
    expect(memory?.summary?.text).toBe(target.summary);
    expect(memory?.avoid).toContain(target.phrase);
    expect(memory?.lastInteraction?.text).toContain(target.draft.subject);
    // Memory also feeds the citeable facts: the drafted interaction comes back as a dated fact.
    const facts = section<Array<{ text: string; source: string }>>(text, 'facts') ?? [];
    expect(facts.some((f) => f.source.startsWith('memory:'))).toBe(true);
  });

  it('never stores a second-run draft that uses the avoided phrase', async () => {
    const phrases = avoidPhrases([target.phrase]);
    const step = await stepOutput<Draft>(second.runId, target.accountId, 'draft');
    const [item] = await env.db.sql<Array<{ status: string; failed_step: string | null; error: string | null }>>`
      select status, failed_step, error from run_items where run_id = ${second.runId} and account_id = ${target.accountId}`;
    if (step?.status === 'succeeded') {
      // The usual outcome: a new draft written around the avoided phrase.
      expect(item?.status).toBe('done');
      for (const text of [step.output.subject, step.output.body]) {
        expect(lower(text)).not.toContain(lower(target.phrase));
        expect(findAvoidHits(text, phrases)).toEqual([]);
      }
    } else if (step?.status === 'skipped') {
      // Without the avoided signal the account may no longer qualify for a draft.
      expect(item?.status).toBe('done');
      expect(String((step.output as unknown as { reason?: string }).reason)).not.toBe('');
    } else {
      // The model could not write around it: the draft was rejected, never stored.
      expect(item).toMatchObject({ status: 'failed', failed_step: 'draft' });
      expect(item?.error).toMatch(/avoid list/);
    }
    const stored = await env.db.sql<Array<{ content: { subject: string; body: string } }>>`
      select content from artifacts where run_id = ${second.runId} and account_id = ${target.accountId} and workflow = 'drafting'`;
    for (const { content } of stored) expect(lower(`${content.subject}\n${content.body}`)).not.toContain(lower(target.phrase));
  });

  it('refreshes remembered facts in place instead of duplicating them', async () => {
    const now = await liveMemory();
    const groups = new Map<string, MemoryRow[]>();
    for (const row of now) {
      const key = `${row.account_id}|${row.kind}|${row.key}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    // One live row per (account, kind, key), unless it is a fact flagged as conflicting.
    for (const [key, rows] of groups) {
      if (rows.length === 1) continue;
      expect(rows.every((r) => r.kind === 'fact'), key).toBe(true);
      expect(rows.some((r) => r.conflict_with !== null), key).toBe(true);
    }
    // A fact restated with the same content by the second run keeps its row and moves its date on.
    let refreshed = 0;
    for (const before of afterFirst.filter((m) => m.kind === 'fact')) {
      const same = now.find((m) => m.account_id === before.account_id && m.kind === 'fact' && m.key === before.key && m.content === before.content);
      if (!same) continue;
      expect(same.id).toBe(before.id);
      expect(same.observed_ms).toBeGreaterThanOrEqual(before.observed_ms);
      if (same.observed_ms > before.observed_ms) refreshed += 1;
    }
    expect(refreshed).toBeGreaterThan(0);
    // One live summary per account, from the second run.
    const summaries = now.filter((m) => m.kind === 'summary');
    expect(summaries).toHaveLength(10);
    for (const s of summaries) expect([`research:${second.runId}`, `research:${first.runId}`]).toContain(s.source);
    // The avoid item is still there, once.
    expect(now.filter((m) => m.kind === 'avoid')).toEqual([expect.objectContaining({ account_id: target.accountId, source: AVOID_SOURCE })]);
  });
});
