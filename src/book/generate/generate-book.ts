/**
 * `generateBook`: a realistic synthetic book in bookrun's import format (see src/book/fields.ts
 * for the columns), deterministic for a seed. Plain UTF-8, LF line endings, one row per account
 * plus the duplicates and invalid rows described in ./dirt.ts.
 */
import { z } from 'zod';
import { formatCsvRow } from './csv-row.ts';
import { conflictingCopy, INVALID_KINDS, invalidRow, type InvalidKind } from './dirt.ts';
import { fakeAccount, HEADERS, NAME_COMBOS, type FakeAccountContext } from './fake-account.ts';
import { createRng, deriveSeed, permutation } from './prng.ts';

/** The day generated activity and modification dates count back from, so output never drifts. */
export const DEFAULT_AS_OF = '2026-11-20T00:00:00Z';

/** Options of `generateBook`; `asOf` accepts a Date or an ISO string. */
export const GenerateBookOptions = z.object({
  accounts: z.number().int().min(1).max(1_000_000),
  /** @defaultValue 1 */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  /** @defaultValue 2026-11-20 */
  asOf: z.coerce.date().default(new Date(DEFAULT_AS_OF)),
});
export type GenerateBookOptions = z.input<typeof GenerateBookOptions>;

export type GeneratedBookStats = {
  accounts: number;
  /** Data rows (header excluded) = accounts + duplicates + invalid rows. */
  rows: number;
  /** Extra rows for accounts already in the file. */
  duplicates: number;
  /** Of those, rows whose values disagree with the original. */
  conflictingDuplicates: number;
  /** Rows the importer must quarantine: extra rows of extra accounts, not part of `accounts`. */
  invalidRows: number;
};

export type GeneratedBook = {
  stats: GeneratedBookStats;
  /** The header, then every row, each a CSV line without its line break. */
  lines(): Generator<string>;
};

type Duplicate = { index: number; conflicting: boolean };

/** Plans a book for `options` (validated with zod); `lines()` then yields it row by row. */
export function generateBook(options: GenerateBookOptions): GeneratedBook {
  const { accounts, seed, asOf } = GenerateBookOptions.parse(options);
  const plan = createRng(deriveSeed(seed, 0xb00c));
  const ctx: FakeAccountContext = { seed, asOf, companyOrder: permutation(NAME_COMBOS, plan) };

  const invalidCount = Math.round(accounts * 0.005);
  const duplicateCount = Math.min(Math.round(accounts * 0.015), accounts - invalidCount);
  const picks = permutation(accounts, plan);
  // Broken rows are extra rows of extra accounts (ids after the last good one), placed after the
  // picked slots: `--accounts N` always yields N importable accounts, plus the dirt to quarantine.
  const invalid = new Map<number, Array<{ account: number; kind: InvalidKind }>>();
  picks.slice(0, invalidCount).forEach((slot, k) => {
    const kind = INVALID_KINDS[k % INVALID_KINDS.length] ?? 'missing-name';
    invalid.set(slot, [...(invalid.get(slot) ?? []), { account: accounts + k, kind }]);
  });
  // A duplicate goes after its original, anywhere later in the file, like real exports.
  const after = new Map<number, Duplicate[]>();
  picks.slice(invalidCount, invalidCount + duplicateCount).forEach((index, k) => {
    const slot = plan.int(index, accounts - 1);
    after.set(slot, [...(after.get(slot) ?? []), { index, conflicting: k % 2 === 1 }]);
  });
  const conflicting = Math.floor(duplicateCount / 2);

  return {
    stats: { accounts, rows: accounts + duplicateCount + invalidCount, duplicates: duplicateCount, conflictingDuplicates: conflicting, invalidRows: invalidCount },
    *lines() {
      yield formatCsvRow(HEADERS);
      for (let i = 0; i < accounts; i++) {
        const account = fakeAccount(i, ctx);
        yield formatCsvRow(account.cells);
        for (const broken of invalid.get(i) ?? []) {
          const extra = fakeAccount(broken.account, ctx);
          yield formatCsvRow(invalidRow(extra.cells, broken.kind, extra.contacts));
        }
        for (const dup of after.get(i) ?? []) {
          const original = dup.index === i ? account : fakeAccount(dup.index, ctx);
          const rng = createRng(deriveSeed(seed, 2_000_000 + dup.index));
          yield formatCsvRow(dup.conflicting ? conflictingCopy(original.cells, rng) : original.cells);
        }
      }
    },
  };
}
