/**
 * The offline stand-in: an HTTP server on 127.0.0.1 that speaks the subset of the Anthropic API
 * bookrun uses, strictly enough that the real `@anthropic-ai/sdk` cannot tell the difference
 * (reference/claude-api.md §16). Every response carries `request-id`, JSON responses carry
 * `content-type: application/json`, and every response carries the rate-limit headers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, invalid } from './api-error.ts';
import { BatchStore } from './batches.ts';
import { StandinEngine, type Clock } from './engine.ts';
import { listModels, findModel, type StandinModel } from './models.ts';
import { StandinOptions, type StandinOptionsInput } from './options.ts';
import { BatchCreate } from './request-schema.ts';
import { streamMessage } from './sse.ts';
import { parseApiVersion, parseWith } from './validate.ts';

/** Request size limits of the API: 32 MB for messages, 256 MB for a batch. */
const MESSAGE_LIMIT = 32 * 1024 * 1024;
const BATCH_LIMIT = 256 * 1024 * 1024;

export type Standin = {
  /** `http://127.0.0.1:PORT`, the base URL for the SDK (no `/v1`). */
  url: string;
  port: number;
  options: StandinOptions;
  close(): Promise<void>;
};

export async function startStandin(input: StandinOptionsInput = {}, clock?: Clock): Promise<Standin> {
  const options = StandinOptions.parse(input);
  const engine = new StandinEngine(options, clock);
  const batches = new BatchStore(engine, options.batchDelayMs);
  let origin = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Anything unexpected is a 500 in the API's envelope, never a dropped connection.
      const apiError = error instanceof ApiError ? error : new ApiError('api_error', 'internal stand-in error');
      if (!(error instanceof ApiError)) process.stderr.write(`bookrun standin: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent) send(res, apiError.status, apiError.body(requestIdOf(res)), apiError.extra.headers);
      else res.end();
    });
  });

  const sleep = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        res.off('close', done);
        resolve();
      }
      res.on('close', done);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = engine.nextId('req_');
    // The buckets as this request found them; a model call replaces them once it is charged.
    pending.set(res, { requestId, limits: engine.limiter.headers() });
    try {
      await route(req, res);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (!res.headersSent) send(res, error.status, error.body(requestId), error.extra.headers);
    }
  }

  /**
   * The request id and rate-limit headers every response starts with, written in the one
   * `writeHead` call that starts it (after `request-id` and the limits come the response's own
   * headers, as before): no setHeader calls to validate and then merge, and a model call's
   * limits are reported after it was charged without being set twice.
   */
  const pending = new WeakMap<ServerResponse, { requestId: string; limits: Record<string, string> }>();

  function head(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
    const first = pending.get(res);
    if (!first) {
      res.writeHead(status, headers);
      return;
    }
    pending.delete(res);
    res.writeHead(status, { 'request-id': first.requestId, ...first.limits, ...headers });
  }

  function requestIdOf(res: ServerResponse): string {
    return pending.get(res)?.requestId ?? 'req_unknown';
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    head(res, status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Query strings (`?beta=true`) and `anthropic-beta` headers are ignored: routing is by path.
    // The SDK's own path needs no URL parsing (nothing in it that parsing would normalize).
    const raw = req.url ?? '/';
    const url = raw === '/v1/messages' ? undefined : new URL(raw, origin);
    const path = url ? url.pathname.replace(/\/+$/, '') : raw;
    const method = req.method ?? 'GET';
    if (!path.startsWith('/v1/')) throw new ApiError('not_found_error', `Not found: ${method} ${path || '/'}`);
    const apiKey = authenticate(req);

    if (method === 'POST' && path === '/v1/messages') {
      const version = parseApiVersion(header(req, 'anthropic-version'));
      const body = await readJson(req, MESSAGE_LIMIT);
      const { request, message } = engine.createMessage(body, version, apiKey);
      // Report the buckets after this request was charged, as the API does.
      const first = pending.get(res);
      if (first) first.limits = engine.limiter.headers();
      if (options.latencyMs > 0) await sleep(options.latencyMs, res);
      if (request.stream) {
        head(res, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
        await streamMessage(res, message, { tokenLatencyMs: options.tokenLatencyMs, sleep: (ms) => sleep(ms, res) });
        res.end();
        return;
      }
      const pace = options.tokenLatencyMs * message.usage.output_tokens;
      if (pace > 0) await sleep(pace, res);
      return send(res, 200, message);
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      const version = parseApiVersion(header(req, 'anthropic-version'));
      return send(res, 200, engine.countTokens(await readJson(req, MESSAGE_LIMIT), version));
    }
    if (path === '/v1/messages/batches') {
      if (method === 'POST') {
        const version = parseApiVersion(header(req, 'anthropic-version'));
        const body = parseWith(BatchCreate, await readJson(req, BATCH_LIMIT));
        return send(res, 200, batches.toJson(batches.create(body, version, apiKey), origin));
      }
      if (method === 'GET') {
        const page = batches.list(url?.searchParams ?? new URLSearchParams());
        const data = page.data.map((b) => batches.toJson(b, origin));
        return send(res, 200, { data, has_more: page.has_more, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null });
      }
    }
    const batchMatch = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
    if (batchMatch) {
      const [, id = '', action] = batchMatch;
      if (method === 'GET' && !action) return send(res, 200, batches.toJson(batches.get(id), origin));
      if (method === 'DELETE' && !action) return send(res, 200, batches.delete(id));
      if (method === 'POST' && action === '/cancel') return send(res, 200, batches.toJson(batches.cancel(id), origin));
      if (method === 'GET' && action === '/results') {
        const body = batches.resultsJsonl(id);
        head(res, 200, { 'content-type': 'application/x-jsonl', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }
    if (method === 'GET' && path === '/v1/models') {
      const data = listModels().map(modelJson);
      return send(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }
    const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelMatch?.[1]) {
      const model = findModel(decodeURIComponent(modelMatch[1]));
      if (!model) throw new ApiError('not_found_error', `model: ${modelMatch[1]}`);
      return send(res, 200, modelJson(model));
    }
    throw new ApiError('not_found_error', `Not found: ${method} ${path}`);
  }

  function authenticate(req: IncomingMessage): string {
    const bearer = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1]?.trim();
    const key = bearer || header(req, 'x-api-key')?.trim();
    if (!key) throw new ApiError('authentication_error', 'x-api-key header is required (or Authorization: Bearer <key>)');
    if (options.apiKey !== undefined && key !== options.apiKey) throw new ApiError('authentication_error', 'invalid x-api-key');
    return key;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    port,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        batches.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = header(req, 'content-type') ?? '';
  if (!type.includes('application/json')) throw invalid(`content-type: expected application/json, got "${type || 'none'}"`);
  const { chunks, size } = await readBody(req, limit);
  if (size > limit) throw new ApiError('request_too_large', `Request exceeds the maximum allowed number of bytes (${limit}).`);
  const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw invalid('request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

function modelJson(model: StandinModel) {
  return {
    type: 'model',
    id: model.id,
    display_name: model.displayName,
    created_at: model.createdAt,
    max_input_tokens: model.maxInputTokens,
    max_tokens: model.maxOutputTokens,
  };
}

/**
 * The raw body, buffered up to `limit` bytes; `size` counts every byte. Plain stream events, not
 * `for await`: the async iterator cost more per request than the rest of the read.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit keep reading but stop buffering, so the client gets our 413, not a reset.
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => {
      ended = true;
      resolve({ chunks, size });
    });
    req.once('error', reject);
    // A client that goes away mid-body: fail the read as the stream iterator would.
    req.once('close', () => {
      if (!ended) reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}
