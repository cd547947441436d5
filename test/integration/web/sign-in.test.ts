/**
 * Signing in and out: a link is shown on GET and redeemed only by a same-origin POST, once; the
 * session cookie is HttpOnly, SameSite=Strict, Path=/ (Secure behind https) and lasts as long
 * as the session; signing out ends the session for good.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInTokens, webSessions } from '../../../db/schema/index.ts';
import { createWebApp } from '../../../src/web/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { ORIGIN, get, postForm, signIn, signInToken, webApp } from './support.ts';

let db: TestDb;
let app: ReturnType<typeof webApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = webApp(db.db);
});

afterAll(async () => {
  await db?.drop();
});

function cookieOf(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  const match = /bookrun_session=([^;]+)/.exec(header);
  return match ? `bookrun_session=${match[1]}` : '';
}

describe('the sign-in link', () => {
  it('GET shows a confirm form and does not use the link', async () => {
    const token = await signInToken(db.db, 'ada@example.test', 'rep');
    const res = await get(app, `/signin?token=${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/signin" id="signin-form">');
    expect(html).toContain(`<input type="hidden" name="token" value="${token}"/>`);
    expect(html).toContain('id="signin-confirm"');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const rows = await db.db.select({ usedAt: signInTokens.usedAt }).from(signInTokens);
    expect(rows.every((r) => r.usedAt === null)).toBe(true);
  });

  it('POST sets an HttpOnly, SameSite=Strict session cookie and redirects to the queue; the link works once', async () => {
    const token = await signInToken(db.db, 'grace@example.test', 'rep');
    const res = await postForm(app, '/signin', undefined, { token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^bookrun_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)?.[1]);
    expect(maxAge).toBeGreaterThan(8 * 3600 - 60);
    expect(maxAge).toBeLessThanOrEqual(8 * 3600);

    const queue = await app.request('/', { headers: { cookie: cookieOf(res) } });
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain('id="signed-in-rep"');

    const again = await postForm(app, '/signin', undefined, { token });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    const html = await again.text();
    expect(html).toContain('data-reason="link_invalid"');
    expect(html).toContain('bookrun reps add');
  });

  it('refuses a cross-origin POST (login CSRF) and leaves the link unused', async () => {
    const token = await signInToken(db.db, 'linus@example.test', 'rep');
    const res = await postForm(app, '/signin', undefined, { token }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    const ok = await postForm(app, '/signin', undefined, { token }, { origin: ORIGIN });
    expect(ok.status).toBe(303);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secureApp = createWebApp({ db: db.db, config: { web: { publicUrl: 'https://review.example.test', sessionTtlMs: 3_600_000 } } });
    const token = await signInToken(db.db, 'barbara@example.test', 'rep');
    const res = await postForm(secureApp, '/signin', undefined, { token }, { origin: 'https://review.example.test' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('explains a malformed or missing link', async () => {
    const bad = await get(app, '/signin?token=%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('<script>');
    const none = await get(app, '/signin');
    expect(none.status).toBe(200);
    expect(await none.text()).toContain('id="signin-help"');
  });
});

describe('signing out', () => {
  it('needs the CSRF token, then ends the session and clears the cookie', async () => {
    const who = await signIn(db.db, { email: 'ken@example.test', role: 'rep' });
    const forged = await postForm(app, '/signout', who, {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect((await get(app, '/', who)).status).toBe(200);

    const res = await postForm(app, '/signout', who, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/signin?signedOut=1');
    expect(res.headers.get('set-cookie') ?? '').toMatch(/bookrun_session=;.*Max-Age=0/);
    const rows = await db.db.select().from(webSessions).where(eq(webSessions.repId, who.repId));
    expect(rows).toEqual([]);
    expect((await get(app, '/', who)).status).toBe(401);
    expect((await get(app, '/api/me', who)).status).toBe(401);
    const page = await get(app, '/signin?signedOut=1');
    expect(await page.text()).toContain('You are signed out');
  });
});
