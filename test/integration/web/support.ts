/**
 * Fixtures for the web app's tests: the app over a test database, reps signed in through
 * src/auth (one-time link → session), and small helpers for cookies, forms and JSON requests
 * through `app.request()`.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { Db } from '../../../db/client.ts';
import { reps, reviewItems } from '../../../db/schema/index.ts';
import { addRep, redeemSignIn } from '../../../src/auth/index.ts';
import { createWebApp, type WebDeps, type WebEnv } from '../../../src/web/index.ts';

export const PUBLIC_URL = 'http://127.0.0.1:4300';
export const ORIGIN = PUBLIC_URL;
const HOUR = 3_600_000;

export type Signed = { repId: string; email: string; cookie: string; csrf: string; sessionToken: string };

export function webApp(db: Db, overrides: Partial<WebDeps> = {}): Hono<WebEnv> {
  return createWebApp({ db, config: { web: { publicUrl: PUBLIC_URL, sessionTtlMs: 8 * HOUR } }, ...overrides });
}

/** A one-time sign-in token for an existing or new rep (as `bookrun reps add` mints it). */
export async function signInToken(db: Db, email: string, role: 'rep' | 'manager', timeZone?: string): Promise<string> {
  const { signInUrl } = await addRep(db, { email, name: email.split('@')[0] ?? email, role, ...(timeZone ? { timeZone } : {}) }, { publicUrl: PUBLIC_URL, signInTtlMs: HOUR });
  const token = new URL(signInUrl).searchParams.get('token');
  if (!token) throw new Error(`no token in ${signInUrl}`);
  return token;
}

/** Signs a rep in through src/auth and returns the cookie and CSRF token of the session. */
export async function signIn(db: Db, repIdOrEmail: { repId: string } | { email: string; role: 'rep' | 'manager' }, timeZone?: string): Promise<Signed> {
  let email: string;
  let role: 'rep' | 'manager';
  if ('repId' in repIdOrEmail) {
    const [rep] = await db.select({ email: reps.email, role: reps.role }).from(reps).where(eq(reps.id, repIdOrEmail.repId));
    if (!rep) throw new Error(`no rep ${repIdOrEmail.repId}`);
    email = rep.email;
    role = rep.role;
  } else {
    email = repIdOrEmail.email;
    role = repIdOrEmail.role;
  }
  const token = await signInToken(db, email, role, timeZone);
  const session = await redeemSignIn(db, { token, sessionTtlMs: 8 * HOUR });
  return { repId: session.rep.id, email, cookie: `bookrun_session=${session.sessionToken}`, csrf: session.csrfToken, sessionToken: session.sessionToken };
}

export type SignedTeam = { repA: Signed; repB: Signed; manager: Signed };

/** Signs in the two reps and the manager of a `seedDraftedItems` world. */
export async function signInTeam(db: Db, world: { book: { repIds: string[] }; managerId: string }): Promise<SignedTeam> {
  const [a, b] = world.book.repIds;
  return { repA: await signIn(db, { repId: a ?? '' }), repB: await signIn(db, { repId: b ?? '' }), manager: await signIn(db, { repId: world.managerId }) };
}

export function get(app: Hono<WebEnv>, path: string, who?: Signed, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { headers: { ...(who ? { cookie: who.cookie } : {}), ...headers } }));
}

/** A form post as a browser sends it: same-origin, urlencoded, `_csrf` from the page unless told otherwise. */
export function postForm(
  app: Hono<WebEnv>,
  path: string,
  who: Signed | undefined,
  fields: Record<string, string | string[]>,
  options: { csrf?: string | null; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  const csrf = options.csrf === undefined ? who?.csrf : options.csrf;
  if (csrf) body.append('_csrf', csrf);
  for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(who ? { cookie: who.cookie } : {}), ...(origin ? { origin } : {}), ...options.headers },
    }),
  );
}

/** A JSON call as the page script makes it: the CSRF token in `x-csrf-token`. */
export function postJson(app: Hono<WebEnv>, path: string, who: Signed | undefined, body: unknown, options: { csrf?: string | null; origin?: string | null } = {}): Promise<Response> {
  const csrf = options.csrf === undefined ? who?.csrf : options.csrf;
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(who ? { cookie: who.cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}), ...(origin ? { origin } : {}) },
    }),
  );
}

export async function statuses(db: Db, itemIds: string[]): Promise<Map<string, string>> {
  const rows = await db.select({ id: reviewItems.id, status: reviewItems.status }).from(reviewItems).where(inArray(reviewItems.id, itemIds));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** The `data-item-id`s of the queue rows in a page, in order. */
export function rowIds(html: string): string[] {
  return [...html.matchAll(/<tr class="item-row" data-item-id="([0-9a-f-]{36})"/g)].map((m) => m[1] ?? '');
}
