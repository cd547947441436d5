/**
 * The session cookie: read on every request (the row in Postgres decides, see src/auth), set
 * after sign-in, cleared on sign-out. HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loadSession, SESSION_COOKIE, type WebSession } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import type { WebDeps, WebEnv } from './web-env.ts';

/** bull-board's axios echoes this cookie as `X-XSRF-TOKEN`; only its own path can read it. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const BULL_BOARD_PATH = '/admin/queues';

export function isSecure(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}

export function loadSessionMiddleware(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    c.set('session', null);
    c.set('sessionToken', null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await loadSession(deps.db, token);
      if (session) {
        c.set('session', session);
        c.set('sessionToken', token);
      } else {
        // Expired, signed out elsewhere, or the rep was disabled: the browser forgets it too.
        deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecure(deps.config.web.publicUrl), httpOnly: true, sameSite: 'Strict' });
      }
    }
    await next();
  };
}

export function setSessionCookie(c: Context, deps: WebDeps, token: string, expiresAt: Date): void {
  const now = (deps.now ?? (() => new Date()))();
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: isSecure(deps.config.web.publicUrl), maxAge });
}

export function clearSessionCookies(c: Context, deps: WebDeps): void {
  const secure = isSecure(deps.config.web.publicUrl);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Strict' });
  deleteCookie(c, XSRF_COOKIE, { path: BULL_BOARD_PATH, secure, sameSite: 'Strict' });
}

/** The signed-in session, or `unauthorized` (a sign-in page for pages, 401 for the API). */
export function requireSession(c: Context<WebEnv>): WebSession {
  const session = c.get('session');
  if (!session) throw new AppError('unauthorized', 'You are not signed in. Open your sign-in link, or ask your manager for a new one (bookrun reps add).');
  return session;
}

/** The viewer the review services scope by: always from the session. */
export function viewerOf(session: WebSession): { repId: string; role: 'rep' | 'manager' } {
  return { repId: session.rep.id, role: session.rep.role };
}
