/**
 * `importBook`: a CRM export (CSV) into a book. Two streaming passes over the file: the first
 * reads the header (a missing required column fails before anything is written) and counts rows
 * per account id, so the second can hold back exactly the duplicated accounts until their last
 * row and merge them; every other row goes straight into a batch. Nothing is silently dropped:
 * each data row is imported, updated, unchanged, stale, merged as a duplicate, or quarantined.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { books, imports } from '../../db/schema/index.ts';
import type { ColumnMap } from './column-map.ts';
import { databaseError } from './database-errors.ts';
import { BookDatabaseError, BookFileError, BookInputError } from './errors.ts';
import { mapHeaders, type HeaderMapping } from './header-mapping.ts';
import type { ImportIssue, ImportReport } from './import-report.ts';
import { mergeDuplicates, type LinedRow, type MergedRow } from './merge-duplicates.ts';
import { readCsv, type CsvItem } from './read-csv.ts';
import { createRowValidator, externalIdOf, type RowIssue } from './validate-row.ts';
import { writeBatch, type BatchOutcome, type QuarantineEntry, type WriteContext } from './write-batch.ts';

export type ImportProgress = { rows: number; quarantined: number };

export type ImportBookOptions = {
  db: Db;
  /** Path of the CSV file. */
  file: string;
  /** The book to import into; created when new. */
  bookName: string;
  /** Column map for headers the defaults do not know (`--map`). */
  mapping?: ColumnMap;
  /** Called every `progressEvery` rows. */
  onProgress?: (progress: ImportProgress) => void;
  /** Accounts per transaction. @defaultValue 500 */
  batchSize?: number;
  /** @defaultValue 1000 */
  progressEvery?: number;
};

/** Iterates the file, turning read errors into a `BookFileError` that names the file. */
async function* items(file: string): AsyncGenerator<CsvItem> {
  try {
    yield* readCsv(file);
  } catch (error) {
    if (error instanceof BookInputError) throw error;
    throw new BookFileError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function assertReadable(file: string): Promise<void> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new BookFileError(error.code === 'ENOENT' ? `${file} not found` : `cannot read ${file}: ${error.message}`, { cause: error });
  });
  if (info.isDirectory()) throw new BookFileError(`${file} is a directory, not a CSV file`);
}

/** Pass 1: header mapping and rows per account id. */
async function scan(file: string, map: ColumnMap | undefined): Promise<{ mapping: HeaderMapping; idCounts: Map<string, number> }> {
  let mapping: HeaderMapping | undefined;
  const idCounts = new Map<string, number>();
  for await (const item of items(file)) {
    if (!mapping) {
      if (item.kind === 'broken') throw new BookInputError(`the header row of ${file} (line ${item.line}) cannot be read: ${item.reason}`);
      mapping = mapHeaders(item.cells, map);
      continue;
    }
    if (item.kind !== 'record' || item.cells.length !== mapping.headers.length) continue;
    const id = externalIdOf(mapping, item.cells);
    if (id) idCounts.set(id, (idCounts.get(id) ?? 0) + 1);
  }
  if (!mapping) throw new BookInputError(`${file} is empty: expected a header row, then one row per account`);
  return { mapping, idCounts };
}

function rawCells(headers: readonly string[], cells: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  cells.forEach((cell, i) => {
    let key = headers[i] ?? `(extra cell ${i + 1})`;
    for (let n = 2; key in raw; n++) key = `${headers[i] ?? '(extra cell)'} (${n})`;
    raw[key] = cell;
  });
  return raw;
}

function issueFrom(line: number, problems: readonly RowIssue[]): ImportIssue {
  const [first, ...more] = problems;
  const also = more.map((p) => (p.column ? `column ${JSON.stringify(p.column)}: ${p.reason}` : p.reason));
  return { line, column: first?.column ?? null, reason: [first?.reason ?? 'invalid row', ...also].join('; also ') };
}

async function ensureBook(db: Db, name: string): Promise<string> {
  await db.insert(books).values({ name }).onConflictDoNothing({ target: books.name });
  const [book] = await db.select({ id: books.id }).from(books).where(eq(books.name, name));
  if (!book) throw new BookDatabaseError(`book ${name} could not be created`);
  return book.id;
}

/** Imports `file` into the book `bookName`; see the module comment for the guarantees. */
export async function importBook(options: ImportBookOptions): Promise<ImportReport> {
  const started = performance.now();
  const { db, file, bookName } = options;
  const batchSize = options.batchSize ?? 500;
  const progressEvery = options.progressEvery ?? 1_000;
  await assertReadable(file);
  const { mapping, idCounts } = await scan(file, options.mapping);
  const validate = createRowValidator(mapping);

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw error instanceof BookDatabaseError || error instanceof BookFileError || error instanceof BookInputError ? error : databaseError(error);
    }
  };
  const bookId = await guard(() => ensureBook(db, bookName));
  const [importRow] = await guard(() => db.insert(imports).values({ bookId, fileName: basename(file) }).returning({ id: imports.id }));
  if (!importRow) throw new BookDatabaseError('the imports row could not be written');
  const ctx: WriteContext = { bookId, importId: importRow.id, fields: new Set(mapping.columns.keys()), repIds: new Map() };

  const totals: BatchOutcome = { imported: 0, updated: 0, unchanged: 0, stale: 0 };
  const issues: ImportIssue[] = [];
  let pending = new Map<string, MergedRow>();
  let quarantine: QuarantineEntry[] = [];
  const held = new Map<string, { remaining: number; rows: LinedRow[] }>();
  let rows = 0;
  let duplicates = 0;
  let conflicts = 0;

  // One batch is written while the next is parsed; a failed write surfaces at the next flush.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = [...pending.values()];
    const rejected = quarantine;
    pending = new Map();
    quarantine = [];
    await writing;
    writing = guard(() => writeBatch(db, ctx, batch, rejected)).then((outcome) => {
      for (const key of Object.keys(totals) as Array<keyof BatchOutcome>) totals[key] += outcome[key];
    });
    writing.catch(() => {});
  };
  const enqueue = async (merged: MergedRow) => {
    const already = pending.get(merged.row.externalId);
    // Only when the file changed between the passes: merge rather than upsert one id twice.
    if (already) duplicates++;
    pending.set(merged.row.externalId, already ? mergeDuplicates([already, merged]) : merged);
    if (pending.size >= batchSize) await flush();
  };
  const release = async (rowsOfAccount: LinedRow[]) => {
    if (rowsOfAccount.length === 0) return;
    const merged = mergeDuplicates(rowsOfAccount);
    duplicates += rowsOfAccount.length - 1;
    if (merged.conflicts.length > 0) conflicts++;
    await enqueue(merged);
  };
  const reject = (entry: QuarantineEntry) => {
    quarantine.push(entry);
    issues.push({ line: entry.line, column: entry.column, reason: entry.reason });
  };

  let isHeader = true;
  for await (const item of items(file)) {
    if (isHeader) {
      isHeader = false;
      continue;
    }
    rows++;
    if (item.kind === 'broken') {
      reject({ line: item.line, column: null, reason: item.reason, raw: item.raw });
    } else {
      const result = validate(item.cells);
      if (!result.ok) reject({ ...issueFrom(item.line, result.issues), raw: rawCells(mapping.headers, item.cells) });
      const id = item.cells.length === mapping.headers.length ? externalIdOf(mapping, item.cells) : '';
      const expected = id ? (idCounts.get(id) ?? 1) : 1;
      if (expected > 1) {
        const group = held.get(id) ?? { remaining: expected, rows: [] };
        group.remaining--;
        if (result.ok) group.rows.push({ row: result.row, line: item.line });
        held.set(id, group);
        if (group.remaining <= 0) {
          held.delete(id);
          await release(group.rows);
        }
      } else if (result.ok) {
        await enqueue({ row: result.row, line: item.line, conflicts: [] });
      }
    }
    if (quarantine.length >= batchSize) await flush();
    if (rows % progressEvery === 0) options.onProgress?.({ rows, quarantined: issues.length });
  }
  for (const group of held.values()) await release(group.rows);
  await flush();
  await writing;

  const report: ImportReport = {
    book: bookName,
    file,
    importId: importRow.id,
    rows,
    ...totals,
    quarantined: issues.length,
    duplicates,
    conflicts,
    ignoredColumns: [...mapping.ignored],
    unusedMapKeys: [...mapping.unusedMapKeys],
    seconds: (performance.now() - started) / 1000,
    issues,
  };
  await guard(() =>
    db
      .update(imports)
      .set({
        rows,
        imported: report.imported,
        updated: report.updated,
        unchanged: report.unchanged,
        stale: report.stale,
        duplicates: report.duplicates,
        conflicts: report.conflicts,
        quarantined: report.quarantined,
        finishedAt: new Date(),
      })
      .where(eq(imports.id, importRow.id)),
  );
  return report;
}
