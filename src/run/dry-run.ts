/**
 * `bookrun run --dry-run`: what the next run of a book would spend, per stage and model, before
 * anything is spent (src/budget/forecast.ts), and whether it fits the budget asked for. Needs
 * only Postgres and the skills: no Redis, no model calls.
 */
import { eq } from 'drizzle-orm';
import { checkDatabase, createDb } from '../../db/client.ts';
import { books } from '../../db/schema/index.ts';
import { bookBudget } from '../book/index.ts';
import { forecastRun, type Forecast } from '../budget/forecast.ts';
import type { BudgetLimit } from '../budget/units.ts';
import type { Config } from '../config.ts';
import { PIPELINE_SKILLS } from '../deps.ts';
import { AppError } from '../errors.ts';
import { loadSkills, requireSkills } from '../skills/index.ts';

export type DryRun = Forecast & {
  book: string;
  /** Set when a budget was given: whether the forecast fits it, and by how much. */
  budget: { limit: BudgetLimit; fits: boolean; forecast: number; headroom: number } | null;
};

export async function dryRun(config: Config, bookName: string, budget: BudgetLimit | undefined, mode: 'realtime' | 'batch' = 'realtime', now = new Date()): Promise<DryRun> {
  const skills = requireSkills(await loadSkills(config.skillsDir), PIPELINE_SKILLS);
  const handle = createDb(config.databaseUrl, { max: 2 });
  try {
    await checkDatabase(handle, config.databaseUrl);
    const [book] = await handle.db.select({ id: books.id }).from(books).where(eq(books.name, bookName));
    if (!book) throw new AppError('not_found', `no book named "${bookName}" (import one with: bookrun book import FILE.csv --book NAME)`);
    // The cap the run would get: the one asked for, else the book's, else the configured default.
    budget ??= (await bookBudget(handle.db, bookName)) ?? config.defaultBudget;
    const model = (skill: string) => config.llm.models.bySkill[skill] ?? config.llm.models.default;
    const forecast = await forecastRun(handle.db, {
      bookId: book.id,
      skills: { research: skills.research, prioritization: skills.prioritization, drafting: skills.drafting },
      models: { research: model('research'), prioritization: model('prioritization'), drafting: model('drafting') },
      draftTiers: config.policy.draftTiers,
      mode,
      now,
    });
    const t = forecast.total.tokens;
    const amount = budget?.kind === 'tokens' ? t.input + t.output + t.cacheRead + t.cacheWrite : forecast.total.costUsd;
    const limit = budget ? (budget.kind === 'tokens' ? budget.tokens : budget.usd) : 0;
    return { ...forecast, book: bookName, budget: budget ? { limit: budget, fits: amount <= limit, forecast: amount, headroom: limit - amount } : null };
  } finally {
    await handle.close();
  }
}
