/**
 * The spend forecast against real Postgres.
 *
 * - A ledger seeded by hand: the forecast's arithmetic checked exactly — scaling to the book,
 *   failed calls counted, cache writes per run, re-pricing, batch pricing, tiers asked for, which
 *   runs count as history.
 * - The acceptance check: a generated 200-account book forecast without history, run for real on
 *   Redis, Postgres and the stand-in; then forecast with history and run again. Each forecast must
 *   be within ±20% of the ledger cost of the run that follows it.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, books, contacts, llmCalls, runItems, runs, stepResults } from '../../../db/schema/index.ts';
import { forecastRun, formatForecast, type Forecast, type ForecastInput, type ForecastSkills } from '../../../src/budget/forecast.ts';
import { accountSizes, stepPrefixTokens } from '../../../src/budget/forecast-prompts.ts';
import { sampleContexts } from '../../../src/budget/forecast-sample.ts';
import { PIPELINE_SKILLS, type Deps } from '../../../src/deps.ts';
import { costUsd } from '../../../src/llm/pricing.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { loadSkills, requireSkills } from '../../../src/skills/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, runBook, type FinishedRun } from '../pipeline/support.ts';

const SONNET = 'claude-sonnet-5-5';
const OPUS = 'claude-opus-5-5';
const M = 1_000_000;
const NOW = new Date('2026-11-20T06:00:00Z');
const ALL_SONNET = { research: SONNET, prioritization: SONNET, drafting: SONNET };

const stage = (f: Forecast, step: string) => {
  const s = f.stages.find((x) => x.step === step);
  if (!s) throw new Error(`no ${step} stage`);
  return s;
};

describe('forecast from a seeded ledger', () => {
  let db: TestDb;
  let skills: ForecastSkills;
  let bookId: string;
  const versions = () => ({ research: skills.research.version, prioritization: skills.prioritization.version, drafting: skills.drafting.version });
  const input = (over: Partial<ForecastInput> = {}): ForecastInput => ({ bookId, skills, models: ALL_SONNET, draftTiers: ['A', 'B'], mode: 'realtime', now: NOW, ...over });

  /** `n` accounts of identical shape (same field lengths), so every prompt has the same size. */
  async function addAccounts(book: string, from: number, n: number): Promise<string[]> {
    const rows = await db.db
      .insert(accounts)
      .values(
        Array.from({ length: n }, (_, i) => {
          const k = String(from + i).padStart(2, '0');
          return { bookId: book, externalId: `ext-${k}`, name: `Account ${k}`, domain: `a${k}.example`, industry: 'Logistics', employees: 1_200, arrUsd: 300_000, stage: 'discovery', region: 'EMEA', signals: ['Opened a new warehouse'] };
        }),
      )
      .returning({ id: accounts.id, externalId: accounts.externalId });
    await db.db.insert(contacts).values(rows.map((r) => ({ accountId: r.id, key: `pat${r.externalId}`, name: 'Pat Lee', title: 'VP Operations', email: `pat.${r.externalId}@example.test` })));
    return rows.map((r) => r.id);
  }

  type Call = { step: string; status?: string; input: number; output: number; cacheRead?: number; cacheWrite?: number; model?: string };

  /** A completed run with its items (tiers in order), drafted accounts and ledger. */
  async function addRun(opts: { book: string; accountIds: string[]; tiers: string[]; drafted: number[]; calls: Call[]; finishedAt: Date; status?: 'completed' | 'running'; skills?: Record<string, string> }) {
    const id = `run-test-${randomUUID().slice(0, 8)}`;
    const started = new Date(opts.finishedAt.getTime() - 3_600_000);
    await db.db.insert(runs).values({
      id,
      bookId: opts.book,
      runKey: id,
      status: opts.status ?? 'completed',
      settings: { skills: opts.skills ?? versions(), policy: { draftTiers: ['A', 'B'], reviewSampleRate: 0.1 } },
      accounts: opts.accountIds.length,
      createdAt: started,
      startedAt: started,
      finishedAt: opts.finishedAt,
    });
    await db.db.insert(runItems).values(opts.accountIds.map((accountId, i) => ({ runId: id, accountId, status: 'done' as const, tier: opts.tiers[i] as 'A' | 'B' | 'C' | 'D' })));
    if (opts.drafted.length > 0) {
      await db.db.insert(stepResults).values(opts.drafted.map((i) => ({ runId: id, accountId: opts.accountIds[i] ?? '', step: 'draft' as const, status: 'succeeded' as const, output: {} })));
    }
    await db.db.insert(llmCalls).values(
      opts.calls.map((c, i) => ({
        id: `${id}.${i}`,
        runId: id,
        accountId: opts.accountIds[i % opts.accountIds.length],
        step: c.step,
        model: c.model ?? SONNET,
        callKind: 'structured',
        status: c.status ?? 'ok',
        inputTokens: c.input,
        outputTokens: c.output,
        cacheReadTokens: c.cacheRead ?? 0,
        cacheWriteTokens: c.cacheWrite ?? 0,
      })),
    );
    return id;
  }

  /** Per step: the first call writes the prefix, the rest read it. */
  const stepCalls = (step: string, n: number, call: { input: number; output: number; prefix: number }): Call[] =>
    Array.from({ length: n }, (_, i) => ({ step, input: call.input, output: call.output, ...(i === 0 ? { cacheWrite: call.prefix } : { cacheRead: call.prefix }) }));

  let bookAccounts: string[];

  beforeAll(async () => {
    db = await createTestDb();
    skills = requireSkills(await loadSkills(fileURLToPath(new URL('../../../skills', import.meta.url))), PIPELINE_SKILLS);
    const [book] = await db.db.insert(books).values({ name: 'seeded' }).returning({ id: books.id });
    bookId = book?.id ?? '';
    bookAccounts = await addAccounts(bookId, 0, 10);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('estimates from prompt sizes when no run has completed, and says so', async () => {
    const f = await forecastRun(db.db, input());
    expect(f.basis).toBe('estimate');
    expect(f.notes[0]).toMatch(/^Estimate without history/);
    const [sample] = (await sampleContexts(db.db, bookId, [], NOW)).current;
    if (!sample) throw new Error('no sample');
    const sizes = accountSizes(skills, sample);
    const prefix = stepPrefixTokens(skills);
    // Every account scores 75 on the rubric (tier A) and has a reachable contact: all are drafted.
    expect(sizes.tier).toBe('A');
    for (const [step, size] of [['research', sizes.research], ['prioritize', sizes.prioritize], ['draft', sizes.draft]] as const) {
      const s = stage(f, step);
      expect(s).toMatchObject({ accounts: 10, calls: 10, basis: 'estimate', model: SONNET });
      expect(s.tokens).toEqual({ input: 10 * (size?.input ?? NaN), output: 10 * (size?.output ?? NaN), cacheRead: 9 * prefix[step], cacheWrite: prefix[step] });
    }
    expect(f.total.costUsd).toBeCloseTo(f.stages.reduce((n, s) => n + s.costUsd, 0), 12);
  });

  it('scales a past run of the book exactly, failed calls included', async () => {
    // Tiers A×3, B×3, C×2, D×2; five of the six A/B accounts drafted (one had nobody to write to).
    await addRun({
      book: bookId,
      accountIds: bookAccounts,
      tiers: ['A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'D', 'D'],
      drafted: [0, 1, 2, 3, 4],
      finishedAt: new Date('2026-11-19T03:00:00Z'),
      calls: [
        ...stepCalls('research', 10, { input: 600, output: 300, prefix: 3_000 }),
        { step: 'research', status: 'overloaded', input: 600, output: 0, cacheRead: 3_000 },
        ...stepCalls('prioritize', 10, { input: 800, output: 50, prefix: 3_200 }),
        ...stepCalls('draft', 5, { input: 900, output: 120, prefix: 4_200 }),
        { step: 'draft', status: 'rate_limited', input: 0, output: 0 },
      ],
    });
    const f = await forecastRun(db.db, input());
    expect(f.basis).toBe('history');
    expect(stage(f, 'research')).toMatchObject({ accounts: 10, calls: 11, basis: 'history', tokens: { input: 6_600, output: 3_000, cacheRead: 30_000, cacheWrite: 3_000 } });
    expect(stage(f, 'prioritize')).toMatchObject({ calls: 10, tokens: { input: 8_000, output: 500, cacheRead: 28_800, cacheWrite: 3_200 } });
    expect(stage(f, 'draft')).toMatchObject({ accounts: 5, calls: 6, tokens: { input: 4_500, output: 600, cacheRead: 16_800, cacheWrite: 4_200 } });
    // Sonnet 5.5: $2 in, $10 out, $0.20 read, $2.50 5-minute write.
    const dollars = (t: { input: number; output: number; cacheRead: number; cacheWrite: number }) => (t.input * 2 + t.output * 10 + t.cacheRead * 0.2 + t.cacheWrite * 2.5) / M;
    expect(stage(f, 'research').costUsd).toBeCloseTo(dollars({ input: 6_600, output: 3_000, cacheRead: 30_000, cacheWrite: 3_000 }), 10);
    expect(f.total.costUsd).toBeCloseTo(dollars({ input: 19_100, output: 4_100, cacheRead: 75_600, cacheWrite: 10_400 }), 10);
    expect(f.total.tokens).toEqual({ input: 19_100, output: 4_100, cacheRead: 75_600, cacheWrite: 10_400 });
    expect(f.notes[0]).toMatch(/of this book with the same skill versions/);
    expect(f.notes.join('\n')).not.toMatch(/Prompts of the same accounts have changed/);
    // Priced from tokens, the forecast of an unchanged book equals what the ledger rows cost.
    const ledger = costUsd(SONNET, { input: 19_100, output: 4_100, cacheRead: 75_600, cacheWrite: 10_400, cacheWrite5m: 10_400, cacheWrite1h: 0, serviceTier: null });
    expect(f.total.costUsd).toBeCloseTo(ledger ?? NaN, 10);
  });

  it('re-prices the measured tokens for another model, and for batch mode', async () => {
    const opus = await forecastRun(db.db, input({ models: { ...ALL_SONNET, research: OPUS } }));
    const research = stage(opus, 'research');
    expect(research).toMatchObject({ model: OPUS, tokens: { input: 6_600, output: 3_000, cacheRead: 30_000, cacheWrite: 3_000 } });
    // Opus 5.5: $4 in, $20 out, $0.20 read (0.05×), $5 5-minute write.
    expect(research.costUsd).toBeCloseTo((6_600 * 4 + 3_000 * 20 + 30_000 * 0.2 + 3_000 * 5) / M, 10);
    expect(opus.notes.join('\n')).toMatch(`research: measured on ${SONNET}; the same token counts are priced for ${OPUS}.`);

    const batch = await forecastRun(db.db, input({ mode: 'batch' }));
    // Half price across the board, cache writes at the 1-hour TTL ($4 on Sonnet).
    expect(stage(batch, 'research').costUsd).toBeCloseTo(((6_600 * 2 + 3_000 * 10 + 30_000 * 0.2 + 3_000 * 4) * 0.5) / M, 10);
    expect(batch.notes.join('\n')).toMatch(/Batch mode/);
  });

  it('scales to a grown book: calls and reads with the accounts, cache writes once per run', async () => {
    const more = await addAccounts(bookId, 10, 10);
    try {
      const f = await forecastRun(db.db, input());
      expect(f.accounts).toBe(20);
      expect(stage(f, 'research')).toMatchObject({ calls: 22, tokens: { input: 13_200, output: 6_000, cacheRead: 63_000, cacheWrite: 3_000 } });
      expect(stage(f, 'draft')).toMatchObject({ accounts: 10, calls: 12, tokens: { input: 9_000, output: 1_200, cacheRead: 37_800, cacheWrite: 4_200 } });
    } finally {
      await db.sql`delete from accounts where id = any(${more})`;
    }
  });

  it('applies the tiers asked for to the past tier mix', async () => {
    // A and B drafted 5 of 6; C (2 of 10 accounts) gets the same reachability: 2 × 5/6 more.
    const f = await forecastRun(db.db, input({ draftTiers: ['A', 'B', 'C'] }));
    const share = 0.5 + 0.2 * (5 / 6);
    expect(stage(f, 'draft')).toMatchObject({ accounts: Math.round(10 * share), calls: Math.round(10 * share * 1.2) });
    expect(stage(f, 'draft').tokens.input).toBe(Math.round(10 * share * 1.2 * (4_500 / 6)));
    const none = await forecastRun(db.db, input({ draftTiers: [] }));
    expect(stage(none, 'draft')).toMatchObject({ accounts: 0, calls: 0, costUsd: 0 });
  });

  it('ignores runs that did not complete, and prefers the same book over a newer run of another', async () => {
    await addRun({
      book: bookId,
      accountIds: bookAccounts,
      tiers: Array(10).fill('A'),
      drafted: [],
      status: 'running',
      finishedAt: new Date('2026-11-20T01:00:00Z'),
      calls: stepCalls('research', 10, { input: 99_000, output: 99_000, prefix: 3_000 }),
    });
    const [other] = await db.db.insert(books).values({ name: 'other' }).returning({ id: books.id });
    const otherId = other?.id ?? '';
    const otherAccounts = await addAccounts(otherId, 50, 10);
    await addRun({
      book: otherId,
      accountIds: otherAccounts,
      tiers: Array(10).fill('A'),
      drafted: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      finishedAt: new Date('2026-11-20T02:00:00Z'),
      calls: [...stepCalls('research', 10, { input: 1_000, output: 400, prefix: 3_000 }), ...stepCalls('prioritize', 10, { input: 900, output: 60, prefix: 3_200 }), ...stepCalls('draft', 10, { input: 1_000, output: 150, prefix: 4_200 })],
    });
    const f = await forecastRun(db.db, input());
    expect(stage(f, 'research').tokens).toEqual({ input: 6_600, output: 3_000, cacheRead: 30_000, cacheWrite: 3_000 });

    // A book of its own without runs learns from the latest runs of other books with the same skills.
    const [fresh] = await db.db.insert(books).values({ name: 'fresh' }).returning({ id: books.id });
    await addAccounts(fresh?.id ?? '', 80, 10);
    const learned = await forecastRun(db.db, input({ bookId: fresh?.id ?? '' }));
    expect(learned.basis).toBe('history');
    expect(learned.notes[0]).toMatch(/2 completed run\(s\) of other books with the same skill versions/);
    // Pooled over both runs: (10 × 1,000 + 11 × 600) ÷ 21 calls, 21 calls per 20 accounts.
    expect(stage(learned, 'research')).toMatchObject({ calls: Math.round(10 * (21 / 20)), tokens: { input: Math.round(10 * (21 / 20) * (16_600 / 21)) } });
  });

  it("resizes the cached prefix to today's skill when only other skill versions ran", async () => {
    const edited = { ...skills, research: { ...skills.research, version: 'edited00000' } };
    const f = await forecastRun(db.db, input({ skills: edited }));
    const prefix = stepPrefixTokens(skills).research;
    const research = stage(f, 'research');
    expect(research.basis).toBe('history');
    expect(research.tokens.cacheWrite).toBe(prefix);
    // Both runs pooled: 21 calls for 20 accounts, so 10.5 calls here, each with today's prefix.
    expect(Math.abs(research.tokens.cacheRead + research.tokens.cacheWrite - 10.5 * prefix)).toBeLessThanOrEqual(1);
    expect(f.notes.join('\n')).toMatch(/research: per-call averages measured in .* made with other skill versions/);
  });

  it('refuses an unknown book', async () => {
    await expect(forecastRun(db.db, input({ bookId: randomUUID() }))).rejects.toThrow(/not found/);
  });
});

describe('forecast vs the real runs of a 200-account book', () => {
  const BOOK = 'forecast-200';
  let env: PipelineEnv;
  let deps: Deps;
  let workers: RunningWorkers | undefined;
  let bookId: string;

  const forecast = () =>
    forecastRun(deps.db, {
      bookId,
      skills: deps.skills,
      models: { research: deps.llm.modelFor('research'), prioritization: deps.llm.modelFor('prioritization'), drafting: deps.llm.modelFor('drafting') },
      draftTiers: deps.policy.draftTiers,
      mode: 'realtime',
      now: deps.clock(),
    });

  /** The ledger's cost of a run: what the forecast is judged against. */
  const ledgerCost = async (run: FinishedRun) => {
    const [row] = await env.db.sql<Array<{ cost: number }>>`select coalesce(sum(cost_usd), 0)::float8 as cost from llm_calls where run_id = ${run.runId}`;
    return row?.cost ?? NaN;
  };

  const compare = async (label: string, f: Forecast, run: FinishedRun) => {
    const actual = await ledgerCost(run);
    const error = f.total.costUsd / actual - 1;
    // The measured percentages, for the report.
    console.log(`${label}: forecast $${f.total.costUsd.toFixed(4)} (${f.basis}), ledger $${actual.toFixed(4)}, ${error >= 0 ? '+' : ''}${(error * 100).toFixed(2)}%\n${formatForecast(f).join('\n')}`);
    expect(run.summary.status).toBe('completed');
    expect(actual).toBeGreaterThan(0);
    expect(Math.abs(error)).toBeLessThanOrEqual(0.2);
    return error;
  };

  beforeAll(async () => {
    env = await createPipelineEnv();
    deps = await env.deps();
    await importGeneratedBook(deps, { bookName: BOOK, accounts: 200, seed: 42 });
    const [row] = await env.db.sql<Array<{ id: string }>>`select id from books where name = ${BOOK}`;
    bookId = row?.id ?? '';
    workers = startWorkers(deps, 16);
  }, 120_000);

  afterAll(async () => {
    await workers?.close();
    await env?.cleanup();
  }, 60_000);

  it('forecasts a first run without history within ±20% of its ledger cost', async () => {
    const f = await forecast();
    expect(f.basis).toBe('estimate');
    expect(f.accounts).toBeGreaterThan(190);
    const run = await runBook(deps, BOOK);
    await compare('first run (no history)', f, run);
  }, 180_000);

  it('forecasts the next run from history within ±20% of its ledger cost', async () => {
    const f = await forecast();
    expect(f.basis).toBe('history');
    expect(f.stages.every((s) => s.basis === 'history')).toBe(true);
    const run = await runBook(deps, BOOK);
    await compare('second run (history)', f, run);
  }, 180_000);
});
