/**
 * The relay's two calls to a receiver: `POST {url}/deliveries` with the row's idempotency key, and
 * `GET {url}/deliveries/{key}` to ask whether an earlier attempt arrived. Neither throws: every
 * answer, error and timeout becomes an outcome (classify.ts) the relay records.
 */
import { classifyNetworkError, classifyStatus, describeLookupError, parseRetryAfter, redact, type LookupOutcome, type PostOutcome } from './classify.ts';
import { DeliveryLookup, type DeliveryBody } from './payloads.ts';

export type ReceiverEndpoint = {
  /** Base URL of the receiver, e.g. `http://127.0.0.1:4100` (no trailing `/deliveries`). */
  url: string;
  /** Sent as `Authorization: Bearer …` when set; never logged. */
  token: string | undefined;
  /** Abort a request after this long; its outcome is then uncertain. */
  timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
};

/** How much of an error answer's body is kept for `last_error` (the receiver's where/why). */
const DETAIL_CHARS = 300;

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function headers(token: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

async function readDetail(res: Response, token: string | undefined): Promise<string> {
  try {
    const text = (await res.text()).trim().replace(/\s+/g, ' ');
    return redact(text, token, DETAIL_CHARS);
  } catch {
    return '';
  }
}

/** POSTs one delivery. The body is the row's stored payload, byte for byte what was approved. */
export async function postDelivery(target: ReceiverEndpoint, delivery: DeliveryBody): Promise<PostOutcome> {
  const doFetch = target.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(endpoint(target.url, '/deliveries'), {
      method: 'POST',
      headers: headers(target.token, { 'content-type': 'application/json', 'idempotency-key': delivery.idempotencyKey }),
      body: JSON.stringify(delivery),
      // A redirect would re-send the effect somewhere else; it is reported instead (classifyStatus).
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    return redactOutcome(classifyNetworkError(error, target.timeoutMs), target.token);
  }
  if (res.status >= 200 && res.status < 300) {
    // The answer's body is informational; a broken body after a 2xx status is still a delivery.
    const body = (await res.json().catch(() => null)) as { duplicate?: unknown } | null;
    return { kind: 'delivered', status: res.status, duplicate: body?.duplicate === true };
  }
  const outcome = classifyStatus(res.status, await readDetail(res, target.token));
  if (outcome.kind === 'retry' && res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return retryAfterMs === undefined ? outcome : { ...outcome, retryAfterMs };
  }
  return outcome;
}

/**
 * Asks the receiver whether it has the key. Only a 200 or 404 whose JSON body names the key counts:
 * a server without the endpoint must not pass for "absent" (a re-send) or "present" (a loss).
 */
export async function lookupDelivery(target: ReceiverEndpoint, idempotencyKey: string): Promise<LookupOutcome> {
  const doFetch = target.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(endpoint(target.url, `/deliveries/${encodeURIComponent(idempotencyKey)}`), {
      method: 'GET',
      headers: headers(target.token),
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    return { kind: 'unknown', reason: redact(describeLookupError(error, target.timeoutMs), target.token) };
  }
  if (res.status !== 200 && res.status !== 404) return { kind: 'unknown', reason: `lookup answered ${res.status}${suffix(await readDetail(res, target.token))}` };
  const parsed = DeliveryLookup.safeParse(await res.json().catch(() => null));
  if (!parsed.success || parsed.data.idempotencyKey !== idempotencyKey || parsed.data.delivered !== (res.status === 200))
    return { kind: 'unknown', reason: `lookup answered ${res.status} without the {idempotencyKey, delivered} body of the receiver contract` };
  return parsed.data.delivered ? { kind: 'present' } : { kind: 'absent' };
}

function suffix(detail: string): string {
  return detail ? `: ${detail}` : '';
}

function redactOutcome(outcome: PostOutcome, token: string | undefined): PostOutcome {
  return 'reason' in outcome ? { ...outcome, reason: redact(outcome.reason, token) } : outcome;
}
