/**
 * A book's default budget: the cap its runs get when `bookrun run` names none — what a nightly
 * schedule relies on. Order of precedence: the command's flag, then the book's, then
 * BOOKRUN_BUDGET_USD / BOOKRUN_BUDGET_TOKENS.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { books } from '../../db/schema/index.ts';
import type { BudgetLimit } from '../budget/units.ts';
import { AppError } from '../errors.ts';

export async function bookBudget(db: DbOrTx, bookName: string): Promise<BudgetLimit | null> {
  const [book] = await db.select({ usd: books.budgetUsd, tokens: books.budgetTokens }).from(books).where(eq(books.name, bookName));
  if (!book) throw new AppError('not_found', `no book named "${bookName}" (import one with: bookrun book import FILE.csv --book NAME)`);
  if (book.usd !== null) return { kind: 'usd', usd: book.usd };
  if (book.tokens !== null) return { kind: 'tokens', tokens: book.tokens };
  return null;
}

/** Sets (or, with null, clears) a book's default budget. */
export async function setBookBudget(db: DbOrTx, bookName: string, limit: BudgetLimit | null): Promise<void> {
  const updated = await db
    .update(books)
    .set({ budgetUsd: limit?.kind === 'usd' ? limit.usd : null, budgetTokens: limit?.kind === 'tokens' ? limit.tokens : null, updatedAt: new Date() })
    .where(eq(books.name, bookName))
    .returning({ id: books.id });
  if (updated.length === 0) throw new AppError('not_found', `no book named "${bookName}" (import one with: bookrun book import FILE.csv --book NAME)`);
}
