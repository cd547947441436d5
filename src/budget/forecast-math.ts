/**
 * The arithmetic of a spend forecast, free of I/O: per-call averages of a stage (measured or
 * estimated), scaled to a number of accounts, split into cache reads and writes, and priced.
 */
import type { Tier } from '../agents/types.ts';
import { requireCostUsd } from '../llm/pricing.ts';
import type { TokenUsage } from '../llm/usage.ts';
import { minCacheTokens } from './forecast-tokens.ts';

export type ForecastStep = 'research' | 'prioritize' | 'draft';
export const FORECAST_STEPS: readonly ForecastStep[] = ['research', 'prioritize', 'draft'];

/** Tokens by kind, as the ledger and the run summary count them. */
export type TokenTotals = { input: number; output: number; cacheRead: number; cacheWrite: number };

export const ZERO_TOKENS: TokenTotals = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Per-call averages of one stage, whether measured in past runs or estimated from prompts. */
export type StageProfile = {
  /** Model calls per account that reaches the stage, failed calls and retries included. */
  callsPerAccount: number;
  /** Uncached input tokens per call. */
  input: number;
  output: number;
  /** Prompt-prefix tokens per call that are read from the cache or written to it. */
  cached: number;
  /**
   * Calls per run that find the cache cold and write the prefix: about one per stage when its
   * calls keep the entry warm, more when the first calls race each other.
   */
  writesPerRun: number;
  /** Tokens one cache write stores. */
  writeTokens: number;
};

export type PricingMode = {
  /** Batch prices every token class at the Batch API discount. */
  mode: 'realtime' | 'batch';
  /** TTL of the prompt-cache writes, which sets their price (1.25× or 2× input). */
  cacheTtl: '5m' | '1h';
};

export type StageProjection = { calls: number; tokens: TokenTotals; costUsd: number };

/**
 * A stage's calls, tokens and cost for `accounts` accounts. Cache writes do not grow with the
 * book: a stage writes its prefix `writesPerRun` times however many calls then read it. Counts
 * are rounded for display; the cost is priced from the unrounded averages, per call, so a
 * long-context price tier is judged on a call's prompt and not on the stage's sum.
 */
export function projectStage(profile: StageProfile, accounts: number, model: string, pricing: PricingMode): StageProjection {
  const calls = Math.max(0, accounts) * profile.callsPerAccount;
  if (calls === 0) return { calls: 0, tokens: { ...ZERO_TOKENS }, costUsd: 0 };
  const cachedTotal = calls * profile.cached;
  const cacheWrite = Math.min(cachedTotal, Math.min(calls, profile.writesPerRun) * profile.writeTokens);
  const totals: TokenTotals = {
    input: calls * profile.input,
    output: calls * profile.output,
    cacheRead: cachedTotal - cacheWrite,
    cacheWrite,
  };
  const perCall = (n: number) => n / calls;
  const write = perCall(totals.cacheWrite);
  const usage: TokenUsage = {
    input: perCall(totals.input),
    output: perCall(totals.output),
    cacheRead: perCall(totals.cacheRead),
    cacheWrite: write,
    cacheWrite5m: pricing.cacheTtl === '5m' ? write : 0,
    cacheWrite1h: pricing.cacheTtl === '1h' ? write : 0,
    serviceTier: null,
  };
  const costUsd = calls * requireCostUsd(model, usage, { batch: pricing.mode === 'batch' });
  return { calls: Math.round(calls), tokens: roundTokens(totals), costUsd };
}

/** What one past run spent on one stage, from the ledger. */
export type StageObservation = {
  /** Accounts the calls served: the run's accounts, or its drafted accounts for the draft stage. */
  accounts: number;
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Calls that wrote to the prompt cache. */
  writers: number;
  /**
   * How much larger the uncached part of this stage's prompts is now than when the run was made
   * (memory the run wrote, a different book): multiplies its measured uncached input.
   * @defaultValue 1
   */
  inputScale?: number;
};

/**
 * Per-call averages over past runs, weighted by calls (every call counts once, whichever run it
 * came from); cache writes are averaged per run. `undefined` when the runs served no account in
 * this stage: there is nothing to average, and zero calls per account would claim it is free.
 */
export function profileFromObservations(all: readonly StageObservation[]): StageProfile | undefined {
  // A run that served nobody in this stage (say, drafted no tier) says nothing about its calls.
  const observations = all.filter((o) => o.accounts > 0);
  const sum = (f: (o: StageObservation) => number) => observations.reduce((n, o) => n + f(o), 0);
  const accounts = sum((o) => o.accounts);
  if (observations.length === 0) return undefined;
  const calls = sum((o) => o.calls);
  const writers = sum((o) => o.writers);
  const per = (n: number) => (calls > 0 ? n / calls : 0);
  return {
    callsPerAccount: calls / accounts,
    input: per(sum((o) => o.input * (o.inputScale ?? 1))),
    output: per(sum((o) => o.output)),
    cached: per(sum((o) => o.cacheRead + o.cacheWrite)),
    writesPerRun: writers / observations.length,
    writeTokens: writers > 0 ? sum((o) => o.cacheWrite) / writers : 0,
  };
}

/**
 * A stage profile from prompt and answer sizes: one call per account, the first call of the run
 * writes the cached prefix and the rest read it — unless the prefix is shorter than the model
 * caches, in which case every call pays for it as uncached input.
 */
export function estimatedProfile(sizes: { input: number; output: number; prefix: number }, model: string): StageProfile {
  const cacheable = sizes.prefix >= minCacheTokens(model);
  return {
    callsPerAccount: 1,
    input: sizes.input + (cacheable ? 0 : sizes.prefix),
    output: sizes.output,
    cached: cacheable ? sizes.prefix : 0,
    writesPerRun: cacheable ? 1 : 0,
    writeTokens: cacheable ? sizes.prefix : 0,
  };
}

/** One past run's tiers: accounts per tier, how many of them got a draft, and the tiers it drafted. */
export type TierObservation = {
  /** Every account of the run, tiered or not (an account that failed before prioritization has no tier). */
  accounts: number;
  byTier: Partial<Record<Tier, { accounts: number; drafted: number }>>;
  /** The tiers the run's policy drafted. */
  draftedTiers: readonly Tier[];
};

const TIERS: readonly Tier[] = ['A', 'B', 'C', 'D'];

/**
 * Share of accounts that will get a draft when `draftTiers` are drafted: each tier's share of
 * the accounts times the share of that tier's accounts that got a draft when it was drafted (the
 * rest had no reachable contact or failed). A tier the past runs did not draft gets the drafted
 * share of the tiers they did. With the same tiers as then this is exactly drafted ÷ accounts.
 * `undefined` when the runs have no accounts.
 */
export function draftShareFromTiers(runs: readonly TierObservation[], draftTiers: readonly Tier[]): number | undefined {
  const accounts = runs.reduce((n, r) => n + r.accounts, 0);
  if (accounts <= 0) return undefined;
  const inTier = (t: Tier) => runs.reduce((n, r) => n + (r.byTier[t]?.accounts ?? 0), 0);
  const draftedWhere = (t: Tier) => runs.filter((r) => r.draftedTiers.includes(t));
  let eligible = 0;
  let drafted = 0;
  for (const t of TIERS) {
    for (const r of draftedWhere(t)) {
      eligible += r.byTier[t]?.accounts ?? 0;
      drafted += r.byTier[t]?.drafted ?? 0;
    }
  }
  // No tier was ever drafted: nothing says how many accounts lack a reachable contact; assume none do.
  const fallback = eligible > 0 ? drafted / eligible : 1;
  let share = 0;
  for (const t of new Set(draftTiers)) {
    const when = draftedWhere(t);
    const tierAccounts = when.reduce((n, r) => n + (r.byTier[t]?.accounts ?? 0), 0);
    const rate = tierAccounts > 0 ? when.reduce((n, r) => n + (r.byTier[t]?.drafted ?? 0), 0) / tierAccounts : fallback;
    share += (inTier(t) / accounts) * rate;
  }
  return share;
}

export function addTokens(a: TokenTotals, b: TokenTotals): TokenTotals {
  return { input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite };
}

function roundTokens(t: TokenTotals): TokenTotals {
  return { input: Math.round(t.input), output: Math.round(t.output), cacheRead: Math.round(t.cacheRead), cacheWrite: Math.round(t.cacheWrite) };
}
