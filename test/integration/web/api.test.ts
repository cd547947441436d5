/**
 * The JSON API: the same operations and the same rules as the pages — own items only (404
 * otherwise), CSRF header on every state change, zod-validated bodies with clear 400s, and
 * `{ error: { code, message } }` for every failure.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewItems } from '../../../db/schema/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';
import { get, postJson, signInTeam, statuses, webApp, type Signed } from './support.ts';

let db: TestDb;
let world: DraftedWorld;
let app: ReturnType<typeof webApp>;
let repA: Signed;
let repB: Signed;
let manager: Signed;

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 10, repCount: 2 });
  app = webApp(db.db);
  ({ repA, repB, manager } = await signInTeam(db.db, world));
});

afterAll(async () => {
  await db?.drop();
});

const itemsOf = (who: Signed) => world.items.filter((i) => i.ownerRepId === who.repId);
type ErrorBody = { error: { code: string; message: string } };

describe('reading', () => {
  it('GET /api/me names the signed-in rep and the CSRF token', async () => {
    const res = await get(app, '/api/me', repA);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rep: { id: string; role: string; timeZone: string }; csrfToken: string };
    expect(body.rep).toMatchObject({ id: repA.repId, role: 'rep', timeZone: 'UTC' });
    expect(body.csrfToken).toBe(repA.csrf);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 401 JSON when not signed in', async () => {
    for (const path of ['/api/me', '/api/queue', '/api/queue/summary', `/api/items/${world.items[0]?.itemId}`]) {
      const res = await get(app, path);
      expect(res.status).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized');
    }
  });

  it('GET /api/queue lists own items with a keyset cursor', async () => {
    const first = (await (await get(app, '/api/queue?limit=3', repA)).json()) as { items: Array<{ id: string; ownerRepId: string; tier: string }>; nextCursor: string };
    expect(first.items).toHaveLength(3);
    expect(first.items.every((i) => i.ownerRepId === repA.repId)).toBe(true);
    const second = (await (await get(app, `/api/queue?limit=3&cursor=${first.nextCursor}`, repA)).json()) as { items: Array<{ id: string }> };
    expect(second.items.map((i) => i.id).filter((id) => first.items.some((f) => f.id === id))).toEqual([]);
    const all = (await (await get(app, '/api/queue?limit=200', manager)).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(world.items.length);
  });

  it('GET /api/queue/summary counts with the same filters', async () => {
    const body = (await (await get(app, '/api/queue/summary', repA)).json()) as { total: number; byTier: Record<string, number>; byWorkflow: Record<string, number> };
    expect(body.total).toBe(itemsOf(repA).length);
    expect(body.byTier['A']).toBe(itemsOf(repA).length);
    expect(body.byWorkflow['drafting']).toBe(itemsOf(repA).length);
  });

  it('a bad filter is 400 with the field named', async () => {
    const res = await get(app, '/api/queue?status=maybe', repA);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toContain('status');
  });

  it('GET /api/items/:id is 404 for another rep’s item, the same as for a missing one', async () => {
    const mine = await get(app, `/api/items/${itemsOf(repA)[0]?.itemId}`, repA);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { item: { id: string; account: { name: string } } }).item.account.name).toMatch(/^Account /);
    const theirs = await get(app, `/api/items/${itemsOf(repB)[0]?.itemId}`, repA);
    const missing = await get(app, '/api/items/00000000-0000-4000-8000-000000000000', repA);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await theirs.json()).toEqual(await missing.json());
  });
});

describe('deciding', () => {
  it('round-trips a decision and returns the next item', async () => {
    const [item, next] = itemsOf(repA);
    const res = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'accepted', briefVerdict: 'accurate', tierVerdict: 'too_high' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decision: { status: string; itemId: string }; nextItemId: string | null };
    expect(body.decision).toMatchObject({ status: 'accepted', itemId: item?.itemId });
    expect(body.nextItemId).toBe(next?.itemId);
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row).toMatchObject({ status: 'accepted', decidedBy: repA.repId, briefVerdict: 'accurate', tierVerdict: 'too_high' });
  });

  it('records an edit with its distance', async () => {
    const item = itemsOf(repA)[1];
    const res = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'edited', edited: { subject: 'New subject', body: 'New body.' } });
    expect(res.status).toBe(200);
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row?.status).toBe('edited');
    expect(row?.editDistance).toBeGreaterThan(0);
  });

  it('a second decision is 409 and says who decided and when', async () => {
    const item = itemsOf(repA)[0];
    const res = await postJson(app, `/api/items/${item?.itemId}/decision`, manager, { verdict: 'rejected', rejectReason: 'tone' });
    expect(res.status).toBe(409);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain(repA.email);
  });

  it('validates the body: 400 with a clear message, nothing changed', async () => {
    const item = itemsOf(repA)[2];
    const cases: Array<[unknown, string]> = [
      [{ verdict: 'rejected' }, 'rejectReason'],
      [{ verdict: 'rejected', rejectReason: 'other' }, 'note'],
      [{ verdict: 'maybe' }, 'verdict'],
      [{ verdict: 'edited' }, 'edited'],
      [{ verdict: 'accepted', tierVerdict: 'sideways' }, 'tierVerdict'],
      [{ verdict: 'accepted', deciderRepId: repB.repId }, 'deciderRepId'],
    ];
    for (const [body, field] of cases) {
      const res = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, body);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as ErrorBody).error;
      expect(error.code).toBe('validation');
      expect(error.message).toContain(field);
    }
    const notJson = await app.request(`/api/items/${item?.itemId}/decision`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json', cookie: repA.cookie, 'x-csrf-token': repA.csrf } });
    expect(notJson.status).toBe(400);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('is 404 for another rep’s item and changes nothing', async () => {
    const theirs = itemsOf(repB)[0];
    const res = await postJson(app, `/api/items/${theirs?.itemId}/decision`, repA, { verdict: 'accepted' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
    expect((await statuses(db.db, [theirs?.itemId ?? ''])).get(theirs?.itemId ?? '')).toBe('pending');
  });

  it('needs the CSRF header (403) and a same-origin request', async () => {
    const item = itemsOf(repA)[2];
    const missing = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'accepted' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('csrf');
    const wrong = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'accepted' }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const crossSite = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'accepted' }, { origin: 'https://attacker.example' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as ErrorBody).error.code).toBe('cross_origin');
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('refuses an oversized body (413)', async () => {
    const item = itemsOf(repA)[2];
    const res = await postJson(app, `/api/items/${item?.itemId}/decision`, repA, { verdict: 'accepted', note: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
  });
});

describe('bulk accept', () => {
  it('accepts own items and reports another rep’s as not found', async () => {
    const mine = itemsOf(repB).slice(1, 4).map((i) => i.itemId);
    const theirs = itemsOf(repA)[3]?.itemId ?? '';
    const res = await postJson(app, '/api/bulk-accept', repB, { itemIds: [...mine, theirs] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: string[]; failed: Array<{ itemId: string; code: string; message: string }> };
    expect(new Set(body.accepted)).toEqual(new Set(mine));
    expect(body.failed).toEqual([{ itemId: theirs, code: 'not_found', message: 'No such review item.' }]);
    const after = await statuses(db.db, [...mine, theirs]);
    for (const id of mine) expect(after.get(id)).toBe('accepted');
    expect(after.get(theirs)).toBe('pending');
  });

  it('validates the ids (400) and needs the CSRF header (403)', async () => {
    const empty = await postJson(app, '/api/bulk-accept', repB, { itemIds: [] });
    expect(empty.status).toBe(400);
    const junk = await postJson(app, '/api/bulk-accept', repB, { itemIds: ['nope'] });
    expect(junk.status).toBe(400);
    expect(((await junk.json()) as ErrorBody).error.message).toContain('itemIds');
    const tooMany = await postJson(app, '/api/bulk-accept', repB, { itemIds: Array.from({ length: 201 }, () => crypto.randomUUID()) });
    expect(tooMany.status).toBe(400);
    const noToken = await postJson(app, '/api/bulk-accept', repB, { itemIds: [itemsOf(repB)[4]?.itemId] }, { csrf: null });
    expect(noToken.status).toBe(403);
    expect((await statuses(db.db, [itemsOf(repB)[4]?.itemId ?? ''])).get(itemsOf(repB)[4]?.itemId ?? '')).toBe('pending');
  });

  it('lets a manager accept any rep’s items', async () => {
    const ids = [itemsOf(repA)[4]?.itemId ?? '', itemsOf(repB)[4]?.itemId ?? ''];
    const res = await postJson(app, '/api/bulk-accept', manager, { itemIds: ids });
    const body = (await res.json()) as { accepted: string[] };
    expect(new Set(body.accepted)).toEqual(new Set(ids));
  });
});
