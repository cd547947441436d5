/**
 * Issue 6 acceptance in a real browser: Debian's Chromium (playwright-core) against the real web
 * app, over a review queue the real pipeline filled (a generated book run through the stand-in).
 * A rep signs in with a one-time link, works the queue with the keyboard, edits and accepts,
 * rejects with a reason, bulk-accepts — and the database holds the right review rows, edit
 * distances and memory items. Then the hostile cases: another rep's item, a forged post, a draft
 * carrying markup.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMemory, artifacts, reviewItems } from '../../db/schema/index.ts';
import { createReviewWorld, type ReviewWorld } from '../support/review-world.ts';
import { launchChromium } from './support/browser.ts';
import { signInLink, startTestWeb, type TestWeb } from './support/web.ts';

let world: ReviewWorld;
let web: TestWeb;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  world = await createReviewWorld({ accounts: 80, seed: 11 });
  web = await startTestWeb(world.deps.db, world.env.config);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await world?.cleanup();
}, 60_000);

const db = () => world.deps.db;

async function item(id: string) {
  const [row] = await db().select().from(reviewItems).where(eq(reviewItems.id, id));
  if (!row) throw new Error(`no review item ${id}`);
  return row;
}

async function memoryFrom(id: string) {
  return db()
    .select({ kind: accountMemory.kind, content: accountMemory.content })
    .from(accountMemory)
    .where(eq(accountMemory.source, `review:${id}`));
}

async function pendingIdsOnQueue(): Promise<string[]> {
  return page.locator('tr.item-row[data-status="pending"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item-id') ?? ''));
}

describe('when a rep works the morning queue in the browser', () => {
  it('signs in with the one-time link (a GET only shows the confirm page)', async () => {
    const link = await signInLink(db(), web, { email: world.rep.email, name: world.rep.name, timeZone: 'Europe/Berlin' });
    await page.goto(link);
    expect(await page.locator('form[action="/signin"]').count()).toBe(1);
    await page.locator('form[action="/signin"] button[type="submit"]').click();
    await page.waitForURL(`${web.url}/`);
    await expect.poll(() => page.locator('#signed-in-rep').textContent()).toContain(world.rep.name);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'bookrun_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // The link is spent: a second browser gets no session from it.
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto(link);
    await second.locator('form[action="/signin"] button[type="submit"]').click();
    expect(await second.content()).toMatch(/not valid/);
    await other.close();
  });

  it('shows only their own pending items, with counts', async () => {
    const ids = await pendingIdsOnQueue();
    expect(ids.length).toBe(Math.min(world.rep.pending, 50));
    const owners = await db().execute<{ owner: string }>(sql`select distinct owner_rep_id::text as owner from review_items where id = any(${`{${ids.join(',')}}`}::uuid[])`);
    expect(owners.map((o) => o.owner)).toEqual([world.rep.id]);
  });

  it('accepts the first item with the keyboard (j, then a)', async () => {
    const [first] = await pendingIdsOnQueue();
    if (!first) throw new Error('empty queue');
    await page.keyboard.press('j');
    await page.keyboard.press('a');
    await expect.poll(async () => (await item(first)).status).toBe('accepted');
    const row = await item(first);
    expect(row.editDistance).toBe(0);
    expect(row.finalContent?.subject).toBeTruthy();
    expect(await page.locator(`tr[data-item-id="${first}"]`).getAttribute('data-status')).toBe('accepted');
    expect((await memoryFrom(first)).map((m) => m.kind)).toContain('resonated');
  });

  it('shows the keyboard help with ?', async () => {
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#keyboard-help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#keyboard-help').isVisible()).toBe(false);
  });

  it('edits a draft and accepts it, with the quick verdicts on brief and tier; edit distance and memory follow', async () => {
    const [target] = await pendingIdsOnQueue();
    if (!target) throw new Error('empty queue');
    await page.goto(`${web.url}/items/${target}`);
    await page.locator('label[for="briefVerdict-accurate"], #briefVerdict-accurate').first().check({ force: true });
    await page.locator('#tierVerdict-too_high').check({ force: true });
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('#edit-subject').isVisible()).toBe(true);
    const subject = 'Quick question about your Q1 hiring plans';
    await page.locator('#edit-subject').fill(subject);
    const body = page.locator('#edit-body');
    await body.fill(`${await body.inputValue()}\n\nP.S. Happy to send the ROI numbers first.`);
    await page.locator('#save-edit').click();
    await expect.poll(async () => (await item(target)).status).toBe('edited');

    const row = await item(target);
    expect(row.finalContent?.subject).toBe(subject);
    expect(row.editDistance).toBeGreaterThan(20);
    expect(row.editRatio).toBeGreaterThan(0);
    expect(row.editRatio).toBeLessThan(1);
    expect(row.briefVerdict).toBe('accurate');
    expect(row.tierVerdict).toBe('too_high');
    const scored = await db().select({ workflow: artifacts.workflow, status: artifacts.status, reason: artifacts.verdictReason }).from(artifacts).where(eq(artifacts.reviewItemId, target));
    expect(Object.fromEntries(scored.map((a) => [a.workflow, [a.status, a.reason]]))).toEqual({
      research: ['accepted', null],
      prioritization: ['rejected', 'too_high'],
      drafting: ['edited', null],
    });
    const memory = await memoryFrom(target);
    expect(memory).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'resonated', content: expect.stringContaining('Happy to send the ROI numbers first') })]));
    // After the decision the app moves on to the next item (or back to the queue), saying what it did.
    await page.waitForURL(/[?&]flash=edited/);
  });

  it('rejects a draft with a reason code and a note; the note becomes something to avoid', async () => {
    const [target] = (await db()
      .select({ id: reviewItems.id })
      .from(reviewItems)
      .where(and(eq(reviewItems.ownerRepId, world.rep.id), eq(reviewItems.status, 'pending'), eq(reviewItems.reason, 'drafted')))
      .limit(1)) as Array<{ id: string }>;
    if (!target) throw new Error('no pending item left');
    await page.goto(`${web.url}/items/${target.id}`);
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('#reject-dialog').isVisible()).toBe(true);
    await page.locator('#reject-dialog input[name="rejectReason"][value="tone"]').check();
    await page.locator('#note').fill('Too pushy for a customer who just renewed');
    await page.locator('#confirm-reject').click();
    await expect.poll(async () => (await item(target.id)).status).toBe('rejected');
    await page.waitForURL(/[?&]flash=rejected/);
    const row = await item(target.id);
    expect(row).toMatchObject({ rejectReason: 'tone', decisionNote: 'Too pushy for a customer who just renewed', editDistance: null, finalContent: null });
    const memory = await memoryFrom(target.id);
    expect(memory).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'avoid', content: expect.stringContaining('Too pushy') })]));
  });

  it('bulk-accepts the selected items', async () => {
    await page.goto(`${web.url}/`);
    const ids = (await pendingIdsOnQueue()).slice(0, 3);
    expect(ids).toHaveLength(3);
    for (const id of ids) await page.locator(`#select-${id}`).check();
    await page.locator('#accept-selected').click();
    await expect.poll(async () => Promise.all(ids.map(async (id) => (await item(id)).status))).toEqual(['accepted', 'accepted', 'accepted']);
    await page.waitForURL(/[?&]flash=bulk&accepted=3&failed=0/);
    for (const id of ids) expect((await item(id)).decidedBy).toBe(world.rep.id);
  });
});

describe('when someone tries what they should not', () => {
  it("answers 404 for another rep's item, in the page and the API", async () => {
    const [foreign] = await db().select({ id: reviewItems.id }).from(reviewItems).where(eq(reviewItems.ownerRepId, world.otherRep.id)).limit(1);
    if (!foreign) throw new Error('the other rep has no item');
    const pageResponse = await page.goto(`${web.url}/items/${foreign.id}`);
    expect(pageResponse?.status()).toBe(404);
    const api = await page.request.get(`${web.url}/api/items/${foreign.id}`);
    expect(api.status()).toBe(404);
    expect(await page.content()).not.toContain(foreign.id.slice(0, 8) + '…');
  });

  it('rejects a form post without the CSRF token and changes nothing', async () => {
    const [target] = await db()
      .select({ id: reviewItems.id })
      .from(reviewItems)
      .where(and(eq(reviewItems.ownerRepId, world.rep.id), eq(reviewItems.status, 'pending')))
      .limit(1);
    if (!target) throw new Error('no pending item left');
    const response = await page.request.post(`${web.url}/items/${target.id}/decision`, { form: { verdict: 'accepted' }, headers: { origin: web.url }, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect((await item(target.id)).status).toBe('pending');
  });

  it('renders a draft carrying <script> and <img src=http…> as inert text, under a Content-Security-Policy', async () => {
    const [target] = await db()
      .select({ id: reviewItems.id })
      .from(reviewItems)
      .where(and(eq(reviewItems.ownerRepId, world.rep.id), eq(reviewItems.status, 'pending'), eq(reviewItems.reason, 'drafted')))
      .limit(1);
    if (!target) throw new Error('no pending drafted item left');
    const hostile = '<script>window.__pwned = 1</script><img src="http://127.0.0.3/exfil.png" onerror="window.__pwned = 2">';
    await db().execute(sql`update artifacts set content = jsonb_set(jsonb_set(content, '{body}', to_jsonb(${`Hi,\n${hostile}\nBest`}::text)), '{subject}', to_jsonb(${`<b>Offer</b>${'<script>window.__pwned=3</script>'}`}::text))
      where review_item_id = ${target.id} and workflow = 'drafting'`);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const response = await page.goto(`${web.url}/items/${target.id}`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // The page's own global object: nothing from the draft ran.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src^="http://127.0.0.3"]').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('<script>window.__pwned = 1</script>');
    expect(requested.filter((u) => !u.startsWith(web.url))).toEqual([]);
  });

  it('sends a browser without a session to the sign-in help, not the queue', async () => {
    const anonymous = await browser.newContext();
    const fresh = await anonymous.newPage();
    await fresh.goto(`${web.url}/`);
    expect(await fresh.content()).not.toContain('data-item-id');
    expect(await fresh.locator('body').innerText()).toMatch(/Sign in to review[\s\S]*one-time link/);
    await anonymous.close();
  });
});
