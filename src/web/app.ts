/**
 * The review web app (issue 6): server-rendered pages, a JSON API for the same operations, and
 * bull-board for managers. Every error becomes a response here, in app.onError, and nowhere else
 * (reference/style.md C5): another rep's item is 404 exactly like a missing one.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { csrfMatches } from '../auth/index.ts';
import { AppError, type AppErrorCode } from '../errors.ts';
import { loadAssets, registerAssetRoutes, type Assets } from './assets.ts';
import { mountBullBoard } from './bull-board.ts';
import { errorResponse } from './error-response.tsx';
import { registerApiRoutes } from './routes/api.ts';
import { registerPageRoutes } from './routes/pages.tsx';
import { registerSignInRoutes } from './routes/signin.tsx';
import { isStateChange, presentedCsrfToken, sameOrigin, securityHeaders } from './security.ts';
import { loadSessionMiddleware, requireSession } from './session.ts';
import { WebError, type WebDeps, type WebEnv } from './web-env.ts';

/** Largest request body: an edited draft is a few kB; 200 ids in a bulk accept are under 10 kB. */
const MAX_BODY_BYTES = 64 * 1024;

export type { WebDeps } from './web-env.ts';

export function createWebApp(deps: WebDeps, options: { assets?: Assets } = {}): Hono<WebEnv> {
  const assets = options.assets ?? loadAssets();
  const publicOrigin = new URL(deps.config.web.publicUrl).origin;
  const app = new Hono<WebEnv>();

  app.use('*', securityHeaders());
  app.get('/healthz', (c) => c.json({ ok: true }));
  registerAssetRoutes(app, assets);

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new WebError(413, 'payload_too_large', `The request is larger than ${MAX_BODY_BYTES / 1024} kB.`);
    },
  });
  app.use('*', (c, next) => (isStateChange(c.req.method) ? limitBody(c, next) : next()));
  app.use('*', loadSessionMiddleware(deps));

  // Anti-forgery for every state change (ASVS 3.5): same origin, and the session's CSRF token.
  app.use('*', async (c, next) => {
    if (!isStateChange(c.req.method)) return next();
    if (!sameOrigin(c, publicOrigin)) throw new WebError(403, 'cross_origin', 'This request came from another site and was refused.');
    // Sign-in has no session yet (the Origin check guards it); signing out without one ends nothing.
    if (c.req.path === '/signin' || (c.req.path === '/signout' && !c.get('session'))) return next();
    const session = requireSession(c);
    if (!csrfMatches(session, await presentedCsrfToken(c)))
      throw new WebError(403, 'csrf', 'This request did not carry the security token of your session (the page may be from an older session). Reload the page and try again.');
    return next();
  });

  registerSignInRoutes(app, deps, assets);
  registerApiRoutes(app, deps);
  registerPageRoutes(app, deps, assets);
  if (deps.queues && deps.queues.length > 0) mountBullBoard(app, deps, deps.queues);

  app.notFound((c) => errorResponse(c, assets, 404, 'not_found', notFoundMessage(c.req.path)));
  app.onError((error, c) => {
    if (error instanceof AppError) {
      const status = statusOf(error.code);
      // Never tell a rep that another rep's item exists: forbidden reads exactly like not found.
      const hidden = error.code === 'forbidden' || error.code === 'not_found';
      const code = hidden ? 'not_found' : error.code;
      const message = hidden ? notFoundMessage(c.req.path) : status === 500 ? 'Something went wrong on our side.' : error.message;
      if (status === 500) deps.log?.(`web: ${c.req.method} ${c.req.path}: ${error.code}: ${error.message}`);
      return errorResponse(c, assets, status, code, message);
    }
    if (error instanceof WebError) return errorResponse(c, assets, error.status, error.code, error.message);
    deps.log?.(`web: ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return errorResponse(c, assets, 500, 'internal', 'Something went wrong on our side. Try again; if it keeps happening, tell whoever runs bookrun.');
  });

  return app;
}

/** One message per address for missing and hidden alike, so the answer tells nothing about other reps' items. */
function notFoundMessage(path: string): string {
  return /^\/(api\/)?items\//.test(path) ? 'No such review item, or it is not in your queue.' : 'There is nothing at this address.';
}

function statusOf(code: AppErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'not_found':
    case 'forbidden':
      return 404;
    case 'validation':
      return 400;
    case 'conflict':
      return 409;
    case 'precondition_failed':
      return 422;
    case 'unauthorized':
      return 401;
    case 'invalid_output':
      return 500;
  }
}
