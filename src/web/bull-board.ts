/**
 * bull-board at /admin/queues, for managers only (a rep, like anyone else who may not see it, gets
 * 404). Its page loads a web font from Google; that link is removed so the board, like the rest
 * of the app, makes no request to another host. Its single-page app needs inline styles and a
 * <base> element, so its path gets its own, slightly wider CSP (security.ts). Its state changes
 * (retry, clean, pause …) pass the same anti-forgery check as everything else: its axios client
 * echoes the `XSRF-TOKEN` cookie, set here to the session's CSRF token and readable only on this path.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import type { Hono, MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import { AppError } from '../errors.ts';
import { BULL_BOARD_CSP } from './security.ts';
import { BULL_BOARD_PATH, isSecure, requireSession, XSRF_COOKIE } from './session.ts';
import type { WebDeps, WebEnv } from './web-env.ts';

/** Any stylesheet or preconnect link to another host in the board's page. */
const EXTERNAL_LINK = /<link\b[^>]*\bhref=["']https?:\/\/[^"']*["'][^>]*>/gi;

function managersOnly(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const session = requireSession(c);
    if (session.rep.role !== 'manager') throw new AppError('not_found', 'Not found.');
    await next();
    c.res.headers.set('Content-Security-Policy', BULL_BOARD_CSP);
    const type = c.res.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) {
      const page = (await c.res.text()).replace(EXTERNAL_LINK, '');
      const headers = new Headers(c.res.headers);
      headers.delete('content-length');
      c.res = new Response(page, { status: c.res.status, headers });
      setCookie(c, XSRF_COOKIE, session.csrfToken, {
        path: BULL_BOARD_PATH,
        sameSite: 'Strict',
        secure: isSecure(deps.config.web.publicUrl),
        maxAge: Math.max(0, Math.floor((session.expiresAt.getTime() - (deps.now ?? (() => new Date()))().getTime()) / 1000)),
      });
    } else if (c.req.path.startsWith(`${BULL_BOARD_PATH}/static/`) && c.res.ok) {
      c.res.headers.set('Cache-Control', 'private, max-age=86400');
    }
  };
}

export function mountBullBoard(app: Hono<WebEnv>, deps: WebDeps, queues: readonly Queue[]): void {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'bookrun jobs' } },
  });
  const guard = managersOnly(deps);
  app.use(BULL_BOARD_PATH, guard);
  app.use(`${BULL_BOARD_PATH}/*`, guard);
  // The board's own links name its base with a trailing slash; its entry route has none.
  app.get(`${BULL_BOARD_PATH}/`, (c) => c.redirect(BULL_BOARD_PATH, 301));
  app.route(BULL_BOARD_PATH, adapter.registerPlugin());
}
