/**
 * The reference receiver's memory of what it applied: one entry per idempotency key, first write
 * wins. Optionally appended to a JSONL file (fsync'd before the receiver answers), so a restarted
 * receiver still knows every key it acknowledged — and still dedupes and answers lookups for them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { OUTBOX_KINDS } from '../../db/schema/index.ts';
import type { DeliveryBody } from './payloads.ts';

export const StoredDelivery = z.object({
  idempotencyKey: z.string().min(1),
  kind: z.enum(OUTBOX_KINDS),
  payload: z.record(z.string(), z.unknown()),
  /** SHA-256 of the canonical body: a key re-used with a different body is refused, not merged. */
  bodyHash: z.string().min(1),
  receivedAt: z.string(),
});
export type StoredDelivery = z.infer<typeof StoredDelivery>;

export type AddResult = 'new' | 'duplicate' | 'mismatch';

export type DeliveryLedger = {
  get(key: string): StoredDelivery | undefined;
  /** Records a delivery unless its key is known; resolves once it is durable. */
  add(delivery: DeliveryBody): Promise<AddResult>;
  size(): number;
  all(): StoredDelivery[];
  /** Lines of the store file that could not be read at start (a torn last write, hand edits). */
  readonly skipped: ReadonlyArray<{ line: number; reason: string }>;
  close(): Promise<void>;
};

/** Hash of the body as the relay sends it (the stored payload, re-serialised by JSON.stringify). */
export function bodyHash(delivery: DeliveryBody): string {
  return createHash('sha256').update(JSON.stringify({ kind: delivery.kind, payload: delivery.payload })).digest('hex');
}

export async function openDeliveryLedger(file?: string): Promise<DeliveryLedger> {
  const byKey = new Map<string, StoredDelivery>();
  const skipped: Array<{ line: number; reason: string }> = [];
  let needsNewline = false;
  if (file && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    needsNewline = text.length > 0 && !text.endsWith('\n');
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        skipped.push({ line: i + 1, reason: 'not JSON (a torn write?)' });
        return;
      }
      const entry = StoredDelivery.safeParse(json);
      if (!entry.success) skipped.push({ line: i + 1, reason: entry.error.issues.map((x) => `${x.path.join('.') || '(line)'}: ${x.message}`).join('; ') });
      else if (!byKey.has(entry.data.idempotencyKey)) byKey.set(entry.data.idempotencyKey, entry.data);
    });
  }
  const handle: FileHandle | undefined = file ? await open(file, 'a') : undefined;
  // One write at a time: check-then-append must not interleave for one key.
  let chain: Promise<unknown> = Promise.resolve();

  async function addNow(delivery: DeliveryBody): Promise<AddResult> {
    const hash = bodyHash(delivery);
    const known = byKey.get(delivery.idempotencyKey);
    if (known) return known.bodyHash === hash ? 'duplicate' : 'mismatch';
    const entry: StoredDelivery = { idempotencyKey: delivery.idempotencyKey, kind: delivery.kind, payload: delivery.payload, bodyHash: hash, receivedAt: new Date().toISOString() };
    if (handle) {
      await handle.appendFile(`${needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`);
      needsNewline = false;
      await handle.datasync();
    }
    byKey.set(entry.idempotencyKey, entry);
    return 'new';
  }

  return {
    get: (key) => byKey.get(key),
    add(delivery) {
      const result = chain.then(() => addNow(delivery));
      chain = result.catch(() => {});
      return result;
    },
    size: () => byKey.size,
    all: () => [...byKey.values()],
    skipped,
    async close() {
      await chain;
      await handle?.close();
    },
  };
}
