/**
 * What past runs spent, read with three aggregate statements however large the ledger is: the
 * recent completed runs (small), the ledger summed per run, step and model (through
 * `llm_calls_run_idx`), and each run's tiers with its drafted accounts (through the primary keys
 * of run_items and step_results).
 */
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { llmCalls, runs } from '../../db/schema/index.ts';
import type { Tier } from '../agents/types.ts';
import type { ForecastStep, StageObservation, TierObservation } from './forecast-math.ts';

/** Runs averaged per stage: enough to smooth one odd night, recent enough to match the book. */
export const HISTORY_RUNS = 3;
/** Completed runs considered: the book's latest, and the latest of any book. */
const CANDIDATES_OF_BOOK = 10;
const CANDIDATES_OF_ANY = 20;

/** The skill each step runs, as runs record versions and models by skill name. */
export const STEP_SKILL: Readonly<Record<ForecastStep, 'research' | 'prioritization' | 'drafting'>> = {
  research: 'research',
  prioritize: 'prioritization',
  draft: 'drafting',
};

const TierEnum = z.enum(['A', 'B', 'C', 'D']);

/**
 * The part of `runs.settings` a forecast reads (src/run/start-run.ts writes it). Anything else
 * may be there; anything missing or malformed just means "unknown".
 */
export const RunSettings = z.looseObject({
  skills: z.record(z.string(), z.string()).optional().catch(undefined),
  policy: z.looseObject({ draftTiers: z.array(TierEnum).optional().catch(undefined) }).optional().catch(undefined),
});
export type RunSettings = z.infer<typeof RunSettings>;

/** A past run and what its ledger says it spent per stage. */
export type HistoryRun = {
  id: string;
  bookId: string;
  settings: RunSettings;
  /** Accounts of the run, and per tier how many got a draft. */
  tiers: TierObservation;
  /** Per stage: ledger sums over every call (failed ones too) and the models they went to. */
  steps: Map<ForecastStep, Omit<StageObservation, 'accounts' | 'inputScale'> & { models: string[] }>;
};

/** How closely the runs chosen for a stage match the forecast. */
export type HistoryMatch = 'book-and-skill' | 'skill' | 'any';

export type StageHistory = { runs: HistoryRun[]; match: HistoryMatch };

const Candidate = z.object({ id: z.string(), bookId: z.string(), settings: z.unknown(), finishedAt: z.date().nullable() });

/**
 * The recent completed runs chosen for each stage: up to {@link HISTORY_RUNS} of the same book
 * run with the same version of the stage's skill; else of any book with that version; else the
 * latest of any kind (the book's own first). Runs that served no account are skipped.
 */
export async function loadHistory(
  db: DbOrTx,
  bookId: string,
  versions: Readonly<Record<ForecastStep, string>>,
): Promise<Record<ForecastStep, StageHistory>> {
  const completed = and(eq(runs.status, 'completed'), sql`${runs.accounts} > 0`);
  const recent = (where: SQL | undefined, limit: number) =>
    db
      .select({ id: runs.id, bookId: runs.bookId, settings: runs.settings, finishedAt: runs.finishedAt })
      .from(runs)
      .where(where)
      .orderBy(desc(runs.finishedAt))
      .limit(limit);
  const [ofBook, ofAny] = await Promise.all([recent(and(completed, eq(runs.bookId, bookId)), CANDIDATES_OF_BOOK), recent(completed, CANDIDATES_OF_ANY)]);
  const seen = new Set<string>();
  const candidates = [...ofBook, ...ofAny]
    .map((r) => Candidate.parse(r))
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .map((r) => ({ id: r.id, bookId: r.bookId, settings: parseSettings(r.settings), finishedAt: r.finishedAt?.getTime() ?? 0 }))
    .sort((a, b) => b.finishedAt - a.finishedAt);

  const chosen = {} as Record<ForecastStep, { ids: string[]; match: HistoryMatch }>;
  for (const step of ['research', 'prioritize', 'draft'] as const) {
    const sameSkill = candidates.filter((c) => c.settings.skills?.[STEP_SKILL[step]] === versions[step]);
    const sameBook = sameSkill.filter((c) => c.bookId === bookId);
    const any = [...candidates.filter((c) => c.bookId === bookId), ...candidates.filter((c) => c.bookId !== bookId)];
    const [list, match]: [typeof candidates, HistoryMatch] =
      sameBook.length > 0 ? [sameBook, 'book-and-skill'] : sameSkill.length > 0 ? [sameSkill, 'skill'] : [any, 'any'];
    chosen[step] = { ids: list.slice(0, HISTORY_RUNS).map((c) => c.id), match };
  }

  const ids = [...new Set(Object.values(chosen).flatMap((c) => c.ids))];
  const loaded = await loadRuns(db, ids, new Map(candidates.map((c) => [c.id, c])));
  const out = {} as Record<ForecastStep, StageHistory>;
  for (const step of ['research', 'prioritize', 'draft'] as const) {
    const { ids: stepIds, match } = chosen[step];
    out[step] = { runs: stepIds.flatMap((id) => loaded.get(id) ?? []), match };
  }
  return out;
}

function parseSettings(value: unknown): RunSettings {
  const parsed = RunSettings.safeParse(value);
  return parsed.success ? parsed.data : {};
}

const LedgerRow = z.object({
  runId: z.string(),
  step: z.string().nullable(),
  model: z.string(),
  calls: z.number(),
  input: z.number(),
  output: z.number(),
  cacheRead: z.number(),
  cacheWrite: z.number(),
  writers: z.number(),
});

const TierRow = z.object({ runId: z.string(), tier: TierEnum.nullable(), accounts: z.number(), drafted: z.number() });

async function loadRuns(
  db: DbOrTx,
  ids: readonly string[],
  candidates: ReadonlyMap<string, { id: string; bookId: string; settings: RunSettings }>,
): Promise<Map<string, HistoryRun>> {
  if (ids.length === 0) return new Map();
  const total = (column: unknown) => sql<number>`coalesce(sum(${column}), 0)::float8`.mapWith(Number);
  const [ledger, tiers] = await Promise.all([
    db
      .select({
        runId: sql<string>`${llmCalls.runId}`,
        step: llmCalls.step,
        model: llmCalls.model,
        calls: count(),
        input: total(llmCalls.inputTokens),
        output: total(llmCalls.outputTokens),
        cacheRead: total(llmCalls.cacheReadTokens),
        cacheWrite: total(llmCalls.cacheWriteTokens),
        writers: sql<number>`count(*) filter (where ${llmCalls.cacheWriteTokens} > 0)`.mapWith(Number),
      })
      .from(llmCalls)
      .where(inArray(llmCalls.runId, [...ids]))
      .groupBy(llmCalls.runId, llmCalls.step, llmCalls.model),
    db.execute(sql`
      select i.run_id as "runId", i.tier, count(*)::int as accounts, count(s.account_id)::int as drafted
      from run_items i
      left join step_results s on s.run_id = i.run_id and s.account_id = i.account_id and s.step = 'draft' and s.status = 'succeeded'
      where i.run_id in (select value from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      group by i.run_id, i.tier`),
  ]);

  const out = new Map<string, HistoryRun>();
  for (const id of ids) {
    const c = candidates.get(id);
    if (!c) continue;
    out.set(id, { id, bookId: c.bookId, settings: c.settings, tiers: { accounts: 0, byTier: {}, draftedTiers: [] }, steps: new Map() });
  }
  for (const raw of tiers) {
    const row = TierRow.parse(raw);
    const run = out.get(row.runId);
    if (!run) continue;
    run.tiers.accounts += row.accounts;
    if (row.tier) run.tiers.byTier[row.tier] = { accounts: row.accounts, drafted: row.drafted };
  }
  for (const run of out.values()) {
    // The policy the run recorded, or else the tiers that did get drafts.
    const recorded = run.settings.policy?.draftTiers;
    run.tiers.draftedTiers = recorded ?? (Object.keys(run.tiers.byTier) as Tier[]).filter((t) => (run.tiers.byTier[t]?.drafted ?? 0) > 0);
  }
  for (const raw of ledger) {
    const row = LedgerRow.parse(raw);
    const run = out.get(row.runId);
    const step = row.step as ForecastStep | null;
    if (!run || (step !== 'research' && step !== 'prioritize' && step !== 'draft')) continue;
    const sums = run.steps.get(step) ?? { calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, writers: 0, models: [] };
    sums.calls += row.calls;
    sums.input += row.input;
    sums.output += row.output;
    sums.cacheRead += row.cacheRead;
    sums.cacheWrite += row.cacheWrite;
    sums.writers += row.writers;
    if (!sums.models.includes(row.model)) sums.models.push(row.model);
    run.steps.set(step, sums);
  }
  return out;
}

/** Accounts a run drafted: the base of its draft calls per account. */
export function draftedAccounts(run: HistoryRun): number {
  return Object.values(run.tiers.byTier).reduce((n, t) => n + (t?.drafted ?? 0), 0);
}

