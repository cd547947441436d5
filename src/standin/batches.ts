/**
 * Message Batches: accepted at once, `in_progress` for a while, then processed in chunks through
 * the same engine as realtime calls. Counts stay at zero until the batch ends; results come back
 * as JSONL in an order that is not the request order (callers must match by custom_id).
 */
import { ApiError, invalid } from './api-error.ts';
import type { StandinEngine } from './engine.ts';
import type { BatchCreate } from './request-schema.ts';
import type { ApiVersion } from './validate.ts';

const DAY_MS = 24 * 60 * 60_000;
/** Requests processed per event-loop turn, so a 100,000-request batch never blocks realtime calls. */
const CHUNK = 100;

type ResultLine = { custom_id: string; result: Record<string, unknown> };
type Counts = { processing: number; succeeded: number; errored: number; canceled: number; expired: number };

type Batch = {
  id: string;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  cancelInitiatedAt: number | null;
  requests: BatchCreate['requests'];
  results: ResultLine[];
  next: number;
  version: ApiVersion;
  apiKey: string;
};

export class BatchStore {
  private readonly batches = new Map<string, Batch>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly engine: StandinEngine,
    private readonly delayMs: number,
  ) {}

  create(body: BatchCreate, version: ApiVersion, apiKey: string): Batch {
    const seen = new Set<string>();
    for (const [i, r] of body.requests.entries()) {
      if (seen.has(r.custom_id)) throw invalid(`requests.${i}.custom_id: Duplicate custom_id "${r.custom_id}"; custom_id must be unique within a batch`);
      seen.add(r.custom_id);
    }
    const now = this.engine.clock.now();
    const batch: Batch = { id: this.engine.nextId('msgbatch_'), createdAt: now, expiresAt: now + DAY_MS, endedAt: null, cancelInitiatedAt: null, requests: body.requests, results: [], next: 0, version, apiKey };
    this.batches.set(batch.id, batch);
    this.schedule(() => this.process(batch), this.delayMs);
    return batch;
  }

  get(id: string): Batch {
    const batch = this.batches.get(id);
    if (!batch) throw new ApiError('not_found_error', `message batch not found: ${id}`);
    return batch;
  }

  /** Newest first, paginated by `after_id` / `before_id` as the API does. */
  list(query: URLSearchParams): { data: Batch[]; has_more: boolean } {
    const limitRaw = query.get('limit');
    const limit = limitRaw === null ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit: Input should be an integer between 1 and 1000');
    const all = [...this.batches.values()].reverse();
    const after = query.get('after_id');
    const before = query.get('before_id');
    let start = 0;
    let end = all.length;
    if (after) start = this.indexOf(all, after) + 1;
    if (before) end = this.indexOf(all, before);
    const window = before && !after ? all.slice(Math.max(start, end - limit), end) : all.slice(start, end).slice(0, limit);
    const lastIndex = window.length ? all.indexOf(window[window.length - 1] as Batch) : -1;
    const firstIndex = window.length ? all.indexOf(window[0] as Batch) : -1;
    const hasMore = before && !after ? firstIndex > start : lastIndex + 1 < end;
    return { data: window, has_more: hasMore };
  }

  cancel(id: string): Batch {
    const batch = this.get(id);
    if (batch.endedAt === null && batch.cancelInitiatedAt === null) {
      batch.cancelInitiatedAt = this.engine.clock.now();
      // The processor notices on its next chunk; a batch not yet started ends right away.
      if (batch.next === 0) this.schedule(() => this.process(batch), 0);
    }
    return batch;
  }

  delete(id: string): { id: string; type: 'message_batch_deleted' } {
    const batch = this.get(id);
    if (batch.endedAt === null) throw invalid(`message batch ${id} cannot be deleted while it is still processing; cancel it first`);
    this.batches.delete(id);
    return { id, type: 'message_batch_deleted' };
  }

  /** JSONL of every result line; only once the batch has ended. */
  resultsJsonl(id: string): string {
    const batch = this.get(id);
    if (batch.endedAt === null) throw invalid(`message batch ${id} is still processing; results are available once processing_status is "ended"`);
    return batch.results.map((line) => JSON.stringify(line)).join('\n') + '\n';
  }

  toJson(batch: Batch, origin: string): Record<string, unknown> {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const ended = batch.endedAt !== null;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.cancelInitiatedAt !== null ? 'canceling' : 'in_progress',
      request_counts: ended ? this.counts(batch) : { processing: batch.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: iso(batch.endedAt),
      created_at: iso(batch.createdAt),
      expires_at: iso(batch.expiresAt),
      archived_at: null,
      cancel_initiated_at: iso(batch.cancelInitiatedAt),
      results_url: ended ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private process(batch: Batch): void {
    if (batch.endedAt !== null || !this.batches.has(batch.id)) return;
    const now = this.engine.clock.now();
    const stop: 'canceled' | 'expired' | undefined = batch.cancelInitiatedAt !== null ? 'canceled' : now >= batch.expiresAt ? 'expired' : undefined;
    const end = stop ? batch.requests.length : Math.min(batch.next + CHUNK, batch.requests.length);
    for (; batch.next < end; batch.next++) {
      const request = batch.requests[batch.next];
      if (!request) continue;
      batch.results.push({ custom_id: request.custom_id, result: stop ? { type: stop } : this.run(batch, request.params) });
    }
    if (batch.next < batch.requests.length) {
      this.schedule(() => this.process(batch), 0);
      return;
    }
    // Results are deliberately not in request order.
    batch.results.sort((a, b) => a.custom_id.split('').reverse().join('').localeCompare(b.custom_id.split('').reverse().join('')));
    batch.endedAt = this.engine.clock.now();
  }

  private run(batch: Batch, params: unknown): Record<string, unknown> {
    try {
      return { type: 'succeeded', message: this.engine.batchMessage(params, batch.version, batch.apiKey) };
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('api_error', 'internal error while processing the request');
      return { type: 'errored', error: apiError.body(this.engine.nextId('req_')) };
    }
  }

  private indexOf(all: Batch[], id: string): number {
    const index = all.findIndex((b) => b.id === id);
    if (index < 0) throw new ApiError('not_found_error', `message batch not found: ${id}`);
    return index;
  }

  private counts(batch: Batch): Counts {
    const counts: Counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const line of batch.results) {
      const type = line.result['type'];
      if (type === 'succeeded' || type === 'errored' || type === 'canceled' || type === 'expired') counts[type]++;
    }
    return counts;
  }

  private schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
