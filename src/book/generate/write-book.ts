/**
 * `writeGeneratedBook`: streams a generated book to a file (LF line endings, UTF-8, no BOM),
 * respecting backpressure so a 1,000,000-account book never sits in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateBook, type GenerateBookOptions, type GeneratedBookStats } from './generate-book.ts';

export type WriteGeneratedBookOptions = GenerateBookOptions & {
  out: string;
  /** Called every `progressEvery` rows with the number of rows written so far. */
  onProgress?: (rowsWritten: number) => void;
  /** @defaultValue 10_000 */
  progressEvery?: number;
};

export type WrittenBook = GeneratedBookStats & { file: string };

/** Generates a book into `out` (overwriting it); resolves with the file name and the book's counts. */
export async function writeGeneratedBook(options: WriteGeneratedBookOptions): Promise<WrittenBook> {
  const { out, onProgress, progressEvery = 10_000, ...generate } = options;
  const book = generateBook(generate);
  const stream = createWriteStream(out, { encoding: 'utf8' });
  const failed = once(stream, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => {});
  const buffer: string[] = [];
  let rows = -1;
  for (const line of book.lines()) {
    buffer.push(line);
    rows++;
    if (buffer.length >= 500) {
      if (!stream.write(`${buffer.join('\n')}\n`)) await Promise.race([once(stream, 'drain'), failed]);
      buffer.length = 0;
    }
    if (onProgress && rows > 0 && rows % progressEvery === 0) onProgress(rows);
  }
  stream.end(buffer.length > 0 ? `${buffer.join('\n')}\n` : '');
  await Promise.race([once(stream, 'finish'), failed]);
  return { file: out, ...book.stats };
}
