/**
 * The forecast's arithmetic without a database: scaling per-call averages to a book, cache reads
 * and writes, re-pricing for another model, the batch discount, pooling past runs, the drafted
 * share, the rubric guess of a tier — and that the request-size estimate counts exactly what the
 * stand-in bills for the same request.
 */
import { fileURLToPath } from 'node:url';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildResearchRequest, candidateFacts, ResearchOutput } from '../../../src/agents/index.ts';
import { formatForecast, type Forecast } from '../../../src/budget/forecast.ts';
import {
  draftShareFromTiers,
  estimatedProfile,
  profileFromObservations,
  projectStage,
  type StageObservation,
  type StageProfile,
} from '../../../src/budget/forecast-math.ts';
import { accountSizes, stepPrefixTokens, type ForecastSkills } from '../../../src/budget/forecast-prompts.ts';
import { rubricScore } from '../../../src/budget/forecast-rubric.ts';
import { SAMPLE_ACTIVITIES } from '../../../src/budget/forecast-sample.ts';
import { CHARS_PER_TOKEN, FRAMING_TOKENS, minCacheTokens } from '../../../src/budget/forecast-tokens.ts';
import { PIPELINE_SKILLS } from '../../../src/deps.ts';
import { buildParams } from '../../../src/llm/request.ts';
import { UnknownModelPriceError } from '../../../src/llm/pricing.ts';
import { RECENT_ACTIVITIES } from '../../../src/run/hot-queries.ts';
import { loadSkills, requireSkills } from '../../../src/skills/index.ts';
import { promptSegments } from '../../../src/standin/prompt.ts';
import { countTextTokens, FORMAT_OVERHEAD, MESSAGE_OVERHEAD, REQUEST_OVERHEAD } from '../../../src/standin/tokens.ts';
import { sampleContext } from '../agents/sample-context.ts';

const SONNET = 'claude-sonnet-5-5';
const OPUS = 'claude-opus-5-5';
const M = 1_000_000;
const realtime = { mode: 'realtime', cacheTtl: '5m' } as const;

/** 1.1 calls per account (a retry now and then), a 3,000-token prefix written once per run. */
const profile: StageProfile = { callsPerAccount: 1.1, input: 500, output: 100, cached: 3_000, writesPerRun: 1, writeTokens: 3_000 };

describe('when a stage profile is scaled to a book', () => {
  it('multiplies calls and per-call tokens by the accounts, and writes the prefix once', () => {
    const p = projectStage(profile, 1_000, SONNET, realtime);
    expect(p.calls).toBe(1_100);
    expect(p.tokens).toEqual({ input: 550_000, output: 110_000, cacheRead: 1_100 * 3_000 - 3_000, cacheWrite: 3_000 });
    // Sonnet 5.5: $2 in, $10 out, reads 0.1× and 5-minute writes 1.25× of $2.
    const expected = (550_000 * 2 + 110_000 * 10 + (3_300_000 - 3_000) * 0.2 + 3_000 * 2.5) / M;
    expect(p.costUsd).toBeCloseTo(expected, 12);
  });

  it('grows reads but not writes with the book', () => {
    const small = projectStage(profile, 1_000, SONNET, realtime);
    const big = projectStage(profile, 4_000, SONNET, realtime);
    expect(big.calls).toBe(4 * small.calls);
    expect(big.tokens.input).toBe(4 * small.tokens.input);
    expect(big.tokens.cacheWrite).toBe(small.tokens.cacheWrite);
    expect(big.tokens.cacheRead + big.tokens.cacheWrite).toBe(4 * (small.tokens.cacheRead + small.tokens.cacheWrite));
  });

  it('costs nothing for no accounts, and never writes more than it caches', () => {
    expect(projectStage(profile, 0, SONNET, realtime)).toEqual({ calls: 0, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0 });
    const racing = projectStage({ ...profile, writesPerRun: 16 }, 2, SONNET, realtime);
    expect(racing.tokens).toMatchObject({ cacheRead: 0, cacheWrite: Math.round(2.2 * 3_000) });
  });

  it('re-prices the same tokens for another model', () => {
    const sonnet = projectStage(profile, 1_000, SONNET, realtime);
    const opus = projectStage(profile, 1_000, OPUS, realtime);
    expect(opus.tokens).toEqual(sonnet.tokens);
    // Opus 5.5: $4 in, $20 out, reads 0.05× and 5-minute writes 1.25× of $4.
    const expected = (550_000 * 4 + 110_000 * 20 + (3_300_000 - 3_000) * 0.2 + 3_000 * 5) / M;
    expect(opus.costUsd).toBeCloseTo(expected, 12);
  });

  it('halves every token class in batch mode, with 1-hour writes at 2× input', () => {
    const batch = projectStage(profile, 1_000, SONNET, { mode: 'batch', cacheTtl: '1h' });
    const expected = ((550_000 * 2 + 110_000 * 10 + (3_300_000 - 3_000) * 0.2 + 3_000 * 4) * 0.5) / M;
    expect(batch.costUsd).toBeCloseTo(expected, 12);
    const sameTtl = projectStage(profile, 1_000, SONNET, { mode: 'batch', cacheTtl: '5m' });
    expect(sameTtl.costUsd).toBeCloseTo(projectStage(profile, 1_000, SONNET, realtime).costUsd / 2, 12);
  });

  it("judges Haiku's long-context tier per call, not on the stage's total", () => {
    const haiku = projectStage({ ...profile, callsPerAccount: 1, input: 50_000, cached: 0, writesPerRun: 0, writeTokens: 0 }, 1_000, 'claude-haiku-5-5', realtime);
    expect(haiku.costUsd).toBeCloseTo((1_000 * (50_000 * 0.1 + 100 * 0.5)) / M, 12);
  });

  it('refuses a model without a price rather than forecasting $0', () => {
    expect(() => projectStage(profile, 10, 'claude-mythos-5-2', realtime)).toThrow(UnknownModelPriceError);
  });
});

describe('when past runs are pooled into a profile', () => {
  const run = (o: Partial<StageObservation>): StageObservation => ({ accounts: 100, calls: 100, input: 50_000, output: 10_000, cacheRead: 297_000, cacheWrite: 3_000, writers: 1, ...o });

  it('reproduces a single run exactly when scaled to its own accounts', () => {
    const observed = run({ calls: 103, input: 51_500, cacheRead: 306_000 });
    const p = profileFromObservations([observed]);
    if (!p) throw new Error('expected a profile');
    const again = projectStage(p, 100, SONNET, realtime);
    expect(again.calls).toBe(103);
    expect(again.tokens).toEqual({ input: 51_500, output: 10_000, cacheRead: 306_000, cacheWrite: 3_000 });
  });

  it('weights runs by their calls and averages cache writes per run', () => {
    const p = profileFromObservations([run({}), run({ accounts: 300, calls: 300, input: 300_000, output: 60_000, cacheRead: 894_000, cacheWrite: 6_000, writers: 2 })]);
    expect(p).toEqual({
      callsPerAccount: 1,
      input: 350_000 / 400,
      output: 70_000 / 400,
      cached: (297_000 + 3_000 + 894_000 + 6_000) / 400,
      writesPerRun: 1.5,
      writeTokens: 3_000,
    });
  });

  it("scales each run's uncached input by how much its prompts have grown", () => {
    const p = profileFromObservations([run({ inputScale: 1.2 }), run({ inputScale: 1 })]);
    expect(p?.input).toBeCloseTo((50_000 * 1.2 + 50_000) / 200, 12);
    expect(p?.output).toBe(100);
  });

  it('has nothing to say about a stage no run served', () => {
    expect(profileFromObservations([])).toBeUndefined();
    expect(profileFromObservations([run({ accounts: 0, calls: 0 })])).toBeUndefined();
    expect(profileFromObservations([run({ calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, writers: 0 })])).toMatchObject({ callsPerAccount: 0 });
  });
});

describe('when a stage is estimated from prompt sizes', () => {
  it('caches a prefix the model caches and pays for a short one on every call', () => {
    expect(estimatedProfile({ input: 700, output: 300, prefix: 3_000 }, SONNET)).toEqual({ callsPerAccount: 1, input: 700, output: 300, cached: 3_000, writesPerRun: 1, writeTokens: 3_000 });
    expect(minCacheTokens('claude-haiku-4-5-20251001')).toBe(4_096);
    expect(estimatedProfile({ input: 700, output: 300, prefix: 3_000 }, 'claude-haiku-4-5')).toEqual({ callsPerAccount: 1, input: 3_700, output: 300, cached: 0, writesPerRun: 0, writeTokens: 0 });
  });
});

describe('when the drafted share comes from past tiers', () => {
  const run = { accounts: 100, byTier: { A: { accounts: 20, drafted: 18 }, B: { accounts: 30, drafted: 27 }, C: { accounts: 40, drafted: 0 }, D: { accounts: 8, drafted: 0 } }, draftedTiers: ['A', 'B'] as const };

  it('is drafted ÷ accounts for the same tiers', () => {
    expect(draftShareFromTiers([run], ['A', 'B'])).toBeCloseTo(45 / 100, 12);
  });

  it("gives a newly drafted tier the drafted tiers' reachability", () => {
    expect(draftShareFromTiers([run], ['A', 'B', 'C'])).toBeCloseTo(0.45 + 0.4 * (45 / 50), 12);
    expect(draftShareFromTiers([run], ['A'])).toBeCloseTo(0.18, 12);
    expect(draftShareFromTiers([run], [])).toBe(0);
  });

  it('has no answer without accounts', () => {
    expect(draftShareFromTiers([], ['A'])).toBeUndefined();
  });
});

describe('when a tier is guessed from the rubric', () => {
  it('adds the terms of skills/prioritization/references/rubric.md', () => {
    const ctx = sampleContext();
    // base 40, three signals +30, ARR $420k +10, discovery +5, a reachable contact +5; 640 employees.
    expect(rubricScore(ctx, candidateFacts(ctx))).toBe(90);
    const lost = sampleContext({ stage: 'Closed lost', signals: [], arrUsd: null, employees: 5_000 }, { contacts: [{ id: 'c', name: 'X', title: null, email: 'x@y.example', doNotContact: true }] });
    // base 40, lost -20, every contact do-not-contact -10, 5,000 employees +5.
    expect(rubricScore(lost, candidateFacts(lost))).toBe(15);
  });
});

describe('when request sizes are counted', () => {
  let skills: ForecastSkills;
  beforeAll(async () => {
    skills = requireSkills(await loadSkills(fileURLToPath(new URL('../../../skills', import.meta.url))), PIPELINE_SKILLS);
  });

  it('agrees token for token with what the stand-in bills for the same request', () => {
    const ctx = sampleContext();
    const request = buildResearchRequest(skills.research, ctx, candidateFacts(ctx));
    const segments = promptSegments(buildParams(request, SONNET, zodOutputFormat(ResearchOutput)) as Parameters<typeof promptSegments>[0]);
    const last = segments.findLastIndex((s) => s.breakpoint);
    const billedPrefix = REQUEST_OVERHEAD + segments.slice(0, last + 1).reduce((n, s) => n + s.tokens, 0);
    const billedUser = segments.slice(last + 1).reduce((n, s) => n + s.tokens, 0);
    expect(stepPrefixTokens(skills).research).toBe(billedPrefix);
    expect(accountSizes(skills, ctx).research.input).toBe(billedUser);
  });

  it("uses the stand-in's ratio and framing, and the pipeline's activity limit", () => {
    for (const ratio of Object.values(CHARS_PER_TOKEN)) expect(Math.ceil('x'.repeat(401).length / ratio)).toBe(countTextTokens('x'.repeat(401)));
    expect(FRAMING_TOKENS).toEqual({ request: REQUEST_OVERHEAD, message: MESSAGE_OVERHEAD, format: FORMAT_OVERHEAD });
    expect(SAMPLE_ACTIVITIES).toBe(RECENT_ACTIVITIES);
  });

  it('skips the draft of an account nobody may be written to', () => {
    const ctx = sampleContext({}, { contacts: [{ id: 'c', name: 'X', title: null, email: 'x@y.example', doNotContact: true }] });
    expect(accountSizes(skills, ctx).draft).toBeUndefined();
    expect(accountSizes(skills, sampleContext()).draft?.input).toBeGreaterThan(0);
  });
});

describe('when a forecast is formatted', () => {
  it('prints a header, aligned stage rows, a total and the notes', () => {
    const tokens = { input: 121_058, output: 57_706, cacheRead: 544_265, cacheWrite: 2_735 };
    const forecast: Forecast = {
      bookId: 'b',
      accounts: 200,
      mode: 'realtime',
      basis: 'estimate',
      stages: [
        { step: 'research', model: SONNET, accounts: 200, calls: 200, tokens, costUsd: 0.9349, basis: 'estimate' },
        { step: 'draft', model: OPUS, accounts: 128, calls: 128, tokens, costUsd: 12.5, basis: 'estimate' },
      ],
      total: { calls: 328, tokens: { input: 242_116, output: 115_412, cacheRead: 1_088_530, cacheWrite: 5_470 }, costUsd: 13.4349 },
      notes: ['Estimate without history.'],
    };
    const lines = formatForecast(forecast);
    expect(lines[0]).toBe('Forecast for 200 accounts (realtime, estimate, no history): $13.43, 1,451,528 tokens');
    expect(lines[1]).toMatch(/^stage\s+model\s+accounts\s+calls\s+input\s+output\s+cache read\s+cache write\s+cost$/);
    expect(lines[2]).toMatch(/^research\s+claude-sonnet-5-5\s+200\s+200\s+121,058\s+57,706\s+544,265\s+2,735\s+\$0\.9349$/);
    expect(lines[4]).toMatch(/^total\s+328\s+242,116/);
    // Every row ends at the same column: the cost column is right-aligned.
    expect(new Set(lines.slice(1, 5).map((l) => l.length)).size).toBe(1);
    expect(lines.at(-1)).toBe('note: Estimate without history.');
  });
});
