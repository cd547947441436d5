/**
 * Book in: the synthetic book generator and the CSV importer (mapping, validation, quarantine).
 * Explicit exports only; everything else in this folder is internal.
 */
export { ActivityKind, BookActivity, BookContact, BookOwner, BookRow } from './book-row.ts';
export { ColumnMap, DateOrder, loadColumnMap, parseColumnMap } from './column-map.ts';
export { BookDatabaseError, BookFileError, BookInputError } from './errors.ts';
export { BOOKRUN_HEADERS, bookrunHeaderRow, type BookField } from './fields.ts';
export { DEFAULT_AS_OF, generateBook, GenerateBookOptions, type GeneratedBook, type GeneratedBookStats } from './generate/generate-book.ts';
export { writeGeneratedBook, type WriteGeneratedBookOptions, type WrittenBook } from './generate/write-book.ts';
export { mapHeaders, normalizeHeader, type HeaderMapping } from './header-mapping.ts';
export { importBook, type ImportBookOptions, type ImportProgress } from './import-book.ts';
export { formatImportReport, type ImportIssue, type ImportReport } from './import-report.ts';
export { bookBudget, setBookBudget } from './book-budget.ts';
