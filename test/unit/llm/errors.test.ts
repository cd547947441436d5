import { describe, expect, it } from 'vitest';
import { classifyLlmError, LlmError, parseRetryAfter } from '../../../src/llm/errors.ts';
import { apiError, hang, hello, json, message, rejection, scriptedFetch, testClient, text } from './fake-api.ts';

/** Run one `message` call against a scripted response and return what it threw. */
async function failure(response: () => Response | Promise<Response>, maxRetries = 0): Promise<LlmError> {
  const { fetch } = scriptedFetch(() => response());
  const { client } = testClient(fetch, { maxRetries });
  return rejection(client.message(hello));
}

describe('classifyLlmError', () => {
  it('classifies 429 with retry-after seconds as rate_limited with that delay', async () => {
    const err = await failure(() => apiError(429, 'rate_limit_error', 'Number of requests exceeded', { headers: { 'retry-after': '2' } }));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(2000);
    expect(err.status).toBe(429);
    expect(err.errorType).toBe('rate_limit_error');
    expect(err.message).toMatch(/429 rate_limit_error: Number of requests exceeded/);
    expect(err.message).toMatch(/request-id req_test_\d+/);
  });

  it('prefers retry-after-ms', async () => {
    const err = await failure(() =>
      apiError(429, 'rate_limit_error', 'slow down', { headers: { 'retry-after-ms': '1500.2', 'retry-after': '9' } }),
    );
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1501 });
  });

  it('classifies a 429 spend limit as spend_cap', async () => {
    const err = await failure(() =>
      apiError(429, 'rate_limit_error', 'Your organization has reached its spend limit', { code: 'enforced_spend_limit_reached' }),
    );
    expect(err).toMatchObject({ kind: 'spend_cap', errorCode: 'enforced_spend_limit_reached', retryAfterMs: undefined });
    expect(err.message).toContain('enforced_spend_limit_reached');
  });

  it('classifies 529 and 500 as retryable, carrying retry-after', async () => {
    const overloaded = await failure(() => apiError(529, 'overloaded_error', 'Overloaded', { headers: { 'retry-after': '3' } }));
    expect(overloaded).toMatchObject({ kind: 'retryable', status: 529, errorType: 'overloaded_error', retryAfterMs: 3000 });
    const internal = await failure(() => apiError(500, 'api_error', 'Internal server error'));
    expect(internal).toMatchObject({ kind: 'retryable', status: 500 });
  });

  it('classifies 400 as unrecoverable and names the offending field', async () => {
    const err = await failure(() => apiError(400, 'invalid_request_error', 'temperature: Extra inputs are not permitted'));
    expect(err.kind).toBe('unrecoverable');
    expect(err.message).toContain('400 invalid_request_error: temperature: Extra inputs are not permitted');
  });

  it('classifies 401 as unrecoverable', async () => {
    const err = await failure(() => apiError(401, 'authentication_error', 'invalid x-api-key'));
    expect(err).toMatchObject({ kind: 'unrecoverable', status: 401, errorType: 'authentication_error' });
  });

  it('classifies a connection error (fetch throws) as retryable', async () => {
    const err = await failure(() => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    });
    expect(err.kind).toBe('retryable');
    expect(err.message).toMatch(/connection failed/);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('classifies a request timeout as retryable', async () => {
    const { fetch } = scriptedFetch(hang);
    const { client } = testClient(fetch, { timeoutMs: 20 });
    await expect(client.message(hello)).rejects.toMatchObject({ kind: 'retryable', message: expect.stringMatching(/timed out/) });
  });

  it('classifies an abort through AbortController as aborted', async () => {
    const { fetch } = scriptedFetch(hang);
    const { client, records } = testClient(fetch);
    const controller = new AbortController();
    const pending = client.message(hello, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toMatchObject({ name: 'LlmError', kind: 'aborted' });
    expect(records).toHaveLength(1);
    expect(records[0]?.status).toBe('aborted');
  });

  it('classifies an already-aborted signal as aborted without a hang', async () => {
    const { fetch } = scriptedFetch(hang);
    const { client } = testClient(fetch);
    await expect(client.message(hello, { signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('passes LlmError through and wraps unknown values', () => {
    const original = new LlmError('invalid_output', 'x');
    expect(classifyLlmError(original)).toBe(original);
    expect(classifyLlmError('boom')).toMatchObject({ kind: 'unrecoverable', message: expect.stringContaining('boom') });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Fri, 20 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});

describe('SDK retries', () => {
  it('respects maxRetries (529 with retry-after-ms: 1)', async () => {
    const overloaded = () => apiError(529, 'overloaded_error', 'Overloaded', { headers: { 'retry-after-ms': '1' } });
    const { fetch, seen } = scriptedFetch(overloaded);
    const { client, records } = testClient(fetch, { maxRetries: 2 });
    await expect(client.message(hello)).rejects.toMatchObject({ kind: 'retryable', status: 529 });
    expect(seen).toHaveLength(3);
    expect(seen.map((r) => r.headers.get('x-stainless-retry-count'))).toEqual(['0', '1', '2']);
    expect(records).toHaveLength(1); // one call, however many attempts

    const once = scriptedFetch(overloaded, () => json(message([text('ok')])));
    const ok = await testClient(once.fetch, { maxRetries: 1 }).client.message(hello);
    expect(ok.text).toBe('ok');
    expect(once.seen).toHaveLength(2);

    const none = scriptedFetch(overloaded);
    await expect(testClient(none.fetch, { maxRetries: 0 }).client.message(hello)).rejects.toMatchObject({ kind: 'retryable' });
    expect(none.seen).toHaveLength(1);
  });
});
