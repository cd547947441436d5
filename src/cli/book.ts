/**
 * `bookrun book generate` and `bookrun book import`: thin wrappers over src/book. Flags are
 * validated with zod here; `BookInputError` (a missing required column, a bad map file) becomes a
 * usage error (exit 2); an unreadable file or a database failure is exit 1 with what to do.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { createDb } from '../../db/client.ts';
import {
  BookDatabaseError,
  BookInputError,
  bookBudget,
  formatImportReport,
  importBook,
  loadColumnMap,
  setBookBudget,
  writeGeneratedBook,
  type ColumnMap,
} from '../book/index.ts';
import { describeLimit } from '../budget/units.ts';
import { loadConfig } from '../config.ts';
import type { CliContext } from './context.ts';
import { redactUrl } from './db.ts';
import { UsageError } from './exit.ts';
import { budgetFrom, positiveInt, positiveUsd } from './run.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const count = (n: number, noun: string) => `${fmt(n)} ${noun}${n === 1 ? '' : 's'}`;

const GenerateFlags = z.object({
  accounts: z.coerce.number({ error: '--accounts must be a number' }).int('--accounts must be a whole number').min(1, '--accounts must be at least 1').max(1_000_000, '--accounts must be at most 1,000,000'),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').min(0, '--seed must be 0 or more').max(2 ** 32 - 1, '--seed must be below 2^32'),
  out: z.string().min(1, '--out needs a file name'),
  asOf: z.iso.date('--as-of must be a date like 2026-11-20'),
  json: z.boolean().optional(),
});
type GenerateFlags = z.infer<typeof GenerateFlags>;

const ImportFlags = z.object({
  book: z.string().trim().min(1, '--book needs a name').max(100, '--book must be at most 100 characters'),
  map: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
type ImportFlags = z.infer<typeof ImportFlags>;

function parseFlags<T>(schema: z.ZodType<T>, flags: unknown): T {
  const parsed = schema.safeParse(flags);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

export function configureBookCommand(program: Command, ctx: CliContext): void {
  const book = program.command('book').summary('generate or import a book of accounts (CSV)').description('Books of accounts: a synthetic generator and the CSV importer.');

  book
    .command('generate')
    .summary('write a realistic synthetic book in the import format')
    .description(
      [
        'Writes one CSV row per account (plain UTF-8, LF), the same bytes for the same',
        'seed: companies, owners, contacts (Contact N Name/Title/Email/Phone/Do Not',
        'Contact), Signals and Recent Activities separated by " | ", notes with commas,',
        'quotes and line breaks, and realistic dirt: ~1.5% duplicate rows (half with',
        'conflicting values), stale records, blank optional fields, and ~0.5% invalid',
        'rows for the importer to quarantine.',
      ].join('\n'),
    )
    .requiredOption('--accounts <n>', 'number of accounts')
    .option('--seed <s>', 'seed: the same seed writes the same bytes', '1')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--as-of <date>', 'the day generated dates count back from', '2026-11-20')
    .option('--json', 'print one JSON object on stdout')
    .action(async (raw: Record<string, unknown>) => {
      const flags: GenerateFlags = parseFlags(GenerateFlags, raw);
      const started = performance.now();
      const written = await writeGeneratedBook({
        accounts: flags.accounts,
        seed: flags.seed,
        asOf: `${flags.asOf}T00:00:00Z`,
        out: flags.out,
        onProgress: flags.accounts >= 20_000 ? (rows) => ctx.stderr(`book generate: ${fmt(rows)} rows written`) : undefined,
      }).catch((error: unknown) => {
        throw new Error(`cannot write ${flags.out}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) {
        ctx.stdout(JSON.stringify({ ...written, seconds }));
        return;
      }
      ctx.stdout(
        `wrote ${count(written.accounts, 'account')} to ${written.file} (${count(written.rows, 'row')}: plus ${count(written.duplicates, 'duplicate row')} and ${count(written.invalidRows, 'broken row')} for import to merge and quarantine)`,
      );
    });

  book
    .command('import')
    .summary('validate and import a CSV book; report imported, updated and quarantined rows')
    .description(
      [
        'Streams FILE (UTF-8 with or without BOM, or UTF-16; LF or CRLF) into the book,',
        'creating the book if it is new. Headers match bookrun fields whatever their',
        "case and punctuation: bookrun's own and common Salesforce and HubSpot headers",
        'work as they are. For other headers, pass a map file:',
        '  {"columns": {"Org Name": "name", "Org #": "externalId"}, "dates": "mdy"}',
        'Required: an account id and an account name. Bad rows are quarantined with',
        'line, column and reason (also kept in the database) and the import still',
        'succeeds (exit 0). Importing the same file again changes nothing; rows older',
        'than what the book has (by Last Modified) are not applied.',
      ].join('\n'),
    )
    .argument('<file>', 'CSV file to import')
    .requiredOption('--book <name>', 'book to import into')
    .option('--map <file>', 'JSON map of file headers to bookrun fields')
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const flags: ImportFlags = parseFlags(ImportFlags, raw);
      let mapping: ColumnMap | undefined;
      try {
        mapping = flags.map ? await loadColumnMap(flags.map) : undefined;
      } catch (error) {
        throw error instanceof BookInputError ? new UsageError(error.message) : error;
      }
      const config = loadConfig();
      const handle = createDb(config.databaseUrl, { max: 2 });
      try {
        const report = await importBook({
          db: handle.db,
          file,
          bookName: flags.book,
          ...(mapping ? { mapping } : {}),
          onProgress: (p) => ctx.stderr(`book import: ${fmt(p.rows)} rows read (${fmt(p.quarantined)} quarantined)`),
        });
        if (report.ignoredColumns.length > 0) ctx.stderr(`ignored columns: ${report.ignoredColumns.join(', ')}`);
        if (report.unusedMapKeys.length > 0) ctx.stderr(`map keys that match no column: ${report.unusedMapKeys.join(', ')}`);
        if (flags.json) ctx.stdout(JSON.stringify(report));
        else for (const line of formatImportReport(report)) ctx.stdout(line);
      } catch (error) {
        if (error instanceof BookInputError) throw new UsageError(error.message);
        if (error instanceof BookDatabaseError) throw new Error(`${error.message} [DATABASE_URL ${redactUrl(config.databaseUrl)}]`, { cause: error });
        throw error;
      } finally {
        await handle.close();
      }
    });

  book
    .command('budget')
    .summary("show or set a book's default budget (the cap of runs that name none)")
    .description(
      [
        "Without a flag, shows the book's default budget. A run of the book that names no --budget-usd or",
        '--budget-tokens gets this cap (nightly schedules rely on it); without one, BOOKRUN_BUDGET_USD or',
        'BOOKRUN_BUDGET_TOKENS applies, and without those the run is uncapped.',
      ].join('\n'),
    )
    .argument('<name>', 'the book')
    .option('--usd <dollars>', 'default cap in USD', positiveUsd)
    .option('--tokens <n>', 'default cap in tokens (input + output + cache reads and writes)', positiveInt)
    .option('--none', 'remove the default cap')
    .option('--json', 'print one JSON object on stdout')
    .action(async (name: string, flags: { usd?: number; tokens?: number; none?: boolean; json?: boolean }) => {
      const given = [flags.usd !== undefined, flags.tokens !== undefined, flags.none === true].filter(Boolean).length;
      if (given > 1) throw new UsageError('give one of --usd, --tokens or --none');
      const config = loadConfig();
      const handle = createDb(config.databaseUrl, { max: 2 });
      try {
        if (given === 1) await setBookBudget(handle.db, name, flags.none ? null : budgetFrom({ budgetUsd: flags.usd, budgetTokens: flags.tokens }) ?? null);
        const limit = await bookBudget(handle.db, name);
        if (flags.json) ctx.stdout(JSON.stringify({ book: name, budget: limit }));
        else ctx.stdout(limit ? `book "${name}": runs are capped at ${describeLimit(limit)} unless they name a budget` : `book "${name}": no default budget`);
      } finally {
        await handle.close();
      }
    });
}
