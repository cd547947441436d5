/**
 * The outbox relay: delivers every approved side effect at least once to a receiver that dedupes
 * by idempotency key, and never re-sends one whose outcome is unknown without asking the receiver
 * first. Runs standalone (`bookrun outbox relay`) or embedded in `bookrun worker`; any number of
 * relays may run against one database (claims skip each other's locked rows).
 *
 * Each pass: (1) re-claim rows whose relay died mid-delivery (expired lease) and ask the receiver
 * about them; (2) claim due `pending` rows and POST them. Passes repeat at once while there is a
 * full batch, else every `pollMs`.
 */
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import type { OutboxConfig } from '../config.ts';
import { AppError, messageOf } from '../errors.ts';
import { claimDue, claimExpired, type OutboxRow } from './claim.ts';
import { redact } from './classify.ts';
import { deliverRow, resolveUncertain, type ProcessContext, type RowResult } from './process-row.ts';
import { releaseClaim } from './transitions.ts';

export const RelayOptions = z
  .object({
    /** Wait between passes that found less than a full batch. @defaultValue 1_000 */
    pollMs: z.number().int().min(10).default(1_000),
    /**
     * How long a claim owns its rows. A relay that dies leaves rows `sending` this long before
     * another relay asks the receiver about them. @defaultValue 60_000
     */
    leaseMs: z.number().int().min(200).default(60_000),
    /** Rows claimed per pass. @defaultValue 20 */
    batchSize: z.number().int().min(1).max(1_000).default(20),
    /** Deliveries in flight at once. @defaultValue 4 */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Per-request timeout; at most half the lease, so a live relay never outlives its claim. @defaultValue min(10_000, leaseMs / 2) */
    requestTimeoutMs: z.number().int().min(50).optional(),
    /** First retry delay after a definite failure; doubles per attempt. @defaultValue 1_000 */
    retryBaseMs: z.number().int().min(0).default(1_000),
    /** Longest retry delay. @defaultValue 300_000 */
    retryMaxMs: z.number().int().min(0).default(300_000),
    /** Start the polling loop; false leaves passes to `drainOnce()` (tests, embedding). @defaultValue true */
    loop: z.boolean().default(true),
  })
  .refine((o) => o.requestTimeoutMs === undefined || o.requestTimeoutMs * 2 <= o.leaseMs, {
    path: ['requestTimeoutMs'],
    message: 'must be at most half of leaseMs, or a live relay could lose its lease mid-request',
  });
export type RelayOptions = z.input<typeof RelayOptions>;

export type StartRelayArgs = {
  db: DbOrTx;
  /** `config.outbox`: the receiver's URL (required) and bearer token. */
  outbox: OutboxConfig;
  log: { info(line: string): void; warn(line: string): void };
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
} & RelayOptions;

/** What one pass did. */
export type DrainResult = {
  /** Rows of unknown outcome re-claimed after their relay's lease ran out. */
  recovered: number;
  /** Due rows claimed for sending. */
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
  held: number;
  /** Claims returned unsent because the relay is stopping. */
  released: number;
  /** Rows another relay took over before this one could record its outcome. */
  lostLease: number;
};

export type Relay = {
  /** Finishes in-flight deliveries, returns unstarted claims, stops polling. Idempotent. */
  stop(): Promise<void>;
  /** Runs one pass now (shares a pass already running). */
  drainOnce(): Promise<DrainResult>;
};

function emptyResult(): DrainResult {
  return { recovered: 0, claimed: 0, delivered: 0, retried: 0, failed: 0, held: 0, released: 0, lostLease: 0 };
}

/** Where the relay delivers, for logs: the URL without credentials. */
export function describeReceiver(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

export function startRelay(args: StartRelayArgs): Relay {
  const { db, outbox, log } = args;
  if (!outbox.url) throw new AppError('validation', 'the outbox relay needs a receiver: set BOOKRUN_OUTBOX_URL (e.g. http://127.0.0.1:4100; try: bookrun outbox receiver)');
  const parsed = RelayOptions.safeParse(args);
  if (!parsed.success) throw new AppError('validation', `startRelay: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const options = parsed.data;
  const ctx: ProcessContext = {
    db,
    receiver: { url: outbox.url, token: outbox.token, timeoutMs: options.requestTimeoutMs ?? Math.min(10_000, Math.floor(options.leaseMs / 2)), ...(args.fetch ? { fetch: args.fetch } : {}) },
    retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
    log,
  };
  const claimOptions = { limit: options.batchSize, leaseMs: options.leaseMs };

  let stopping = false;
  let running: Promise<DrainResult> | undefined;
  let wake: (() => void) | undefined;

  const tally = (result: DrainResult, outcome: RowResult) => {
    if (outcome === 'lost_lease') result.lostLease++;
    else result[outcome]++;
  };

  /** Runs `work` over rows with at most `concurrency` in flight; rows not started when stopping go to `onSkip`. */
  async function pool(rows: OutboxRow[], work: (row: OutboxRow) => Promise<void>, onSkip: (row: OutboxRow) => Promise<void>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        if (!row) break;
        if (stopping) await onSkip(row);
        else await work(row);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, rows.length) }, lane));
  }

  async function pass(): Promise<DrainResult> {
    const result = emptyResult();
    if (stopping) return result;
    const expired = await claimExpired(db, claimOptions);
    result.recovered = expired.length;
    for (const row of expired) log.warn(`outbox ${row.idempotencyKey}: its relay stopped mid-delivery (lease expired); asking the receiver whether it arrived`);
    // Unasked rows stay `sending` when stopping: their lease runs out and the next relay asks.
    await pool(expired, async (row) => tally(result, await guard(row, () => resolveUncertain(ctx, row, `the relay delivering attempt ${row.attempts - 1} stopped before recording its outcome`))), async () => {});

    if (stopping) return result;
    const due = await claimDue(db, claimOptions);
    result.claimed = due.length;
    await pool(
      due,
      async (row) => tally(result, await guard(row, () => deliverRow(ctx, row))),
      async (row) => {
        if (await releaseClaim(db, { id: row.id, attempts: row.attempts })) result.released++;
      },
    );
    const moved = result.delivered + result.retried + result.failed + result.held;
    if (moved > 0 || result.lostLease > 0)
      log.info(`outbox: ${result.delivered} delivered, ${result.retried} to retry, ${result.failed} failed, ${result.held} held${result.recovered ? ` (${result.recovered} recovered)` : ''}${result.lostLease ? `, ${result.lostLease} lost lease` : ''}`);
    return result;
  }

  /**
   * A database error while recording leaves the row `sending`; its lease expires and a relay asks
   * the receiver, so nothing is lost or blindly re-sent. The pass goes on with the other rows.
   */
  async function guard(row: OutboxRow, fn: () => Promise<RowResult>): Promise<RowResult> {
    try {
      return await fn();
    } catch (error) {
      log.warn(`outbox ${row.idempotencyKey}: ${redact(messageOf(error), outbox.token)}; the row stays claimed until its lease expires, then its outcome is checked`);
      return 'lost_lease';
    }
  }

  function drainOnce(): Promise<DrainResult> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      let full = false;
      try {
        const r = await drainOnce();
        full = r.claimed >= options.batchSize || r.recovered >= options.batchSize;
      } catch (error) {
        log.warn(`outbox relay: ${redact(messageOf(error), outbox.token)}; retrying in ${options.pollMs} ms`);
      }
      if (full || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const looping = options.loop ? loop() : Promise.resolve();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await looping;
      await running?.catch(() => {});
    },
    drainOnce,
  };
}
