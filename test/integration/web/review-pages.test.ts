/**
 * The review pages and their form posts against a real Postgres: a rep sees and decides only their
 * own items (anything else is 404, page or API, GET or POST), every state change needs the
 * session's CSRF token and a same-origin request, and drafts render inert.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, artifacts, reviewItems } from '../../../db/schema/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';
import { seedRun } from '../review/seed.ts';
import { fileArtifactsMany } from '../../../src/review/index.ts';
import { get, postForm, rowIds, signIn, signInTeam, statuses, webApp, type Signed } from './support.ts';

let db: TestDb;
let world: DraftedWorld;
let app: ReturnType<typeof webApp>;
let repA: Signed;
let repB: Signed;
let manager: Signed;
const logged: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 20, repCount: 2 });
  app = webApp(db.db, { log: (line) => logged.push(line) });
  ({ repA, repB, manager } = await signInTeam(db.db, world));
});

afterAll(async () => {
  await db?.drop();
});

const itemsOf = (who: Signed) => world.items.filter((i) => i.ownerRepId === who.repId);

describe('the queue page', () => {
  it('lists only the signed-in rep’s own items, with stable selectors', async () => {
    const res = await get(app, '/', repA);
    expect(res.status).toBe(200);
    const html = await res.text();
    const ids = rowIds(html);
    expect(new Set(ids)).toEqual(new Set(itemsOf(repA).map((i) => i.itemId)));
    for (const other of itemsOf(repB)) expect(html).not.toContain(other.itemId);
    expect(html).toContain('id="bulk-form"');
    expect(html).toContain('id="accept-selected"');
    expect(html).toMatch(/<input type="checkbox" class="row-select" name="ids" value="[0-9a-f-]{36}"/);
    expect(html).toContain(`<meta name="csrf-token" content="${repA.csrf}"/>`);
  });

  it('shows a manager every rep’s items', async () => {
    const html = await (await get(app, '/', manager)).text();
    expect(new Set(rowIds(html))).toEqual(new Set(world.items.map((i) => i.itemId)));
  });

  it('sets a strict CSP and the other security headers on pages', async () => {
    const res = await get(app, '/', repA);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('filters by search text and tier, and shows counts on the chips', async () => {
    const mine = itemsOf(repA);
    const target = mine[0];
    const res = await get(app, `/?q=${encodeURIComponent(`account ${world.items.indexOf(target!)}`)}`, repA);
    const ids = rowIds(await res.text());
    expect(ids).toContain(target?.itemId);
    const none = await (await get(app, '/?tier=D', repA)).text();
    expect(rowIds(none)).toEqual([]);
    expect(none).toContain('id="queue-empty"');
    const all = await (await get(app, '/', repA)).text();
    expect(all).toMatch(new RegExp(`data-filter="tier" data-value="A"><span class="chip-label">Tier A</span><span class="chip-count">${mine.length}</span>`));
  });

  it('pages with a keyset cursor and never repeats an item', async () => {
    const first = await (await get(app, '/?limit=4', repA)).text();
    const next = /id="next-page" href="([^"]+)"|href="([^"]+)" id="next-page"/.exec(first);
    const href = (next?.[1] ?? next?.[2] ?? '').replaceAll('&amp;', '&');
    expect(href).toContain('cursor=');
    const second = await (await get(app, href.replace(/^\/\?/, '/?limit=4&'), repA)).text();
    const a = rowIds(first);
    const b = rowIds(second);
    expect(a).toHaveLength(4);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it('answers a bad filter with 400 and says what is wrong', async () => {
    const res = await get(app, '/?tier=Z', repA);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('tier');
    expect(html).toContain('id="error-message"');
  });
});

describe('signed out', () => {
  it('shows the sign-in help page for pages, with how to get a new link', async () => {
    const res = await get(app, '/');
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('id="signin-help"');
    expect(html).toContain('bookrun reps add');
  });

  it('tells a browser with a dead session cookie that its session ended', async () => {
    const res = await app.request('/', { headers: { cookie: 'bookrun_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('data-reason="session_expired"');
    expect(res.headers.get('set-cookie') ?? '').toMatch(/bookrun_session=;.*Max-Age=0/i);
  });
});

describe('the item page', () => {
  it('shows the draft with its evidence and the decision form, and records the first view', async () => {
    const item = itemsOf(repA)[0];
    const res = await get(app, `/items/${item?.itemId}`, repA);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const selector of ['id="decision-form"', 'id="accept"', 'id="edit"', 'id="reject"', 'id="reject-dialog"', 'id="edit-subject"', 'id="edit-body"', 'id="note"', 'id="reason-wrong_facts"', 'id="reason-other"', 'id="briefVerdict-accurate"', 'id="tierVerdict-too_high"', 'id="keyboard-help"'])
      expect(html).toContain(selector);
    expect(html).toContain(item?.subject);
    const [row] = await db.db.select({ firstViewedAt: reviewItems.firstViewedAt }).from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row?.firstViewedAt).toBeInstanceOf(Date);
  });

  it('shows dates in the rep’s time zone', async () => {
    const tokyo = await signIn(db.db, { repId: repA.repId }, 'Asia/Tokyo');
    const html = await (await get(app, `/items/${itemsOf(repA)[0]?.itemId}`, tokyo)).text();
    expect(html).toContain('GMT+9');
    expect(html).toContain('Asia/Tokyo');
  });

  it('is 404 for another rep’s item, exactly like a missing one', async () => {
    const theirs = itemsOf(repB)[0];
    const res = await get(app, `/items/${theirs?.itemId}`, repA);
    expect(res.status).toBe(404);
    const missing = await get(app, '/items/00000000-0000-4000-8000-000000000000', repA);
    expect(missing.status).toBe(404);
    const a = (await res.text()).replace(/[0-9a-f-]{36}/g, '');
    const b = (await missing.text()).replace(/[0-9a-f-]{36}/g, '');
    expect(a).toBe(b);
    expect((await get(app, '/items/not-a-uuid', repA)).status).toBe(404);
    const [row] = await db.db.select({ firstViewedAt: reviewItems.firstViewedAt }).from(reviewItems).where(eq(reviewItems.id, theirs?.itemId ?? ''));
    expect(row?.firstViewedAt).toBeNull();
  });

  it('lets a manager open any rep’s item', async () => {
    const res = await get(app, `/items/${itemsOf(repB)[0]?.itemId}`, manager);
    expect(res.status).toBe(200);
  });
});

describe('deciding with the form', () => {
  it('accepts and redirects (303) to the next item with a confirmation', async () => {
    const item = itemsOf(repA)[4];
    const expectedNext = ((await (await get(app, `/api/items/${item?.itemId}`, repA)).json()) as { item: { neighbors: { nextId: string | null } } }).item.neighbors.nextId;
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repA, { verdict: 'accepted', briefVerdict: 'accurate', tierVerdict: 'right' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(expectedNext ? `/items/${expectedNext}?flash=accepted` : '/?flash=accepted&last=1');
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row?.status).toBe('accepted');
    expect(row?.briefVerdict).toBe('accurate');
    expect(row?.tierVerdict).toBe('right');
    expect(row?.decidedBy).toBe(repA.repId);
  });

  it('edits then accepts, keeping the rep’s text', async () => {
    const item = itemsOf(repA)[1];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repA, { verdict: 'edited', subject: 'A better subject', body: 'Hello, a better note.' });
    expect(res.status).toBe(303);
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row?.status).toBe('edited');
    expect(row?.finalContent).toEqual({ subject: 'A better subject', body: 'Hello, a better note.' });
  });

  it('rejects with a reason code and a note', async () => {
    const item = itemsOf(repA)[2];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repA, { verdict: 'rejected', rejectReason: 'other', note: 'We met them last week.' });
    expect(res.status).toBe(303);
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, item?.itemId ?? ''));
    expect(row?.status).toBe('rejected');
    expect(row?.rejectReason).toBe('other');
    expect(row?.decisionNote).toBe('We met them last week.');
  });

  it('refuses a rejection without a reason (400) and changes nothing', async () => {
    const item = itemsOf(repA)[3];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repA, { verdict: 'rejected' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('rejectReason');
    expect(html).toContain(`href="/items/${item?.itemId}" id="error-back"`);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('answers a second decision with 409 naming who decided', async () => {
    const item = itemsOf(repA)[4]; // accepted above
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repA, { verdict: 'rejected', rejectReason: 'tone' });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain(repA.email);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('accepted');
  });

  it('is 404 for another rep’s item and leaves it pending', async () => {
    const theirs = itemsOf(repB)[0];
    const res = await postForm(app, `/items/${theirs?.itemId}/decision`, repA, { verdict: 'accepted' });
    expect(res.status).toBe(404);
    expect((await statuses(db.db, [theirs?.itemId ?? ''])).get(theirs?.itemId ?? '')).toBe('pending');
  });
});

describe('anti-forgery', () => {
  it('rejects a form post without the CSRF token (403) and changes nothing', async () => {
    const item = itemsOf(repB)[1];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repB, { verdict: 'accepted' }, { csrf: null });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('security token');
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('rejects another session’s CSRF token (403)', async () => {
    const item = itemsOf(repB)[1];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repB, { verdict: 'accepted' }, { csrf: repA.csrf });
    expect(res.status).toBe(403);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('rejects a cross-origin post even with the right token (403)', async () => {
    const item = itemsOf(repB)[1];
    const res = await postForm(app, `/items/${item?.itemId}/decision`, repB, { verdict: 'accepted' }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    const bulk = await postForm(app, '/bulk-accept', repB, { ids: [item?.itemId ?? ''] }, { origin: 'null' });
    expect(bulk.status).toBe(403);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });

  it('trusts a same-origin browser post whose Origin is null under Referrer-Policy no-referrer, and nothing cross-site', async () => {
    const [first, second] = itemsOf(repB).slice(6, 8);
    const sameSite = await postForm(app, `/items/${first?.itemId}/decision`, repB, { verdict: 'accepted' }, { origin: 'null', headers: { 'sec-fetch-site': 'same-site' } });
    expect(sameSite.status).toBe(403);
    const crossSite = await postForm(app, `/items/${first?.itemId}/decision`, repB, { verdict: 'accepted' }, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const nullWithoutFetchMetadata = await postForm(app, `/items/${first?.itemId}/decision`, repB, { verdict: 'accepted' }, { origin: 'null' });
    expect(nullWithoutFetchMetadata.status).toBe(403);
    expect((await statuses(db.db, [first?.itemId ?? ''])).get(first?.itemId ?? '')).toBe('pending');
    const ours = await postForm(app, `/items/${second?.itemId}/decision`, repB, { verdict: 'accepted' }, { origin: 'null', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(ours.status).toBe(303);
  });

  it('never changes state on GET', async () => {
    const item = itemsOf(repB)[1];
    const res = await get(app, `/items/${item?.itemId}/decision?verdict=accepted`, repB);
    expect(res.status).toBe(404);
    expect((await statuses(db.db, [item?.itemId ?? ''])).get(item?.itemId ?? '')).toBe('pending');
  });
});

describe('bulk accept with the form', () => {
  it('accepts the selected items and reports others as failed without naming them', async () => {
    const mine = itemsOf(repB).slice(2, 5).map((i) => i.itemId);
    const theirs = itemsOf(repA)[3]?.itemId ?? ''; // still pending
    const res = await postForm(app, '/bulk-accept', repB, { ids: [...mine, theirs], return: '?tier=A' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/?tier=A&flash=bulk&accepted=3&failed=1`);
    const after = await statuses(db.db, [...mine, theirs]);
    for (const id of mine) expect(after.get(id)).toBe('accepted');
    expect(after.get(theirs)).toBe('pending');
    const page = await (await get(app, '/?flash=bulk&accepted=3&failed=1', repB)).text();
    expect(page).toContain('Accepted 3 items.');
  });

  it('says what is wrong when nothing is selected (400)', async () => {
    const res = await postForm(app, '/bulk-accept', repB, {});
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('select at least one item');
  });
});

describe('hostile text in drafts', () => {
  it('renders a draft with <script> and an external <img> inert', async () => {
    const item = itemsOf(repB)[5];
    const evil = '<script>alert(1)</script><img src=http://127.0.0.3/x onerror=alert(2)>"\'><svg onload=alert(3)>';
    const draft = { to: 'buyer@x.example', subject: `Hi ${evil}`, body: `Body ${evil}`, citations: [{ claim: evil, factId: 'f1' }], riskFlags: [evil] };
    const brief = { summary: evil, facts: [{ id: 'f1', text: evil, source: 'javascript:alert(4)', observedAt: '2026-01-02' }], keyPoints: [evil] };
    await db.db.update(artifacts).set({ content: draft, riskFlags: [evil] }).where(and(eq(artifacts.reviewItemId, item?.itemId ?? ''), eq(artifacts.workflow, 'drafting')));
    await db.db.update(artifacts).set({ content: brief }).where(and(eq(artifacts.reviewItemId, item?.itemId ?? ''), eq(artifacts.workflow, 'research')));
    await db.db.update(accounts).set({ notes: evil, name: `Acme ${evil}` }).where(eq(accounts.id, item?.accountId ?? ''));
    for (const path of [`/items/${item?.itemId}`, '/']) {
      const html = await (await get(app, path, repB)).text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
      expect(scripts).toEqual([expect.stringMatching(/^<script src="\/assets\/app\.js\?v=[0-9a-f]+" defer="">$/)]);
      expect(html).not.toMatch(/<img\b/i);
      expect(html).not.toMatch(/<svg\b/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const detail = await (await get(app, `/items/${item?.itemId}`, repB)).text();
    expect(detail).not.toMatch(/href="javascript:/i);
  });
});

describe('a sampled item (brief and tier, no draft)', () => {
  it('is judged on its brief and tier: no edit, a reject with a reason, the tier verdict saved', async () => {
    const runId = await seedRun(db.db, world.book.bookId, new Date(Date.now() + 60_000));
    const accountId = world.items.find((i) => i.ownerRepId === repA.repId)?.accountId ?? '';
    const [filed] = await fileArtifactsMany(db.db, [
      {
        runId,
        accountId,
        sampleRate: 1,
        artifacts: [
          { workflow: 'research', skillName: 'research', skillVersion: 'v1', model: 'm', content: { summary: 'A sampled brief' } },
          { workflow: 'prioritization', skillName: 'prioritization', skillVersion: 'v1', model: 'm', content: { tier: 'C', score: 41, rationale: 'Few signals.' } },
        ],
      },
    ]);
    const itemId = filed?.reviewItemId ?? '';
    const queue = await (await get(app, '/', repA)).text();
    expect(rowIds(queue)[0]).toBe(itemId); // newest run first
    expect(queue).toContain('<span class="kind kind-sample">Sample</span>');
    const page = await (await get(app, `/items/${itemId}`, repA)).text();
    expect(page).toContain('Sampled for quality');
    expect(page).not.toContain('id="edit"');
    expect(page).toContain('Few signals.');
    const res = await postForm(app, `/items/${itemId}/decision`, repA, { verdict: 'rejected', rejectReason: 'not_a_fit', tierVerdict: 'too_high' });
    expect(res.status).toBe(303);
    const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, itemId));
    expect(row).toMatchObject({ status: 'rejected', rejectReason: 'not_a_fit', tierVerdict: 'too_high' });
  });
});

describe('errors', () => {
  it('serves a friendly 404 page for unknown addresses', async () => {
    const res = await get(app, '/nope', repA);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('id="error"');
  });

  it('logs nothing unexpected', () => {
    expect(logged).toEqual([]);
  });
});
