/**
 * `bookrun outbox list | relay | receiver | release ID | resolve ID` — the side effects of approved
 * drafts: what is queued, the relay that delivers them, the reference receiver, and the two
 * decisions a human makes about a delivery whose outcome the relay could not establish.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { checkDatabase, createDb, type Db } from '../../db/client.ts';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../db/schema/index.ts';
import { loadConfig } from '../config.ts';
import { armCrashPoints } from '../faults/crash-point.ts';
import { describeReceiver, listOutbox, releaseHeld, resolveHeld, startReceiver, startRelay, type OperatorDecisionResult, type OutboxListRow } from '../outbox/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit.ts';

const wholeNumber = (min: number) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
  return n;
};

async function withDb<T>(fn: (db: Db) => Promise<T>, pool = 2): Promise<T> {
  const config = loadConfig();
  const handle = createDb(config.databaseUrl, { max: pool });
  try {
    await checkDatabase(handle, config.databaseUrl);
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

function rowId(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new UsageError(`"${id}" is not an outbox row id (a UUID; see: bookrun outbox list --status held)`);
  return id;
}

export function configureOutboxCommand(program: Command, ctx: CliContext): void {
  const outbox = program
    .command('outbox')
    .summary('side effects of approved drafts: list, relay, receiver, release, resolve')
    .description(
      [
        'Every external side effect of an approved draft (CRM write-back, hand-off to',
        'sending) is an outbox row written in the same transaction as the approval,',
        'keyed <kind>-<review item id>. The relay delivers each row at least once to a',
        'receiver that dedupes by that key. When a delivery\'s outcome is unknown',
        '(timeout, relay crash) the relay asks the receiver; if the receiver cannot',
        'say, the row is held for a human and never re-sent blindly: check the',
        'receiver, then release or resolve it.',
      ].join('\n'),
    );

  outbox
    .command('list')
    .summary('outbox rows, newest first, with counts per status')
    .addOption(new Option('--status <status>', 'only rows with this status').choices([...OUTBOX_STATUSES]))
    .option('--limit <n>', 'how many rows (default 50, max 1000)', wholeNumber(1), 50)
    .option('--json', 'print one JSON object on stdout: {rows, counts}')
    .action(async (flags: { status?: OutboxStatus; limit: number; json?: boolean }) => {
      if (flags.limit > 1_000) throw new UsageError('--limit: at most 1000');
      const list = await withDb((db) => listOutbox(db, { status: flags.status, limit: flags.limit }));
      if (flags.json) return ctx.stdout(JSON.stringify(list));
      ctx.stdout(OUTBOX_STATUSES.map((s) => `${s} ${list.counts[s]}`).join(' · '));
      if (list.rows.length === 0) return ctx.stdout(flags.status ? `no ${flags.status} rows` : 'the outbox is empty (rows appear when drafts are approved)');
      for (const row of list.rows) ctx.stdout(formatRow(row));
    });

  outbox
    .command('relay')
    .summary('deliver outbox rows to BOOKRUN_OUTBOX_URL until stopped (SIGINT/SIGTERM)')
    .description(
      [
        'Delivers pending outbox rows to the receiver at BOOKRUN_OUTBOX_URL',
        '(POST /deliveries with header Idempotency-Key; Authorization: Bearer',
        'BOOKRUN_OUTBOX_TOKEN when set). Start as many as you like: claims never',
        'overlap. A definite failure (connection refused, 408, 429) is retried with',
        'exponential backoff; a refusal (other 4xx) fails the row; an unknown outcome',
        '(timeout, 5xx, a relay that died mid-send) is checked with',
        'GET /deliveries/KEY and, when the receiver cannot say, the row is held.',
        'On SIGINT or SIGTERM it finishes in-flight deliveries, returns unstarted',
        'claims, and exits 0.',
      ].join('\n'),
    )
    .option('--lease-ms <ms>', 'how long a claim owns its rows; a dead relay\'s rows are checked after this (default 60000)', wholeNumber(200))
    .option('--poll-ms <ms>', 'wait between passes when nothing is due (default 1000)', wholeNumber(10))
    .option('--batch <n>', 'rows claimed per pass (default 20)', wholeNumber(1))
    .option('--concurrency <n>', 'deliveries in flight at once (default 4)', wholeNumber(1))
    .option('--timeout-ms <ms>', 'per-request timeout, at most half the lease (default min(10000, lease/2))', wholeNumber(50))
    .action(async (flags: { leaseMs?: number; pollMs?: number; batch?: number; concurrency?: number; timeoutMs?: number }) => {
      const config = loadConfig();
      if (!config.outbox.url)
        throw new UsageError('BOOKRUN_OUTBOX_URL is not set: set it to the receiver that takes deliveries (e.g. BOOKRUN_OUTBOX_URL=http://127.0.0.1:4100; a reference receiver: bookrun outbox receiver --port 4100)');
      armCrashPoints(config.fault);
      const concurrency = flags.concurrency ?? 4;
      const handle = createDb(config.databaseUrl, { max: concurrency + 2 });
      try {
        await checkDatabase(handle, config.databaseUrl);
        const relay = startRelay({
          db: handle.db,
          outbox: config.outbox,
          log: { info: ctx.stderr, warn: ctx.stderr },
          concurrency,
          ...(flags.leaseMs !== undefined ? { leaseMs: flags.leaseMs } : {}),
          ...(flags.pollMs !== undefined ? { pollMs: flags.pollMs } : {}),
          ...(flags.batch !== undefined ? { batchSize: flags.batch } : {}),
          ...(flags.timeoutMs !== undefined ? { requestTimeoutMs: flags.timeoutMs } : {}),
        });
        ctx.stderr(`bookrun outbox relay delivering to ${describeReceiver(config.outbox.url)} (pid ${process.pid}${config.fault.at ? `, crash point ${config.fault.at}` : ''})`);
        const signal = await ctx.untilSignal();
        ctx.stderr(`${signal}: finishing in-flight deliveries…`);
        await relay.stop();
      } finally {
        await handle.close();
      }
    });

  outbox
    .command('receiver')
    .summary('run the reference receiver (dedupes by Idempotency-Key) on loopback')
    .description(
      [
        'The contract a CRM or sending system implements to take bookrun\'s side',
        'effects, served on 127.0.0.1:',
        '  POST /deliveries      the first delivery of a key is applied (201);',
        '                        repeats are answered 200 {duplicate: true}',
        '  GET /deliveries/KEY   200 or 404 with {idempotencyKey, delivered}',
        '  GET /stats            {delivered, received, duplicates, refused}',
        'Requires Authorization: Bearer BOOKRUN_OUTBOX_TOKEN when that is set.',
        '',
        'The first line on stdout is:',
        '  bookrun outbox receiver listening on http://127.0.0.1:PORT',
      ].join('\n'),
    )
    .option('--port <n>', 'TCP port on 127.0.0.1; 0 picks a free one', wholeNumber(0), 0)
    .option('--store <file>', 'append applied deliveries to this JSONL file and re-read it at start (dedupe survives restarts)')
    .option('--fail-first <n>', 'fault injection: answer the first N POSTs with --fail-status, applying nothing', wholeNumber(0))
    .option('--fail-status <code>', 'status for --fail-first (default 503)', wholeNumber(400))
    .option('--drop-after-commit <n>', 'fault injection: apply the first N new deliveries, then cut the connection without answering', wholeNumber(0))
    .option('--answer-delay-ms <ms>', 'fault injection: answer POSTs this long after applying them', wholeNumber(0))
    .option('--no-lookup', 'fault injection: answer GET /deliveries/KEY with 501, like a receiver without lookups')
    .action(async (flags: { port: number; store?: string; failFirst?: number; failStatus?: number; dropAfterCommit?: number; answerDelayMs?: number; lookup: boolean }) => {
      if (flags.port > 65_535) throw new UsageError('--port: at most 65535');
      if (flags.failStatus !== undefined && flags.failStatus > 599) throw new UsageError('--fail-status: a status code from 400 to 599');
      const config = loadConfig();
      const receiver = await startReceiver({
        port: flags.port,
        ...(flags.store ? { storeFile: flags.store } : {}),
        ...(config.outbox.token ? { token: config.outbox.token } : {}),
        faults: {
          lookup: flags.lookup,
          ...(flags.failFirst !== undefined ? { failNext: flags.failFirst } : {}),
          ...(flags.failStatus !== undefined ? { failStatus: flags.failStatus } : {}),
          ...(flags.dropAfterCommit !== undefined ? { dropAfterCommit: flags.dropAfterCommit } : {}),
          ...(flags.answerDelayMs !== undefined ? { answerDelayMs: flags.answerDelayMs } : {}),
        },
      });
      ctx.stdout(`bookrun outbox receiver listening on ${receiver.url}`);
      if (flags.store) ctx.stderr(`store ${flags.store}: ${receiver.stats().delivered} deliveries loaded`);
      for (const skipped of receiver.skippedLines) ctx.stderr(`store ${flags.store ?? ''} line ${skipped.line} skipped: ${skipped.reason}`);
      await ctx.untilSignal();
      const stats = receiver.stats();
      await receiver.close();
      ctx.stderr(`receiver stopped: ${stats.delivered} delivered, ${stats.received} received, ${stats.duplicates} duplicates, ${stats.refused} refused`);
    });

  const decision = (verb: 'release' | 'resolve', summary: string, description: string[]) =>
    outbox
      .command(verb)
      .summary(summary)
      .description(description.join('\n'))
      .argument('<id>', 'the outbox row id (see: bookrun outbox list --status held)')
      .option('--by <who>', 'who decided, for the audit log (default: cli)')
      .option('--note <text>', 'why, for the audit log (e.g. what the receiver showed)')
      .option('--json', 'print one JSON object on stdout: {id, idempotencyKey, from, to}')
      .action(async (id: string, flags: { by?: string; note?: string; json?: boolean }) => {
        const input = { id: rowId(id), actor: flags.by ?? 'cli', ...(flags.note ? { note: flags.note } : {}) };
        const result: OperatorDecisionResult = await withDb((db) => (verb === 'release' ? releaseHeld(db, input) : resolveHeld(db, input)));
        if (flags.json) ctx.stdout(JSON.stringify(result));
        else ctx.stdout(`outbox ${result.idempotencyKey}: ${result.from} → ${result.to}${verb === 'release' ? ' (the relay sends it on its next pass)' : ' (it will not be sent again)'}`);
      });

  decision('release', 'send a held row again: you checked the receiver does not have it', [
    'Puts a held (or failed) row back to pending, due now. Use it only after',
    'checking that the receiver does not have the key (GET /deliveries/KEY, or',
    'the CRM itself): the relay then sends it again.',
  ]);
  decision('resolve', 'mark a held row delivered: you confirmed the receiver has it', [
    'Marks a held row delivered without sending it, after you confirmed that the',
    'receiver applied it.',
  ]);
}

function formatRow(row: OutboxListRow): string {
  const when = (row.deliveredAt ?? row.nextAttemptAt).toISOString().slice(0, 19).replace('T', ' ');
  const error = row.lastError ? `  ${row.lastError.length > 160 ? `${row.lastError.slice(0, 160)}…` : row.lastError}` : '';
  return `${row.id}  ${row.kind.padEnd(13)} ${row.status.padEnd(9)} attempts ${String(row.attempts).padStart(2)}  ${row.deliveredAt ? 'delivered' : 'due'} ${when}${error}`;
}
