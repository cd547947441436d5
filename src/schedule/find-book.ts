/** The book a schedule command names, or a not-found error that lists the books there are. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { books } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';

export async function findBook(db: DbOrTx, bookName: string): Promise<{ id: string; name: string }> {
  const [book] = await db.select({ id: books.id, name: books.name }).from(books).where(eq(books.name, bookName));
  if (book) return book;
  const known = await db.select({ name: books.name }).from(books).orderBy(books.name).limit(20);
  const hint = known.length ? `known books: ${known.map((b) => b.name).join(', ')}` : 'import one with: bookrun book import FILE.csv --book NAME';
  throw new AppError('not_found', `no book named "${bookName}" (${hint})`);
}
