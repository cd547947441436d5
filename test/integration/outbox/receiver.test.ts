/** The reference receiver's contract over real HTTP: validation, dedupe, lookups, auth, persistence. */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../../src/outbox/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'bookrun-receiver-'));
const open: Receiver[] = [];

afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  open.push(r);
  return r;
}

function delivery(overrides: { subject?: string } = {}) {
  const reviewItemId = randomUUID();
  const idempotencyKey = `send_handoff-${reviewItemId}`;
  return { idempotencyKey, kind: 'send_handoff', payload: { recipient: { email: 'a@b.example', name: 'A' }, subject: overrides.subject ?? 'Hi', body: 'Body', reviewItemId } };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const key = (body as { idempotencyKey?: string }).idempotencyKey ?? '';
  const res = await fetch(`${url}/deliveries`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('when deliveries arrive', () => {
  it('applies the first of a key, answers repeats as duplicates, and refuses a key re-used with another body', async () => {
    const rx = await start();
    const d = delivery();
    expect(await post(rx.url, d)).toEqual({ status: 201, body: { idempotencyKey: d.idempotencyKey, duplicate: false } });
    expect(await post(rx.url, d)).toEqual({ status: 200, body: { idempotencyKey: d.idempotencyKey, duplicate: true } });
    const changed = await post(rx.url, { ...d, payload: { ...d.payload, subject: 'Other' } });
    expect(changed.status).toBe(422);
    expect(rx.stats()).toEqual({ delivered: 1, received: 3, duplicates: 1, refused: 1 });
    expect(rx.deliveries()[0]?.payload).toMatchObject({ subject: 'Hi' });
  });

  it('answers lookups with 200 or 404 and the contract body', async () => {
    const rx = await start();
    const d = delivery();
    await post(rx.url, d);
    const hit = await fetch(`${rx.url}/deliveries/${d.idempotencyKey}`);
    expect([hit.status, await hit.json()]).toEqual([200, { idempotencyKey: d.idempotencyKey, delivered: true }]);
    const miss = await fetch(`${rx.url}/deliveries/send_handoff-nope`);
    expect([miss.status, await miss.json()]).toEqual([404, { idempotencyKey: 'send_handoff-nope', delivered: false }]);
  });

  it('says where and why a delivery is invalid', async () => {
    const rx = await start();
    const d = delivery();
    const bad = await post(rx.url, { ...d, payload: { ...d.payload, subject: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body['issues']).toEqual([expect.objectContaining({ where: 'body.payload.subject' })]);
    const notJson = await post(rx.url, '{nope', { 'idempotency-key': 'k-1' });
    expect(notJson.status).toBe(400);
    expect(JSON.stringify(notJson.body)).toContain('not JSON');
    const noKey = await post(rx.url, { ...d, idempotencyKey: undefined });
    expect(noKey.body['issues']).toEqual([expect.objectContaining({ where: 'header Idempotency-Key' })]);
    const mismatch = await post(rx.url, d, { 'idempotency-key': 'other-key' });
    expect(mismatch.body['issues']).toEqual([expect.objectContaining({ where: 'body.idempotencyKey' })]);
    expect(rx.stats()).toMatchObject({ delivered: 0, refused: 4 });
  });

  it('requires the bearer token when one is set', async () => {
    const rx = await start({ token: 'tok' });
    const d = delivery();
    expect((await post(rx.url, d)).status).toBe(401);
    expect((await post(rx.url, d, { authorization: 'Bearer tok' })).status).toBe(201);
    expect((await fetch(`${rx.url}/stats`)).status).toBe(401);
  });
});

describe('when the receiver restarts with a store file', () => {
  it('still knows, dedupes and answers lookups for every key it applied, and skips a torn last line', async () => {
    const file = join(dir, `store-${randomUUID()}.jsonl`);
    const first = await start({ storeFile: file });
    const a = delivery();
    const b = delivery();
    await post(first.url, a);
    await post(first.url, b);
    await first.close();
    open.pop();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    appendFileSync(file, '{"idempotencyKey":"torn'); // a write cut by a crash

    const second = await start({ storeFile: file });
    expect(second.stats().delivered).toBe(2);
    expect(second.skippedLines).toEqual([{ line: 3, reason: 'not JSON (a torn write?)' }]);
    expect((await post(second.url, a)).body).toMatchObject({ duplicate: true });
    expect((await fetch(`${second.url}/deliveries/${b.idempotencyKey}`)).status).toBe(200);
    const c = delivery();
    expect((await post(second.url, c)).status).toBe(201);
    await second.close();
    open.pop();
    const third = await start({ storeFile: file });
    expect(third.stats().delivered).toBe(3);
  });
});
