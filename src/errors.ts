/**
 * The application's error taxonomy (reference/style.md C5). Each edge translates it in exactly
 * one place: job control in src/queue/worker.ts, exit codes in src/cli/exit.ts.
 */
export type AppErrorCode =
  /** A row the job needs is gone (account deleted, run removed). Retrying cannot help. */
  | 'not_found'
  /** Input failed validation (payload, CSV, SKILL.md, options). */
  | 'validation'
  /** The model answered, but not with something bookrun may store. */
  | 'invalid_output'
  /** Something a step depends on did not happen (e.g. a missing research result). */
  | 'precondition_failed'
  /** The change lost a race with an earlier one (a review item decided twice). Retrying cannot help. */
  | 'conflict'
  /** The caller may not do this (a rep deciding another rep's item). */
  | 'forbidden'
  /** The caller is not signed in, or their sign-in link or session is not (or no longer) valid. */
  | 'unauthorized';

export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super('not_found', `${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** Message of any thrown value, for logs and summaries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
