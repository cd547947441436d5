/**
 * Sign-in and sign-out. GET /signin?token=… only shows a confirm page; the POST redeems the link
 * (once) into a session cookie. POST /signin has no session to carry a CSRF token, so the Origin
 * check (app-wide, security.ts) is its guard against login CSRF.
 */
import type { Hono } from 'hono';
import { endSession, redeemSignIn } from '../../auth/index.ts';
import type { Assets } from '../assets.ts';
import { renderPage } from '../render.ts';
import { clearSessionCookies, setSessionCookie } from '../session.ts';
import { SignInConfirmPage, SignInHelpPage } from '../views/signin-page.tsx';
import type { WebDeps, WebEnv } from '../web-env.ts';

/** Sign-in tokens are short URL-safe strings; anything else is not worth a database round trip. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,200}$/;

export function registerSignInRoutes(app: Hono<WebEnv>, deps: WebDeps, assets: Assets): void {
  app.get('/signin', async (c) => {
    const token = c.req.query('token');
    if (token && TOKEN_SHAPE.test(token)) return renderPage(c, <SignInConfirmPage assets={assets} token={token} />);
    if (c.req.query('signedOut') === '1') return renderPage(c, <SignInHelpPage assets={assets} reason="signed_out" message="You are signed out." />);
    if (token) return renderPage(c, <SignInHelpPage assets={assets} reason="link_invalid" />, 400);
    if (c.get('session')) return c.redirect('/', 303);
    return renderPage(c, <SignInHelpPage assets={assets} reason="not_signed_in" />);
  });

  app.post('/signin', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'] : '';
    const session = await redeemSignIn(deps.db, { token, sessionTtlMs: deps.config.web.sessionTtlMs });
    // A browser that was signed in as someone else ends that session first.
    const previous = c.get('sessionToken');
    if (previous) await endSession(deps.db, previous);
    setSessionCookie(c, deps, session.sessionToken, session.expiresAt);
    return c.redirect('/', 303);
  });

  app.post('/signout', async (c) => {
    const token = c.get('sessionToken');
    if (token) await endSession(deps.db, token);
    clearSessionCookies(c, deps);
    return c.redirect('/signin?signedOut=1', 303);
  });
}
