/**
 * The spend forecast behind `bookrun run --dry-run`: expected calls, tokens and cost per stage
 * and model, before anything is spent.
 *
 * - With history, each stage uses per-call averages measured in the ledger of recent completed
 *   runs (the same book and skill version first), failed calls included, scaled to the book's
 *   accounts now and re-priced for the model and mode asked for now. Prompts grow between runs
 *   (a run writes memory the next run's prompts carry), so each run's uncached input is scaled by
 *   how much larger the same sample of accounts' prompts are now than when that run started.
 * - Without history, it builds the real requests for a sample of the book's accounts with typical
 *   answers standing in for the earlier steps', counts them (./forecast-tokens.ts), guesses each
 *   account's tier from the prioritization rubric, and assumes one call per account per stage with
 *   the first call of each stage writing the cached prefix and the rest reading it.
 */
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { books } from '../../db/schema/index.ts';
import type { Tier } from '../agents/types.ts';
import { NotFoundError } from '../errors.ts';
import { draftedAccounts, loadHistory, STEP_SKILL, type HistoryRun, type StageHistory } from './forecast-history.ts';
import {
  addTokens,
  draftShareFromTiers,
  estimatedProfile,
  FORECAST_STEPS,
  profileFromObservations,
  projectStage,
  ZERO_TOKENS,
  type ForecastStep,
  type PricingMode,
  type StageObservation,
  type StageProfile,
  type TokenTotals,
} from './forecast-math.ts';
import { sampleContexts } from './forecast-sample.ts';
import { sampleSizes, stepPrefixTokens, type CallSize, type ForecastSkills, type SampleSizes } from './forecast-prompts.ts';

export type { ForecastSkills } from './forecast-prompts.ts';
export type { ForecastStep, TokenTotals } from './forecast-math.ts';

export type ForecastInput = {
  bookId: string;
  /** The skills the run will use; their versions pick the history, their text sizes the estimate. */
  skills: ForecastSkills;
  /** Model id per skill name (`research`, `prioritization`, `drafting`). */
  models: Readonly<Record<keyof ForecastSkills, string>>;
  /** Tiers that get a draft. */
  draftTiers: readonly Tier[];
  /** `batch` prices at the Batch API discount, with 1-hour cache writes. */
  mode: 'realtime' | 'batch';
  /** The run's reference time (prompts and fact freshness are relative to it). */
  now: Date;
};

export type ForecastStage = {
  step: ForecastStep;
  model: string;
  /** Accounts expected to reach the stage (for drafts: to get one). */
  accounts: number;
  calls: number;
  tokens: TokenTotals;
  costUsd: number;
  /** Where this stage's per-call averages come from. */
  basis: 'history' | 'estimate';
};

export type Forecast = {
  bookId: string;
  accounts: number;
  mode: 'realtime' | 'batch';
  /** `history` when any stage rests on measured runs; `estimate` for a first run. */
  basis: 'history' | 'estimate';
  stages: ForecastStage[];
  total: { calls: number; tokens: TokenTotals; costUsd: number };
  /** What the numbers rest on and what they leave out, one sentence each. */
  notes: string[];
};

/** Forecasts the next run of a book. Reads only; throws `NotFoundError` for an unknown book. */
export async function forecastRun(db: DbOrTx, input: ForecastInput): Promise<Forecast> {
  const [book] = await db
    // Qualified by hand: inside the subquery an unqualified "id" would be the account's.
    .select({ accounts: sql<number>`(select count(*) from accounts a where a.book_id = books.id)`.mapWith(Number) })
    .from(books)
    .where(eq(books.id, input.bookId));
  if (!book) throw new NotFoundError('book', input.bookId);
  const accounts = book.accounts;
  if (accounts === 0) return finish(input, accounts, [], ['The book has no accounts: the run would make no model calls.']);
  // The request builders' own advice (src/agents/prompt.ts): batch stages outlast a 5-minute entry.
  const pricing: PricingMode = { mode: input.mode, cacheTtl: input.mode === 'batch' ? '1h' : '5m' };

  const versions = { research: input.skills.research.version, prioritize: input.skills.prioritization.version, draft: input.skills.drafting.version };
  const history = await loadHistory(db, input.bookId, versions);
  const runIds = [...new Set(FORECAST_STEPS.flatMap((step) => history[step].runs.map((r) => r.id)))];
  const sample = await sampleContexts(db, input.bookId, runIds, input.now);
  const now = sampleSizes(input.skills, sample.current, input.draftTiers);
  if (!now) throw new NotFoundError('book', input.bookId); // the accounts vanished between two reads
  const thenSizes = new Map<string, SampleSizes | undefined>();
  const sizesOf = (run: HistoryRun) => {
    if (!thenSizes.has(run.id)) thenSizes.set(run.id, sampleSizes(input.skills, sample.byRun.get(run.id) ?? [], input.draftTiers));
    return thenSizes.get(run.id);
  };
  const prefixes = stepPrefixTokens(input.skills);

  const draft = draftShare(input.draftTiers, history.prioritize.runs, now, (run) => sizesOf(run)?.draftShare, input.bookId);

  const stages: ForecastStage[] = [];
  const measuredBy = new Map<ForecastStep, Measured>();
  for (const step of FORECAST_STEPS) {
    const model = input.models[STEP_SKILL[step]];
    const scale = (run: HistoryRun) => inputScale(callSize(now, step), sizesOf(run), step);
    const measured = measuredProfile(step, history[step], scale, versions[step], prefixes[step]);
    if (measured) measuredBy.set(step, measured);
    const profile = measured?.profile ?? estimatedProfile({ ...callSize(now, step, 'asked'), prefix: prefixes[step] }, model);
    const stageAccounts = step === 'draft' ? accounts * draft.share : accounts;
    const projection = projectStage(profile, stageAccounts, model, pricing);
    stages.push({ step, model, accounts: Math.round(stageAccounts), ...projection, basis: measured ? 'history' : 'estimate' });
  }

  const notes: string[] = [];
  if (measuredBy.size === 0) {
    notes.push(
      `Estimate without history: no completed run to learn from, so tokens come from the skills' sizes and the requests built for ${now.accounts} sampled account(s), at about 4 characters per token.`,
      'Answers are assumed at the short end of what each skill asks for, with one call per account and stage (no retries or failures) and no adaptive thinking; real Claude may spend more.',
      'Prompt caching: the first call of each stage writes its cached prefix (skill and references) and the rest read it, as long as calls come within the cache TTL.',
    );
  } else {
    notes.push(...historyNotes(measuredBy, stages, accounts));
  }
  notes.push(draft.note);
  if (input.mode === 'batch') notes.push('Batch mode: every token class is priced at the Batch API discount (50%), cache writes at the 1-hour TTL.');
  return finish(input, accounts, stages, notes);
}

/** A stage's averages measured in past runs, and what the notes say about them. */
type Measured = {
  profile: StageProfile;
  runs: HistoryRun[];
  match: StageHistory['match'];
  /** Some run used another version of the stage's skill. */
  otherVersion: boolean;
  /** Call-weighted growth of the uncached prompt since the runs (0.1 = 10% larger now). */
  growth: number;
  models: string[];
};

/** A stage's per-call averages from its history; `undefined` when no run served the stage. */
function measuredProfile(
  step: ForecastStep,
  history: StageHistory,
  scale: (run: HistoryRun) => number,
  version: string,
  prefixNow: number,
): Measured | undefined {
  const observations: StageObservation[] = history.runs.map((run) => {
    const sums = run.steps.get(step) ?? { calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, writers: 0 };
    return { ...sums, accounts: step === 'draft' ? draftedAccounts(run) : run.tiers.accounts, inputScale: scale(run) };
  });
  const measured = profileFromObservations(observations);
  if (!measured) return undefined;
  const runs = history.runs.filter((_, i) => (observations[i]?.accounts ?? 0) > 0);
  const otherVersion = runs.some((r) => r.settings.skills?.[STEP_SKILL[step]] !== version);
  // Another skill version has another prefix: keep whether it was cached, at today's size.
  const profile = otherVersion && measured.cached > 0 ? { ...measured, cached: prefixNow, writeTokens: measured.writesPerRun > 0 ? prefixNow : 0 } : measured;
  const served = observations.filter((o) => o.accounts > 0);
  const input = served.reduce((n, o) => n + o.input, 0);
  const scaled = served.reduce((n, o) => n + o.input * (o.inputScale ?? 1), 0);
  const models = [...new Set(runs.flatMap((r) => r.steps.get(step)?.models ?? []))];
  return { profile, runs, match: history.match, otherVersion, growth: input > 0 ? scaled / input - 1 : 0, models };
}

function historyNotes(measuredBy: ReadonlyMap<ForecastStep, Measured>, stages: readonly ForecastStage[], accounts: number): string[] {
  const notes: string[] = [];
  const entries = [...measuredBy.entries()];
  const ids = (m: Measured) => m.runs.map((r) => r.id).join(', ');
  const [first] = entries;
  const shared = first && entries.length === FORECAST_STEPS.length && entries.every(([, m]) => ids(m) === ids(first[1]) && m.match === first[1].match && m.otherVersion === first[1].otherVersion);
  if (shared) {
    const m = first[1];
    notes.push(`Per-call averages measured in ${m.runs.length} completed run(s) ${matchText(m, 'the same skill versions')} (${ids(m)}), failed calls included, scaled to the book's ${accounts} accounts.`);
  } else {
    for (const [step, m] of entries) {
      notes.push(`${step}: per-call averages measured in ${m.runs.length} completed run(s) ${matchText(m, `the same ${STEP_SKILL[step]} skill`)} (${ids(m)}), failed calls included.`);
    }
  }
  const changed = entries.filter(([, m]) => Math.abs(m.growth) >= 0.01).map(([step, m]) => `${step} ${m.growth > 0 ? '+' : '-'}${Math.abs(Math.round(m.growth * 100))}%`);
  if (changed.length > 0) notes.push(`Prompts of the same accounts have changed since those runs started (memory written since): ${changed.join(', ')}; measured uncached input is scaled to match.`);
  for (const [step, m] of entries) {
    const model = stages.find((s) => s.step === step)?.model;
    if (model && m.models.some((x) => x !== model)) notes.push(`${step}: measured on ${m.models.join(', ')}; the same token counts are priced for ${model}.`);
  }
  for (const s of stages) if (s.basis === 'estimate' && s.calls > 0) notes.push(`${s.step}: no past run measured this stage, so it is estimated from prompt sizes.`);
  return notes;
}

function matchText(m: Measured, sameSkill: string): string {
  if (m.match === 'book-and-skill') return `of this book with ${sameSkill}`;
  if (m.match === 'skill') return `of other books with ${sameSkill}`;
  return m.otherVersion ? "made with other skill versions (cached prefix resized to today's skills)" : 'found';
}

/** The sample's average call of a step: drafts over accounts drafted now, or over every reachable one. */
function callSize(sizes: SampleSizes, step: ForecastStep, drafts: 'asked' | 'reachable' = 'reachable'): CallSize {
  if (step === 'draft') return drafts === 'asked' ? sizes.draft : sizes.draftReachable;
  return sizes[step];
}

/**
 * How much larger a step's uncached prompt is now than when a run started, from the same sample
 * of accounts built both ways. Drafts compare every reachable account, not only the ones drafted,
 * so a different choice of tiers does not pass for growth. 1 when either side has no sample.
 */
function inputScale(nowSize: CallSize, then: SampleSizes | undefined, step: ForecastStep): number {
  const before = then ? callSize(then, step).input : 0;
  return before > 0 && nowSize.input > 0 ? nowSize.input / before : 1;
}

/**
 * Share of the book that will be drafted. From past runs' tiers when there are any: as measured
 * for the same book; for another book, scaled by how this book's rubric share compares with
 * theirs. Else the rubric share of the sample.
 */
function draftShare(
  tiers: readonly Tier[],
  runs: readonly HistoryRun[],
  now: SampleSizes,
  rubricShareOf: (run: HistoryRun) => number | undefined,
  bookId: string,
): { share: number; note: string } {
  const which = tiers.length > 0 ? `tiers ${tiers.join(', ')}` : 'no tiers';
  const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
  const measured = draftShareFromTiers(runs.map((r) => r.tiers), tiers);
  if (measured === undefined) {
    return { share: now.draftShare, note: `Drafts: ${pct(now.draftShare)} of the accounts (${which}): the sampled accounts the prioritization rubric puts in those tiers and that have a reachable contact.` };
  }
  if (runs.every((r) => r.bookId === bookId)) {
    return { share: measured, note: `Drafts: ${pct(measured)} of the accounts (${which}), from the tiers and drafted share of past runs.` };
  }
  const theirs = runs.map(rubricShareOf).filter((x): x is number => x !== undefined);
  const rubricThen = theirs.length > 0 ? theirs.reduce((n, x) => n + x, 0) / theirs.length : 0;
  const share = rubricThen > 0 ? Math.min(1, (measured * now.draftShare) / rubricThen) : measured;
  return { share, note: `Drafts: ${pct(share)} of the accounts (${which}), from other books' past runs (${pct(measured)}), adjusted by how this book scores on the prioritization rubric against them.` };
}

function finish(input: ForecastInput, accounts: number, stages: ForecastStage[], notes: string[]): Forecast {
  const tokens = stages.reduce((t, s) => addTokens(t, s.tokens), { ...ZERO_TOKENS });
  return {
    bookId: input.bookId,
    accounts,
    mode: input.mode,
    basis: stages.some((s) => s.basis === 'history') ? 'history' : 'estimate',
    stages,
    total: { calls: stages.reduce((n, s) => n + s.calls, 0), tokens, costUsd: stages.reduce((n, s) => n + s.costUsd, 0) },
    notes,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const usd = (n: number) => `$${n < 10 ? n.toFixed(4) : n.toFixed(2)}`;

/**
 * The forecast as a table for the terminal: a header line, one row per stage, a total row, then
 * the notes. Columns are padded to line up; numbers use thousands separators.
 */
export function formatForecast(forecast: Forecast): string[] {
  const header = ['stage', 'model', 'accounts', 'calls', 'input', 'output', 'cache read', 'cache write', 'cost'];
  const rows = forecast.stages.map((s) => [
    s.step,
    s.model,
    int(s.accounts),
    int(s.calls),
    int(s.tokens.input),
    int(s.tokens.output),
    int(s.tokens.cacheRead),
    int(s.tokens.cacheWrite),
    usd(s.costUsd),
  ]);
  const t = forecast.total;
  rows.push(['total', '', '', int(t.calls), int(t.tokens.input), int(t.tokens.output), int(t.tokens.cacheRead), int(t.tokens.cacheWrite), usd(t.costUsd)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const basis = forecast.basis === 'history' ? 'from past runs' : 'estimate, no history';
  return [
    `Forecast for ${int(forecast.accounts)} accounts (${forecast.mode}, ${basis}): ${usd(t.costUsd)}, ${int(t.tokens.input + t.tokens.output + t.tokens.cacheRead + t.tokens.cacheWrite)} tokens`,
    line(header),
    ...rows.map(line),
    ...forecast.notes.map((n) => `note: ${n}`),
  ];
}

