/**
 * bull-board at /admin/queues: managers only (reps and strangers learn nothing: 404 / sign-in),
 * served entirely from this origin (the Google Fonts link of its page is removed), with a CSP of
 * its own, and its state changes behind the same anti-forgery checks as the rest of the app.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../src/queue/connection.ts';
import { createQueues, type Queues } from '../../../src/queue/queues.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { REDIS_URL, removeKeys } from '../../support/pipeline.ts';
import { get, ORIGIN, signIn, webApp, type Signed } from './support.ts';

let db: TestDb;
let redis: ReturnType<typeof createRedis>;
let queues: Queues;
let app: ReturnType<typeof webApp>;
let manager: Signed;
let rep: Signed;
const prefix = `{bookrun-web-${randomUUID().slice(0, 8)}}`;

beforeAll(async () => {
  db = await createTestDb();
  redis = createRedis(REDIS_URL, () => {});
  queues = createQueues(redis, prefix, () => {});
  await queues.run.add('run', { runId: 'r1' }, { jobId: 'r1-run' });
  app = webApp(db.db, { queues: [queues.run, queues.llm] });
  manager = await signIn(db.db, { email: 'boss@example.test', role: 'manager' });
  rep = await signIn(db.db, { email: 'rep@example.test', role: 'rep' });
});

afterAll(async () => {
  await queues?.close();
  await redis?.quit();
  await removeKeys(prefix);
  await db?.drop();
});

describe('/admin/queues', () => {
  it('serves the board to a manager with no external requests and its own CSP', async () => {
    const res = await get(app, '/admin/queues', manager);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<base href="/admin/queues/"');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(html).not.toContain('fonts.googleapis.com');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(res.headers.get('set-cookie')).toContain(`XSRF-TOKEN=${manager.csrf}`);
    expect(res.headers.get('set-cookie')).toContain('Path=/admin/queues');
    const slash = await get(app, '/admin/queues/', manager);
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/admin/queues');
  });

  it('serves its static files and its API to a manager', async () => {
    const html = await (await get(app, '/admin/queues', manager)).text();
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await get(app, `/admin/queues/${script}`, manager);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const api = await get(app, '/admin/queues/api/queues', manager);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['llm', 'run']);
  });

  it('is 404 for a rep (page, static files and API) and the sign-in page for a stranger', async () => {
    expect((await get(app, '/admin/queues', rep)).status).toBe(404);
    expect((await get(app, '/admin/queues/api/queues', rep)).status).toBe(404);
    expect((await get(app, '/admin/queues/static/images/logo.svg', rep)).status).toBe(404);
    const stranger = await get(app, '/admin/queues');
    expect(stranger.status).toBe(401);
    expect(await stranger.text()).toContain('id="signin-help"');
  });

  it('needs the XSRF header for the board’s state changes', async () => {
    const forged = await app.request('/admin/queues/api/queues/run/pause', { method: 'PUT', headers: { cookie: manager.cookie, origin: ORIGIN } });
    expect(forged.status).toBe(403);
    expect(await queues.run.isPaused()).toBe(false);
    const ok = await app.request('/admin/queues/api/queues/run/pause', { method: 'PUT', headers: { cookie: manager.cookie, origin: ORIGIN, 'x-xsrf-token': manager.csrf } });
    expect(ok.status).toBeLessThan(300);
    expect(await queues.run.isPaused()).toBe(true);
    await queues.run.resume();
  });
});
