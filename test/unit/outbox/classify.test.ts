/** What each HTTP answer or network error means for a delivery, backoff, Retry-After, redaction. */
import { describe, expect, it } from 'vitest';
import { backoffMs, classifyNetworkError, classifyStatus, errorCodes, parseRetryAfter, redact } from '../../../src/outbox/classify.ts';

const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });

describe('when the receiver answers', () => {
  it('counts 2xx and 409 (already have it) as delivered', () => {
    expect(classifyStatus(200)).toEqual({ kind: 'delivered', status: 200, duplicate: false });
    expect(classifyStatus(201).kind).toBe('delivered');
    expect(classifyStatus(409)).toEqual({ kind: 'delivered', status: 409, duplicate: true });
  });

  it('retries 408 and 429, which say the request was not processed', () => {
    expect(classifyStatus(408).kind).toBe('retry');
    expect(classifyStatus(429, 'slow down')).toEqual({ kind: 'retry', reason: 'receiver answered 429: slow down' });
  });

  it('treats 5xx as uncertain: the receiver may have applied it before failing', () => {
    for (const s of [500, 502, 503, 504]) expect(classifyStatus(s).kind).toBe('uncertain');
  });

  it('fails other 4xx and redirects for good, with the reason', () => {
    expect(classifyStatus(400, 'body.payload.subject: empty')).toEqual({ kind: 'rejected', status: 400, reason: 'receiver refused it (400): body.payload.subject: empty' });
    expect(classifyStatus(401).kind).toBe('rejected');
    expect(classifyStatus(422).kind).toBe('rejected');
    expect(classifyStatus(302)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('BOOKRUN_OUTBOX_URL') });
  });
});

describe('when the request fails without an answer', () => {
  it('retries when the connection was never made: nothing was sent', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']) expect(classifyNetworkError(fetchFailed(code), 1000)).toMatchObject({ kind: 'retry', reason: expect.stringContaining(code) });
  });

  it('is uncertain after a reset, a closed socket or a timeout', () => {
    expect(classifyNetworkError(fetchFailed('ECONNRESET'), 1000)).toEqual({ kind: 'uncertain', reason: 'connection failed mid-request (ECONNRESET)' });
    expect(classifyNetworkError(fetchFailed('UND_ERR_SOCKET'), 1000).kind).toBe('uncertain');
    expect(classifyNetworkError(new DOMException('The operation timed out.', 'TimeoutError'), 1500)).toEqual({ kind: 'uncertain', reason: 'no answer within 1500 ms' });
    expect(classifyNetworkError(new Error('weird'), 1000)).toEqual({ kind: 'uncertain', reason: 'connection failed mid-request (weird)' });
  });

  it('finds codes anywhere in the cause chain, including aggregate errors', () => {
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'all failed'), {});
    expect(errorCodes(new TypeError('fetch failed', { cause: aggregate }))).toEqual(['ECONNREFUSED']);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(errorCodes(loop)).toEqual([]);
  });
});

describe('when retrying', () => {
  it('doubles the delay per attempt up to the cap, and honours a longer Retry-After', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, { baseMs: 100, maxMs: 10_000 }))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(50, { baseMs: 100, maxMs: 10_000 })).toBe(10_000);
    expect(backoffMs(1, { baseMs: 100, maxMs: 10_000, retryAfterMs: 5_000 })).toBe(5_000);
    expect(backoffMs(0)).toBe(1_000);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('when text leaves the relay', () => {
  it('never carries the token and stays short', () => {
    expect(redact('echo: Authorization: Bearer sk-123 and sk-123 again', 'sk-123')).toBe('echo: Authorization: Bearer *** and *** again');
    expect(redact('bearer abc.def', undefined)).toBe('bearer ***');
    expect(redact('x'.repeat(600), undefined)).toHaveLength(501);
  });
});
