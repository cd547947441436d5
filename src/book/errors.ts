/**
 * Book errors in the application taxonomy (src/errors.ts). The CLI maps `BookInputError` to a
 * usage error (exit 2): the user can fix the command or the file. Everything else is a failure
 * (exit 1) whose message says what to do.
 */
import { AppError } from '../errors.ts';

/** The file or map cannot be used as given (missing required column, bad map file, no header). */
export class BookInputError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('validation', message, options);
    this.name = 'BookInputError';
  }
}

/** The file could not be read at all (missing, a directory, unreadable). */
export class BookFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BookFileError';
  }
}

/** Postgres refused the import; the message carries the fix (migrate, start Postgres). */
export class BookDatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BookDatabaseError';
  }
}
