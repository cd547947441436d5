/**
 * What an HTTP answer (or the lack of one) means for a delivery. Pure, so every rule is unit
 * tested. The one rule that matters most: an answer that does not prove the receiver did *not*
 * apply the effect is `uncertain`, never "failed, send again" (reliability-and-security.md §2.5).
 */

/** The outcome of one `POST /deliveries`. */
export type PostOutcome =
  /** The receiver has it (now, or from an earlier attempt). */
  | { kind: 'delivered'; status: number; duplicate: boolean }
  /** The receiver refused it for good (bad payload, bad credentials): sending again cannot help. */
  | { kind: 'rejected'; status: number; reason: string }
  /** The receiver certainly did not apply it (refused connection, 408, 429): try again later. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The receiver may or may not have applied it (timeout, reset, 5xx): ask it before anything else. */
  | { kind: 'uncertain'; reason: string };

/** The outcome of `GET /deliveries/:key`. */
export type LookupOutcome = { kind: 'present' } | { kind: 'absent' } | { kind: 'unknown'; reason: string };

/**
 * Status code → outcome. 2xx and 409 ("I already have that key") are deliveries; 408 and 429 say
 * the request was not processed; other 4xx are permanent; 5xx may have committed before failing;
 * 1xx/3xx are a misconfigured URL (redirects are not followed, so nothing was processed).
 */
export function classifyStatus(status: number, detail = ''): PostOutcome {
  const tail = detail ? `: ${detail}` : '';
  if (status >= 200 && status < 300) return { kind: 'delivered', status, duplicate: false };
  if (status === 409) return { kind: 'delivered', status, duplicate: true };
  if (status === 408 || status === 429) return { kind: 'retry', reason: `receiver answered ${status}${tail}` };
  if (status >= 500 && status < 600) return { kind: 'uncertain', reason: `receiver answered ${status}${tail}` };
  if (status >= 300 && status < 400) return { kind: 'rejected', status, reason: `receiver redirected (${status})${tail}; set BOOKRUN_OUTBOX_URL to the final address` };
  return { kind: 'rejected', status, reason: `receiver refused it (${status})${tail}` };
}

/**
 * Network errors that happen before a request leaves this machine: the receiver cannot have seen
 * it. Everything else (reset, socket closed, timeout) may strike after the receiver committed.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

/** Error codes found anywhere in a thrown value's cause chain (fetch wraps them in `cause`). */
export function errorCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, seen)) : [];
  return [...own, ...errorCodes(e.cause, seen), ...nested];
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' || errorCodes(error).some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'ETIMEDOUT');
}

/** A thrown fetch error → outcome. A refused connection is definite; the rest is not. */
export function classifyNetworkError(error: unknown, timeoutMs: number): PostOutcome {
  const codes = errorCodes(error);
  const notSent = codes.find((c) => NOT_SENT_CODES.has(c));
  if (notSent) return { kind: 'retry', reason: `receiver unreachable (${notSent}); nothing was sent` };
  if (isTimeout(error)) return { kind: 'uncertain', reason: `no answer within ${timeoutMs} ms` };
  return { kind: 'uncertain', reason: `connection failed mid-request (${codes[0] ?? describeError(error)})` };
}

/** A lookup failure in words (for `last_error` and logs). */
export function describeLookupError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `lookup got no answer within ${timeoutMs} ms`;
  const codes = errorCodes(error);
  return `lookup failed (${codes[0] ?? describeError(error)})`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `Retry-After` in seconds or as an HTTP date → milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff after the `attempts`-th attempt: base, 2×base, 4×base … capped at `maxMs`.
 * A receiver's `Retry-After` wins when it asks for longer.
 * @defaultValue baseMs 1_000, maxMs 300_000
 */
export function backoffMs(attempts: number, options: { baseMs?: number; maxMs?: number; retryAfterMs?: number | undefined } = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 300_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.min(max, Math.max(exp, options.retryAfterMs ?? 0));
}

/**
 * Removes a secret from text bound for logs and `last_error` — a receiver might echo the
 * Authorization header back in an error page — and bounds its length.
 */
export function redact(text: string, secret: string | undefined, maxLength = 500): string {
  let out = text;
  if (secret) out = out.split(secret).join('***');
  out = out.replace(/(bearer\s+)[^\s"',;]+/gi, '$1***');
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}
