/** What the web app's middleware puts on each request's context, and what it is built from. */
import type { Queue } from 'bullmq';
import type { Db } from '../../db/client.ts';
import type { WebSession } from '../auth/index.ts';
import type { WebConfig } from '../config.ts';

export type WebDeps = {
  db: Db;
  config: { web: Pick<WebConfig, 'publicUrl' | 'sessionTtlMs'> };
  /** BullMQ queues shown to managers at /admin/queues (bull-board); none: the board is not mounted. */
  queues?: readonly Queue[] | undefined;
  /** Clock for cookie lifetimes and relative dates. @defaultValue () => new Date() */
  now?: () => Date;
  /** Where unexpected errors are logged. @defaultValue no logging */
  log?: (line: string) => void;
};

export type WebEnv = {
  Variables: {
    /** The signed-in rep's session, or null. */
    session: WebSession | null;
    /** The session cookie's value, when it named a live session. */
    sessionToken: string | null;
  };
};

/**
 * A refusal that is not a service error: a failed anti-forgery check (403), a body that is too
 * large (413). Turned into a response by app.onError, like AppError.
 */
export class WebError extends Error {
  readonly status: 403 | 413 | 415;
  readonly code: string;
  constructor(status: 403 | 413 | 415, code: string, message: string) {
    super(message);
    this.name = 'WebError';
    this.status = status;
    this.code = code;
  }
}
