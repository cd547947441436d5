/**
 * A scripted stand-in for `fetch` that answers like the Anthropic API with real `Response`s,
 * injected through the SDK's `fetch` option (as the SDK's own tests do). No module mocking.
 */
import { expect } from 'vitest';
import { LlmError } from '../../../src/llm/errors.ts';
import { createLlmClient, type LlmClientOptions } from '../../../src/llm/client.ts';
import type { LlmCallRecord } from '../../../src/llm/types.ts';

export type SeenRequest = { url: string; method: string; headers: Headers; body: Record<string, unknown> | undefined };
export type Handler = (req: SeenRequest, signal: AbortSignal | undefined) => Response | Promise<Response>;

let seq = 0;
const requestId = () => `req_test_${++seq}`;

/** JSON response with the headers the API always sends. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId(), ...headers },
  });
}

/** An API error response with the full envelope. */
export function apiError(
  status: number,
  type: string,
  message: string,
  extra: { code?: string; headers?: Record<string, string> } = {},
): Response {
  const error = { type, message, ...(extra.code ? { details: { error_code: extra.code } } : {}) };
  return json({ type: 'error', error, request_id: 'req_body' }, status, extra.headers ?? {});
}

export type Block = Record<string, unknown> & { type: string };
export const text = (t: string): Block => ({ type: 'text', text: t, citations: null });
export const thinking = (t = ''): Block => ({ type: 'thinking', thinking: t, signature: 'sig' });
export const toolUse = (id: string, name: string, input: unknown): Block => ({
  type: 'tool_use',
  id,
  name,
  input,
  caller: { type: 'direct' },
});

/** A `Message` body. */
export function message(
  content: Block[],
  opts: { stop_reason?: string; model?: string; usage?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    id: `msg_${++seq}`,
    type: 'message',
    role: 'assistant',
    model: opts.model ?? 'claude-sonnet-5-5',
    content,
    stop_reason: opts.stop_reason ?? 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: 100,
      output_tokens: 50,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      server_tool_use: null,
      service_tier: 'standard',
      inference_geo: null,
      output_tokens_details: null,
      speed: null,
      ...opts.usage,
    },
  };
}

/** An SSE response from named events. */
export function sse(events: Array<[string, unknown]>): Response {
  const body = events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'request-id': requestId() } });
}

/** A fetch that answers with `handlers` in turn (the last one repeats) and remembers each request. */
export function scriptedFetch(...handlers: Handler[]) {
  const seen: SeenRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const raw = typeof init?.body === 'string' ? init.body : undefined;
    const req: SeenRequest = {
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined,
    };
    seen.push(req);
    const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
    if (!handler) throw new Error('scriptedFetch: no handler');
    return handler(req, init?.signal ?? undefined);
  };
  return { fetch: fetchImpl as typeof fetch, seen };
}

/** A handler that never answers until the request's signal aborts. */
export const hang: Handler = (_req, signal) =>
  new Promise<Response>((_resolve, reject) => {
    const fail = () => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
    if (signal?.aborted) fail();
    signal?.addEventListener('abort', fail);
  });

/** A client over `fetch` that collects its records. */
export function testClient(fetchImpl: typeof fetch, opts: Partial<LlmClientOptions> = {}) {
  const records: LlmCallRecord[] = [];
  const client = createLlmClient({
    apiKey: 'k',
    baseURL: 'http://127.0.0.1:1',
    maxRetries: 0,
    timeoutMs: 5_000,
    models: { default: 'claude-sonnet-5-5', bySkill: { research: 'claude-opus-5-5' } },
    fetch: fetchImpl,
    onCall: (r) => records.push(r),
    ...opts,
  });
  return { client, records };
}

/** The smallest valid request, for tests about transport and errors rather than content. */
export const hello = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 100 };

/** Awaits a call that must fail and returns its error, asserting it is an `LlmError`. */
export async function rejection(promise: Promise<unknown>): Promise<LlmError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}
