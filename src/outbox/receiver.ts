/**
 * The reference outbox receiver: the contract a CRM or sending system implements to take bookrun's
 * side effects, and the test double of the fault suite. HTTP on loopback:
 *
 * - `POST /deliveries` with header `Idempotency-Key` and body `{idempotencyKey, kind, payload}`:
 *   the first delivery of a key is applied (201); a repeat with the same body is answered 200
 *   `{duplicate: true}` and applied nothing; the same key with a different body is refused (422).
 * - `GET /deliveries/:key`: 200 `{idempotencyKey, delivered: true}` or 404 `{…, delivered: false}` —
 *   what the relay asks when it does not know whether an earlier attempt arrived.
 * - `GET /stats`: `{delivered, received, duplicates, refused}` (`?keys=1` adds raw POSTs per key).
 *
 * Fault knobs (tests, demos) make it fail before applying, or apply and then cut the connection or
 * answer too late, so the relay sees every kind of uncertain outcome.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DeliveryBody, IdempotencyKey } from './payloads.ts';
import { openDeliveryLedger, type DeliveryLedger } from './receiver-ledger.ts';

export const ReceiverFaults = z.object({
  /** The next N POSTs are answered `failStatus` and applied nothing. @defaultValue 0 */
  failNext: z.number().int().min(0).default(0),
  /** @defaultValue 503 */
  failStatus: z.number().int().min(400).max(599).default(503),
  /** The next N new deliveries are applied, then the connection is cut without an answer. @defaultValue 0 */
  dropAfterCommit: z.number().int().min(0).default(0),
  /** Answers to POSTs wait this long after applying (longer than the relay's timeout: uncertain). @defaultValue 0 */
  answerDelayMs: z.number().int().min(0).default(0),
  /** false: `GET /deliveries/:key` answers 501, like a receiver without the lookup endpoint. @defaultValue true */
  lookup: z.boolean().default(true),
});
export type ReceiverFaults = z.infer<typeof ReceiverFaults>;

export const ReceiverOptions = z.object({
  /** TCP port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  port: z.number().int().min(0).max(65_535).default(0),
  /** JSONL file of applied deliveries, re-read at start so dedupe survives a restart. */
  storeFile: z.string().min(1).optional(),
  /** Require `Authorization: Bearer <token>`. */
  token: z.string().min(1).optional(),
  /** @defaultValue 1 MiB */
  maxBodyBytes: z.number().int().min(1_024).default(1_048_576),
  faults: ReceiverFaults.partial().optional(),
});
export type ReceiverOptions = z.input<typeof ReceiverOptions>;

export type ReceiverStats = {
  /** Distinct keys applied (the effects that happened), including those loaded from the store. */
  delivered: number;
  /** Complete `POST /deliveries` requests since start, whatever their answer. */
  received: number;
  /** POSTs of a key already applied (answered 200 `{duplicate: true}`). */
  duplicates: number;
  /** POSTs refused: bad body or token, key re-used with another body, injected failures. */
  refused: number;
  /** Raw POSTs per key since start (`GET /stats?keys=1`). */
  byKey?: Record<string, number>;
};

export type Receiver = {
  url: string;
  port: number;
  stats(options?: { keys?: boolean }): ReceiverStats;
  /** Every applied delivery, in arrival order. */
  deliveries(): ReturnType<DeliveryLedger['all']>;
  /** Lines of the store file skipped at start, with why. */
  skippedLines: DeliveryLedger['skipped'];
  /** Changes fault knobs (merged into the current ones). */
  setFaults(faults: Partial<ReceiverFaults>): void;
  close(): Promise<void>;
};

type Issue = { where: string; why: string };

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, error: string, issues: Issue[]): void {
  send(res, status, { error, issues });
}

function issuesOf(error: z.ZodError, prefix: string): Issue[] {
  return error.issues.map((i) => ({ where: [prefix, ...i.path.map(String)].join('.'), why: i.message }));
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Reads the body up to `max` bytes; undefined when larger (the caller answers 413). */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReceiver(input: ReceiverOptions = {}): Promise<Receiver> {
  const options = ReceiverOptions.parse(input);
  let faults: ReceiverFaults = ReceiverFaults.parse(options.faults ?? {});
  const ledger = await openDeliveryLedger(options.storeFile);
  const counts = { received: 0, duplicates: 0, refused: 0 };
  const byKey = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  async function postDelivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req, options.maxBodyBytes);
    counts.received++;
    const header = req.headers['idempotency-key'];
    const headerKey = Array.isArray(header) ? header[0] : header;
    if (headerKey) byKey.set(headerKey, (byKey.get(headerKey) ?? 0) + 1);
    const refused = (status: number, error: string, issues: Issue[]) => {
      counts.refused++;
      refuse(res, status, error, issues);
    };
    if (!authorised(req, options.token)) return refused(401, 'unauthorised', [{ where: 'header Authorization', why: 'missing or wrong bearer token' }]);
    if (text === undefined) return refused(413, 'body too large', [{ where: 'body', why: `larger than ${options.maxBodyBytes} bytes` }]);
    if (!headerKey) return refused(400, 'invalid delivery', [{ where: 'header Idempotency-Key', why: 'missing: every delivery carries its idempotency key' }]);
    const key = IdempotencyKey.safeParse(headerKey);
    if (!key.success) return refused(400, 'invalid delivery', issuesOf(key.error, 'header Idempotency-Key'));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return refused(400, 'invalid delivery', [{ where: 'body', why: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
    }
    const body = DeliveryBody.safeParse(json);
    if (!body.success) return refused(400, 'invalid delivery', issuesOf(body.error, 'body'));
    if (body.data.idempotencyKey !== key.data)
      return refused(400, 'invalid delivery', [{ where: 'body.idempotencyKey', why: `differs from the Idempotency-Key header (${key.data})` }]);
    if (faults.failNext > 0) {
      faults = { ...faults, failNext: faults.failNext - 1 };
      return refused(faults.failStatus, 'injected failure', [{ where: 'receiver', why: `fault injection: answered ${faults.failStatus} without applying` }]);
    }

    const added = await ledger.add(body.data);
    if (added === 'mismatch')
      return refused(422, 'idempotency key reused', [{ where: 'body', why: `key ${key.data} was already applied with a different body; nothing was changed` }]);
    if (added === 'duplicate') {
      counts.duplicates++;
      return send(res, 200, { idempotencyKey: key.data, duplicate: true });
    }
    if (faults.dropAfterCommit > 0) {
      faults = { ...faults, dropAfterCommit: faults.dropAfterCommit - 1 };
      req.socket.destroy();
      return;
    }
    const answer = () => send(res, 201, { idempotencyKey: key.data, duplicate: false });
    if (faults.answerDelayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, faults.answerDelayMs);
      timers.add(timer);
    } else answer();
  }

  function lookup(req: IncomingMessage, res: ServerResponse, raw: string): void {
    if (!authorised(req, options.token)) return refuse(res, 401, 'unauthorised', [{ where: 'header Authorization', why: 'missing or wrong bearer token' }]);
    if (!faults.lookup) return refuse(res, 501, 'not implemented', [{ where: 'receiver', why: 'fault injection: this receiver has no lookup endpoint' }]);
    let key: string;
    try {
      key = decodeURIComponent(raw);
    } catch {
      return refuse(res, 400, 'invalid key', [{ where: 'path', why: 'not a valid percent-encoded key' }]);
    }
    const found = ledger.get(key) !== undefined;
    send(res, found ? 200 : 404, { idempotencyKey: key, delivered: found });
  }

  function stats(withKeys = false): ReceiverStats {
    const base: ReceiverStats = { delivered: ledger.size(), ...counts };
    return withKeys ? { ...base, byKey: Object.fromEntries(byKey) } : base;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    const handle = async () => {
      if (route === 'POST /deliveries') return postDelivery(req, res);
      const match = /^\/deliveries\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && match?.[1]) return lookup(req, res, match[1]);
      if (route === 'GET /stats') {
        if (!authorised(req, options.token)) return refuse(res, 401, 'unauthorised', [{ where: 'header Authorization', why: 'missing or wrong bearer token' }]);
        return send(res, 200, stats(url.searchParams.get('keys') === '1'));
      }
      refuse(res, 404, 'not found', [{ where: 'path', why: `no route ${route}; see POST /deliveries, GET /deliveries/:key, GET /stats` }]);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) refuse(res, 500, 'receiver error', [{ where: 'receiver', why: error instanceof Error ? error.message : String(error) }]);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: (o) => stats(o?.keys ?? false),
    deliveries: () => ledger.all(),
    skippedLines: ledger.skipped,
    setFaults(next) {
      faults = ReceiverFaults.parse({ ...faults, ...next });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await ledger.close();
    },
  };
}
