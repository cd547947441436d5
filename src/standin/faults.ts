/**
 * Seeded fault injection: a share of model calls is answered with the errors a real fleet meets
 * (429 with retry-after, 529 overloaded, 500). Seeded, so a failing run can be repeated.
 */
import { ApiError } from './api-error.ts';
import type { FaultKind } from './options.ts';

/** mulberry32: tiny, fast, good enough for picking faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;

  constructor(
    private readonly rate: number,
    private readonly kinds: readonly FaultKind[],
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The fault to answer this call with, if any. */
  next(): ApiError | undefined {
    if (this.rate <= 0 || this.random() >= this.rate) return undefined;
    const kind = this.kinds[Math.floor(this.random() * this.kinds.length)] ?? '500';
    return faultError(kind, 20 + Math.floor(this.random() * 180));
  }
}

/** Injected faults carry a short `retry-after-ms` (and the whole-second `retry-after`) so fleets back off briefly. */
export function faultError(kind: FaultKind, retryAfterMs: number): ApiError {
  const headers = { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  switch (kind) {
    case '429':
      return new ApiError('rate_limit_error', 'This request would exceed the rate limit for your organization. Please wait and retry (injected by the stand-in).', { headers });
    case '529':
      return new ApiError('overloaded_error', 'Overloaded (injected by the stand-in).', { headers });
    case '500':
      return new ApiError('api_error', 'Internal server error (injected by the stand-in).');
  }
}
