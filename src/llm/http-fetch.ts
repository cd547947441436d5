/**
 * `createHttpFetch`: a lean `fetch` for the Anthropic SDK over `node:http`/`node:https`
 * keep-alive agents.
 *
 * Why: Node's global fetch (undici) costs the calling process CPU per request in WHATWG stream
 * plumbing, AbortSignal bookkeeping and garbage; bookrun's workers make many small non-streaming
 * calls, so that overhead is a large share of their CPU. This covers exactly the part of fetch
 * the SDK relies on (client.ts `fetchWithTimeout`/`makeRequest`, internal/parse.ts,
 * core/streaming.ts, internal/decoders/jsonl.ts):
 * - `input` is a URL string or `URL`; a `Request` object is handed to the global fetch.
 * - Request headers as `Headers`, a plain object or pairs; bodies as string, bytes, `ReadableStream`
 *   or async iterable (anything else, e.g. `FormData`, is encoded by `new Response(body)`).
 * - Failures before the response reject like fetch: the signal's reason (a `DOMException` named
 *   `AbortError`, which the SDK maps to its timeout/abort errors) or `TypeError('fetch failed')`
 *   with the socket error as `cause` (the SDK's `APIConnectionError`).
 * - The response has a real `Headers`, `body` (a web `ReadableStream`, used for SSE and JSONL
 *   batch results), and `json()`/`text()`/`arrayBuffer()` that read the socket directly without
 *   going through the web stream: that shortcut is most of the CPU saved.
 * - An abort after the headers errors the body with the signal's reason, as fetch does.
 *
 * Differences from fetch, deliberate: no `accept-encoding` is added (compressed responses are still
 * decoded when the caller asks for them); a cross-origin redirect also drops `x-api-key`.
 *
 * Longer than 500 lines on purpose: the request, the body state machine (`Exchange`) and the
 * `Response` class share one lifecycle and are private to this module.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Options of {@link createHttpFetch}. */
export type HttpFetchOptions = {
  /**
   * Sockets per origin; further requests wait in the agent's queue (their SDK timeout running).
   * Keep it at or above the number of model calls one process makes at once.
   * @defaultValue 64
   */
  maxSockets?: number | undefined;
  /**
   * How long an idle pooled socket is kept. Shorter than typical server/load-balancer idle timeouts
   * so a request rarely lands on a socket the server is closing; a server's `Keep-Alive: timeout=N`
   * hint shortens it further. Same default as undici.
   * @defaultValue 4_000
   */
  idleTimeoutMs?: number | undefined;
};

/** A `fetch` with its socket pools; {@link HttpFetch.close} destroys them at shutdown. */
export type HttpFetch = typeof fetch & {
  /** Destroy all sockets, idle and in use (in-flight requests fail). Call after work has drained. */
  close(): void;
};

type Agents = { http: HttpAgent; https: () => HttpsAgent };

const MAX_REDIRECTS = 20;
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const STANDARD_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);
/** Dropped when a redirect leaves the origin; `x-api-key` is stricter than fetch on purpose. */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/** Create a keep-alive `fetch` for `new Anthropic({ fetch })`. See the module comment for scope. */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    maxFreeSockets: options.maxSockets ?? 64,
    // On an idle pooled socket this closes it; on a socket waiting for a slow model response it
    // only emits 'timeout', which nothing here acts on, so long calls are not cut.
    timeout: options.idleTimeoutMs ?? 4_000,
    // Reuse the most recently used socket so surplus sockets go idle and time out.
    scheduling: 'lifo' as const,
  };
  const http = new HttpAgent(agentOptions);
  let https: HttpsAgent | undefined;
  const agents: Agents = { http, https: () => (https ??= new HttpsAgent(agentOptions)) };

  const httpFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
    let url: URL;
    let request: Outgoing;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
      request = outgoing(init);
    } catch (error) {
      return Promise.reject(error instanceof TypeError ? error : new TypeError('fetch failed', { cause: error }));
    }
    return send(url, request, init?.signal ?? undefined, init?.redirect ?? 'follow', agents, 0);
  };
  return Object.assign(httpFetch, {
    close() {
      http.destroy();
      https?.destroy();
    },
  });
}

type Outgoing = { method: string; headers: OutgoingHttpHeaders; body: SendableBody };
type SendableBody = undefined | string | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

function outgoing(init: RequestInit | undefined): Outgoing {
  const raw = init?.method ?? 'GET';
  const upper = raw.toUpperCase();
  const method = STANDARD_METHODS.has(upper) ? upper : raw;
  const headers = toNodeHeaders(init?.headers);
  let body = init?.body ?? undefined;
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  }
  if (body instanceof ArrayBuffer) body = new Uint8Array(body);
  else if (ArrayBuffer.isView(body) && !(body instanceof Uint8Array)) {
    body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } else if (body !== undefined && !isSendable(body)) {
    // FormData, Blob, URLSearchParams: let the platform encode them and pick the content type.
    const encoded = new Response(body);
    const type = encoded.headers.get('content-type');
    if (type && headers['content-type'] === undefined) headers['content-type'] = type;
    body = encoded.body ?? undefined;
  }
  const sendable = body as SendableBody;
  if (typeof sendable === 'string') headers['content-length'] = Buffer.byteLength(sendable);
  else if (sendable instanceof Uint8Array) headers['content-length'] = sendable.byteLength;
  return { method, headers, body: sendable };
}

function isSendable(body: unknown): body is SendableBody {
  return (
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ReadableStream ||
    (typeof body === 'object' && body !== null && Symbol.asyncIterator in body)
  );
}

function toNodeHeaders(init: RequestInit['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (init === undefined) return out;
  if (init instanceof Headers) {
    init.forEach((value, name) => (out[name] = value));
  } else if (Symbol.iterator in init) {
    // Pairs, or a `Headers` from another realm or polyfill (entries are already combined).
    for (const [name, value] of init as Iterable<readonly [string, string]>) append(out, name.toLowerCase(), value);
  } else {
    for (const [name, value] of Object.entries(init)) append(out, name.toLowerCase(), value);
  }
  return out;
}

function append(out: OutgoingHttpHeaders, name: string, value: unknown): void {
  const prior = out[name];
  out[name] = prior === undefined ? String(value) : `${String(prior)}, ${String(value)}`;
}

function send(
  url: URL,
  request: Outgoing,
  signal: AbortSignal | undefined,
  redirect: NonNullable<RequestInit['redirect']>,
  agents: Agents,
  redirects: number,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') {
      return reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }));
    }
    let req: ClientRequest;
    try {
      const options = { method: request.method, headers: request.headers, agent: isHttps ? agents.https() : agents.http };
      req = isHttps ? httpsRequest(url, options) : httpRequest(url, options);
    } catch (error) {
      return reject(new TypeError('fetch failed', { cause: error }));
    }
    const exchange = new Exchange(req, signal, reject);

    req.once('response', (res) => {
      if (!exchange.pending()) return void res.destroy();
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (redirect !== 'manual' && REDIRECT_STATUS.has(status) && location !== undefined) {
        exchange.discard(res);
        const next = redirect === 'follow' && redirects < MAX_REDIRECTS ? redirected(url, location, status, request) : undefined;
        if (!next) {
          const reason = redirect === 'error' ? 'unexpected redirect' : `cannot follow the redirect to ${location}`;
          return reject(new TypeError('fetch failed', { cause: new Error(reason) }));
        }
        send(next.url, next.request, signal, redirect, agents, redirects + 1).then((response) => {
          Object.defineProperty(response, 'redirected', { value: true });
          resolve(response);
        }, reject);
        return;
      }
      const hasBody = request.method !== 'HEAD' && !NULL_BODY_STATUS.has(status);
      exchange.receive(res, hasBody);
      resolve(new HttpResponse(res, exchange, hasBody, url.href));
    });

    writeBody(req, request.body).catch((error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))));
  });
}

/**
 * The request to replay on a redirect, following fetch's method and header rules; undefined when
 * it cannot be replayed (a streamed body, a malformed or non-HTTP location).
 */
function redirected(from: URL, location: string, status: number, request: Outgoing): { url: URL; request: Outgoing } | undefined {
  const to = URL.canParse(location, from.href) ? new URL(location, from) : undefined;
  if (to?.protocol !== 'http:' && to?.protocol !== 'https:') return undefined;
  const headers = { ...request.headers };
  let { method, body } = request;
  if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete headers[name];
  }
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) return undefined;
  if (to.origin !== from.origin) for (const name of CROSS_ORIGIN_DROPPED) delete headers[name];
  delete headers.host;
  return { url: to, request: { method, headers, body } };
}

async function writeBody(req: ClientRequest, body: SendableBody): Promise<void> {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    req.end(body);
    return;
  }
  const chunks = body instanceof ReadableStream ? readChunks(body) : body;
  for await (const chunk of chunks) {
    if (req.destroyed) return;
    if (!req.write(chunk)) await drainedOrClosed(req);
  }
  req.end();
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      req.off('drain', done).off('close', done);
      resolve();
    };
    req.on('drain', done).on('close', done);
  });
}

async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopped early (request aborted or failed): nobody will read the rest, as fetch cancels it too.
    if (!ended) reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * One request and its response body, shared by the socket listeners, the abort listener and the
 * body stream. It never references the `HttpResponse` or its stream (until a read starts), so a
 * response dropped unread can be collected and its socket reclaimed (see `unreadBodies`).
 */
class Exchange {
  private source: Readable | undefined;
  /**
   * request: waiting for headers; idle: body untouched; collect: `json()`/`text()` reading;
   * stream: `body` being read; ended: an empty body drained by us; done: settled either way.
   */
  private phase: 'request' | 'idle' | 'collect' | 'stream' | 'ended' | 'done' = 'request';
  private consumed = false;
  private error: unknown;
  private chunks: Buffer[] = [];
  private settle: { resolve: (body: Buffer) => void; reject: (error: unknown) => void } | undefined;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly req: ClientRequest,
    private readonly signal: AbortSignal | undefined,
    private rejectResponse: ((error: unknown) => void) | undefined,
  ) {
    if (signal) {
      this.onAbort = () => this.fail(abortReason(signal));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    req.on('error', (error) => this.fail(new TypeError(this.source ? 'terminated' : 'fetch failed', { cause: error })));
  }

  pending(): boolean {
    return this.phase === 'request';
  }

  used(): boolean {
    return this.consumed;
  }

  /** Headers arrived: wire up the body, or drain it at once when there is none to read. */
  receive(res: IncomingMessage, hasBody: boolean): void {
    this.rejectResponse = undefined;
    this.phase = 'idle';
    // An empty body must still be read to its end before Node returns the socket to the pool, and
    // the SDK skips reading `content-length: 0` JSON bodies, so those are drained here.
    const empty = !hasBody || res.headers['content-length'] === '0';
    const source = empty ? res : decoded(res);
    this.source = source;
    const terminated = (error: unknown) => this.fail(new TypeError('terminated', { cause: error }));
    res.on('error', terminated);
    if (source !== res) source.on('error', terminated);
    source.on('end', () => this.finish());
    if (empty) source.resume();
  }

  /** A redirect's own body is not wanted; drain it so the socket returns to the pool. */
  discard(res: IncomingMessage): void {
    this.phase = 'done';
    this.detach();
    res.resume();
  }

  /** Read the whole body straight from the socket (the `json()`/`text()` path). */
  collect(): Promise<Buffer> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.consumed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.consumed = true;
    if (this.phase === 'ended') return Promise.resolve(Buffer.alloc(0));
    this.phase = 'collect';
    return new Promise<Buffer>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.source?.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    });
  }

  /** `ReadableStream` pull: start flowing into the stream on the first read, then one chunk per pull. */
  pull(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const source = this.source;
    if (this.phase === 'stream') {
      source?.resume();
      return;
    }
    if (this.error !== undefined) return controller.error(this.error);
    if (this.consumed || !source) return controller.error(new TypeError('Body is unusable: Body has already been read'));
    this.consumed = true;
    if (this.phase === 'ended') return controller.close();
    this.phase = 'stream';
    this.controller = controller;
    source.on('data', (chunk: Buffer) => {
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 0) <= 0) source.pause();
    });
    source.resume();
  }

  /** The reader cancelled the body: the rest is not wanted and the socket cannot be reused. */
  cancel(): void {
    if (this.phase === 'done' || this.phase === 'ended') return;
    this.phase = 'done';
    this.controller = undefined;
    this.detach();
    this.source?.destroy();
    this.req.destroy();
  }

  /** The response was garbage-collected with its body never read. */
  unread(): void {
    if (this.phase === 'idle') this.cancel();
  }

  private finish(): void {
    const { phase } = this;
    if (phase === 'done' || phase === 'ended') return;
    this.phase = phase === 'idle' ? 'ended' : 'done';
    this.detach();
    if (phase === 'collect') {
      const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [];
      this.settle?.resolve(body);
    } else if (phase === 'stream') {
      this.controller?.close();
    }
  }

  private fail(error: unknown): void {
    const { phase } = this;
    if (phase === 'done' || phase === 'ended') return;
    this.phase = 'done';
    this.detach();
    if (this.rejectResponse) {
      this.rejectResponse(error);
      this.rejectResponse = undefined;
    } else {
      // The first error wins: an abort destroys the socket, which then reports its own error.
      // An untouched body keeps it for its first read.
      this.error = error;
      if (phase === 'collect') this.settle?.reject(error);
      else if (phase === 'stream') this.controller?.error(error);
      this.source?.destroy();
    }
    this.req.destroy();
  }

  private detach(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    unreadBodies.unregister(this);
  }
}

/**
 * Undici cancels a body once its response is garbage-collected; without the same, a response
 * dropped unread (e.g. `asResponse()` never consumed) would hold its pooled socket forever and,
 * after `maxSockets` of them, stall every later request.
 */
const unreadBodies = new FinalizationRegistry<Exchange>((exchange) => exchange.unread());

/** Undo the content codings the server applied, in reverse order; unknown codings pass through raw, as in fetch. */
function decoded(res: IncomingMessage): Readable {
  const header = res.headers['content-encoding'];
  if (!header) return res;
  const lenient = { flush: zlibConstants.Z_SYNC_FLUSH, finishFlush: zlibConstants.Z_SYNC_FLUSH };
  let source: Readable = res;
  for (const coding of header.toLowerCase().split(',').map((c) => c.trim()).reverse()) {
    const decoder =
      coding === 'gzip' || coding === 'x-gzip' ? createGunzip(lenient)
      : coding === 'deflate' ? createInflate(lenient)
      : coding === 'br' ? createBrotliDecompress({ flush: zlibConstants.BROTLI_OPERATION_FLUSH, finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH })
      : undefined;
    if (!decoder) return res;
    source = source.pipe(decoder);
  }
  return source;
}

/** The subset of `Response` the SDK reads, plus the rest of the body mixin for other callers. */
class HttpResponse implements Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly redirected = false;
  readonly type = 'basic' as const;
  #body: ReadableStream<Uint8Array> | null;
  #exchange: Exchange;
  /** Set by `clone()`: the body now comes from a tee branch, not the socket. */
  #teed = false;
  #teedRead = false;

  constructor(res: IncomingMessage, exchange: Exchange, hasBody: boolean, readonly url: string) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    const headers = new Headers();
    const raw = res.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    this.headers = headers;
    this.#exchange = exchange;
    // Created eagerly because the SDK reads `response.body` on every call; with a high-water mark
    // of 0 nothing is pulled until someone reads, so `json()` can still take the socket directly.
    this.#body =
      hasBody ?
        new ReadableStream<Uint8Array>(
          { pull: (controller) => exchange.pull(controller), cancel: () => exchange.cancel() },
          { highWaterMark: 0 },
        )
      : null;
    if (this.#body) unreadBodies.register(this.#body, exchange, exchange);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#body;
  }

  get bodyUsed(): boolean {
    if (this.#body === null) return false;
    // After `clone()` the tee reads the socket for both branches, so only our own reads count.
    return this.#body.locked || (this.#teed ? this.#teedRead : this.#exchange.used());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    const text = (await this.#bytes()).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  async formData(): Promise<FormData> {
    return new Response(await this.arrayBuffer(), { headers: this.headers }).formData();
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    const init = { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) };
    let body: ReadableStream<Uint8Array> | null = null;
    if (this.#body) {
      const [mine, theirs] = this.#body.tee();
      this.#body = mine;
      this.#teed = true;
      body = theirs;
    }
    const copy = new Response(body, init);
    Object.defineProperty(copy, 'url', { value: this.url });
    return copy;
  }

  #bytes(): Promise<Buffer> {
    if (this.#body === null) return Promise.resolve(Buffer.alloc(0));
    if (this.#body.locked) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    if (this.#teed) {
      if (this.#teedRead) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
      this.#teedRead = true;
      return new Response(this.#body).arrayBuffer().then((ab) => Buffer.from(ab));
    }
    return this.#exchange.collect();
  }
}
