import Anthropic from '@anthropic-ai/sdk';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetch, type HttpFetch } from '../../../src/llm/http-fetch.ts';
import { startStandin, type Standin } from '../../../src/standin/server.ts';

const MODEL = 'claude-sonnet-5-5';
const hello = { model: MODEL, max_tokens: 64, messages: [{ role: 'user' as const, content: 'Say hello to Northwind.' }] };

/** A loopback server whose handler each test sets; counts TCP connections to observe keep-alive. */
type Local = { url: string; connections: number; handle: (req: IncomingMessage, res: ServerResponse) => void; close(): Promise<void> };

async function startLocal(): Promise<Local> {
  const local: Local = { url: '', connections: 0, handle: (_req, res) => res.end(), close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => local.handle(req, res));
  server.on('connection', () => local.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return local;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });

const sdkFor = (baseURL: string, fetch: HttpFetch, options: { timeout?: number; maxRetries?: number } = {}) =>
  new Anthropic({ apiKey: 'k', baseURL, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 10_000, fetch });

const messageJson = (text: string) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [{ type: 'text', text }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 3 },
});

const errorOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

let httpFetch: HttpFetch;
let local: Local;
beforeAll(async () => {
  local = await startLocal();
});
afterAll(() => local.close());
beforeEach(() => {
  httpFetch = createHttpFetch();
});
afterEach(() => httpFetch.close());

describe('when the SDK talks to the stand-in', () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startStandin({ batchDelayMs: 20 });
  });
  afterAll(() => standin.close());

  it('creates a message and surfaces the request id from the response headers', async () => {
    const sdk = sdkFor(standin.url, httpFetch);
    const { data, response, request_id } = await sdk.messages.create(hello).withResponse();
    expect(data.type).toBe('message');
    expect(data.content.length).toBeGreaterThan(0);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(request_id).toMatch(/^req_/);
    expect((data as { _request_id?: string | null })._request_id).toBe(request_id);
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${standin.url}/v1/messages`);
  });

  it('streams a message over SSE, text deltas adding up to the final message', async () => {
    const sdk = sdkFor(standin.url, httpFetch);
    const stream = sdk.messages.stream({ ...hello, max_tokens: 256 });
    let deltas = '';
    stream.on('text', (delta) => (deltas += delta));
    const message = await stream.finalMessage();
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    expect(text.length).toBeGreaterThan(0);
    expect(deltas).toBe(text);
    expect(stream.request_id).toMatch(/^req_/);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('counts tokens', async () => {
    const sdk = sdkFor(standin.url, httpFetch);
    const count = await sdk.messages.countTokens({ model: MODEL, messages: hello.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it('creates a batch, polls it and reads its JSONL results as a stream', async () => {
    const sdk = sdkFor(standin.url, httpFetch);
    const batch = await sdk.messages.batches.create({
      requests: [
        { custom_id: 'a', params: hello },
        { custom_id: 'b', params: { ...hello, model: 'no-such-model' } },
      ],
    });
    let status = batch.processing_status;
    while (status !== 'ended') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await sdk.messages.batches.retrieve(batch.id)).processing_status;
    }
    const results: Record<string, string> = {};
    for await (const entry of await sdk.messages.batches.results(batch.id)) results[entry.custom_id] = entry.result.type;
    expect(results).toEqual({ a: 'succeeded', b: 'errored' });
  });

  it('maps an error status with a JSON body to the SDK error class with status and type', async () => {
    const sdk = sdkFor(standin.url, httpFetch);
    const error = await errorOf(sdk.messages.create({ ...hello, model: 'no-such-model' }));
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).status).toBe(404);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).type).toBe('not_found_error');
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).requestID).toMatch(/^req_/);
  });
});

describe('when requests go to a local server', () => {
  it('reuses one keep-alive socket for sequential calls', async () => {
    local.handle = (req, res) => {
      void readBody(req).then(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_local' });
        res.end(JSON.stringify(messageJson('hi')));
      });
    };
    const before = local.connections;
    const sdk = sdkFor(local.url, httpFetch);
    for (let i = 0; i < 5; i++) expect((await sdk.messages.create(hello)).content[0]).toMatchObject({ text: 'hi' });
    expect(local.connections - before).toBe(1);
  });

  it('keeps a request whose response is slower than the idle timeout', async () => {
    const patient = createHttpFetch({ idleTimeoutMs: 20 });
    try {
      local.handle = (req, res) => {
        void readBody(req).then(() =>
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(messageJson('late')));
          }, 200),
        );
      };
      const message = await sdkFor(local.url, patient).messages.create(hello);
      expect(message.content[0]).toMatchObject({ text: 'late' });
    } finally {
      patient.close();
    }
  });

  it('returns the socket to the pool once an SSE stream has been read to its end', async () => {
    const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
    local.handle = (req, res) => {
      void readBody(req).then(() => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(event('message_start', { message: { ...messageJson(''), content: [], stop_reason: null } }));
        res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
        res.write(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'streamed' } }));
        res.write(event('content_block_stop', { index: 0 }));
        res.write(event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }));
        res.end(event('message_stop', {}));
      });
    };
    const before = local.connections;
    const sdk = sdkFor(local.url, httpFetch);
    for (let i = 0; i < 3; i++) {
      const message = await sdk.messages.stream(hello).finalMessage();
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'streamed' });
    }
    expect(local.connections - before).toBe(1);
  });

  it('retries a 529 by cancelling its body, then succeeds on a fresh request', async () => {
    let calls = 0;
    local.handle = (req, res) => {
      void readBody(req).then(() => {
        calls++;
        if (calls === 1) {
          res.writeHead(529, { 'content-type': 'application/json', 'retry-after-ms': '1' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(messageJson('second')));
        }
      });
    };
    const sdk = sdkFor(local.url, httpFetch, { maxRetries: 1 });
    const message = await sdk.messages.create(hello);
    expect(message.content[0]).toMatchObject({ text: 'second' });
    expect(calls).toBe(2);
  });

  it('turns an SDK timeout before the headers into APIConnectionTimeoutError and drops the request', async () => {
    let closed!: Promise<void>;
    local.handle = (req) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    };
    const sdk = sdkFor(local.url, httpFetch, { timeout: 100 });
    const error = await errorOf(sdk.messages.create(hello));
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    await closed; // the server sees the connection go away, so nothing keeps waiting on it
  });

  it('turns a caller abort mid-stream into APIUserAbortError and closes the connection', async () => {
    let closed!: Promise<void>;
    local.handle = (req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const start = { type: 'message_start', message: { ...messageJson(''), content: [], stop_reason: null } };
      res.write(`event: message_start\ndata: ${JSON.stringify(start)}\n\n`);
      res.write(`event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
      res.write(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } })}\n\n`);
      // ...and never finishes.
    };
    const controller = new AbortController();
    const sdk = sdkFor(local.url, httpFetch);
    const stream = sdk.messages.stream(hello, { signal: controller.signal });
    stream.on('text', () => controller.abort());
    const error = await errorOf(stream.finalMessage());
    expect(error).toBeInstanceOf(Anthropic.APIUserAbortError);
    await closed;
  });

  it('turns a refused connection into APIConnectionError caused by fetch’s TypeError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await errorOf(sdkFor(`http://127.0.0.1:${port}`, httpFetch).messages.create(hello));
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const cause = (error as Error).cause as Error;
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed');
    expect((cause.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('maps a 400 with a JSON error body to BadRequestError with the server’s message', async () => {
    local.handle = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'request-id': 'req_bad' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too large' } }));
    };
    const error = await errorOf(sdkFor(local.url, httpFetch).messages.create(hello));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', requestID: 'req_bad' });
    expect((error as Error).message).toContain('max_tokens: too large');
  });
});

describe('when called as fetch', () => {
  it('sends headers from a plain object, pairs or Headers, and a Uint8Array body with its length', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const bodies: string[] = [];
    local.handle = (req, res) => {
      seen.push(req.headers);
      void readBody(req).then((body) => {
        bodies.push(body);
        res.end('ok');
      });
    };
    const body = new TextEncoder().encode('{"a":1}');
    await (await httpFetch(local.url, { method: 'post', headers: { 'X-One': '1' }, body })).text();
    await (await httpFetch(local.url, { method: 'POST', headers: [['x-two', '2']], body: 'two' })).text();
    await (await httpFetch(new URL(local.url), { headers: new Headers({ 'x-three': '3' }) })).text();
    await (await httpFetch(local.url, { headers: new Map([['X-Four', '4']]) as unknown as RequestInit['headers'] })).text();
    expect(seen.map((h) => [h['x-one'], h['x-two'], h['x-three'], h['x-four']])).toEqual([
      ['1', undefined, undefined, undefined],
      [undefined, '2', undefined, undefined],
      [undefined, undefined, '3', undefined],
      [undefined, undefined, undefined, '4'],
    ]);
    expect(seen[0]?.['content-length']).toBe('7');
    expect(bodies).toEqual(['{"a":1}', 'two', '', '']);
  });

  it('streams a ReadableStream request body with chunked encoding', async () => {
    let got: { body: string; encoding: string | undefined } | undefined;
    local.handle = (req, res) => {
      void readBody(req).then((body) => {
        got = { body, encoding: req.headers['transfer-encoding'] };
        res.end();
      });
    };
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('part one, '));
        controller.enqueue(encoder.encode('part two'));
        controller.close();
      },
    });
    const response = await httpFetch(local.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    expect(got).toEqual({ body: 'part one, part two', encoding: 'chunked' });
  });

  it('decodes a gzip response and reads it as text, bytes or JSON', async () => {
    const payload = JSON.stringify({ greeting: 'hello' });
    local.handle = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync(payload));
    };
    const asText = await (await httpFetch(local.url, { headers: { 'accept-encoding': 'gzip' } })).text();
    const asBytes = new TextDecoder().decode(await (await httpFetch(local.url)).arrayBuffer());
    const asJson = await (await httpFetch(local.url)).json();
    expect([asText, asBytes]).toEqual([payload, payload]);
    expect(asJson).toEqual({ greeting: 'hello' });
  });

  it('gives a null body for 204 and still returns the socket to the pool', async () => {
    local.handle = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const before = local.connections;
    for (let i = 0; i < 3; i++) {
      const response = await httpFetch(local.url, { method: 'DELETE' });
      expect([response.status, response.body, response.ok]).toEqual([204, null, true]);
    }
    expect(local.connections - before).toBe(1);
  });

  it('refuses to read a body twice', async () => {
    local.handle = (_req, res) => res.end('once');
    const response = await httpFetch(local.url);
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('once');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('clones a response so both copies can be read', async () => {
    local.handle = (_req, res) => res.end('twice');
    const response = await httpFetch(local.url);
    const copy = response.clone();
    expect(await copy.text()).toBe('twice');
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('twice');
    expect(response.bodyUsed).toBe(true);
  });

  it('rejects a read with TypeError "terminated" when the socket dies mid-body', async () => {
    local.handle = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const response = await httpFetch(local.url);
    const error = await errorOf(response.text());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
  });

  it('rejects with the AbortError of an already aborted signal without sending', async () => {
    const before = local.connections;
    const error = await errorOf(httpFetch(local.url, { signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(local.connections).toBe(before);
  });

  it('errors the body stream with AbortError when aborted after the headers', async () => {
    local.handle = (_req, res) => {
      res.writeHead(200);
      res.write('first');
    };
    const controller = new AbortController();
    const response = await httpFetch(local.url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first');
    controller.abort();
    const error = await errorOf(reader.read());
    expect((error as Error).name).toBe('AbortError');
  });

  it('follows a 307 redirect with the same body, dropping credentials across origins', async () => {
    const other = await startLocal();
    try {
      let landed: { path: string | undefined; body: string; apiKey: string | undefined } | undefined;
      other.handle = (req, res) => {
        void readBody(req).then((body) => {
          landed = { path: req.url, body, apiKey: req.headers['x-api-key'] as string | undefined };
          res.end('landed');
        });
      };
      local.handle = (_req, res) => {
        res.writeHead(307, { location: `${other.url}/v1/elsewhere` });
        res.end();
      };
      const response = await httpFetch(`${local.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'secret' }, body: 'payload' });
      expect(await response.text()).toBe('landed');
      expect(response.redirected).toBe(true);
      expect(response.url).toBe(`${other.url}/v1/elsewhere`);
      expect(landed).toEqual({ path: '/v1/elsewhere', body: 'payload', apiKey: undefined });
    } finally {
      await other.close();
    }
  });
});
