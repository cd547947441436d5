/**
 * Postgres failures during an import, turned into messages that say what to do. drizzle wraps
 * driver errors, so the cause chain is searched for the Postgres or socket error code.
 */
import { BookDatabaseError } from './errors.ts';

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error) message = e.message;
  }
  return message;
}

/** A `BookDatabaseError` for `error`, with the fix in the message. */
export function databaseError(error: unknown): BookDatabaseError {
  const code = codeOf(error);
  const detail = innermostMessage(error);
  const hint =
    code === '42P01' || code === '42703'
      ? 'the database is not migrated; run: bookrun db migrate'
      : code === '3D000'
        ? 'the database does not exist; run: bookrun db migrate'
        : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT'
          ? 'cannot reach Postgres at DATABASE_URL; is it running? (try: bash scripts/services)'
          : code === '28P01' || code === '28000'
            ? 'Postgres refused the credentials in DATABASE_URL'
            : undefined;
  return new BookDatabaseError(hint ? `${hint} (${detail})` : `database error: ${detail}`, { cause: error });
}
