/** Turns an error already mapped to a status and code (app.ts onError) into a JSON or HTML response. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SESSION_COOKIE } from '../auth/index.ts';
import type { Assets } from './assets.ts';
import { renderPage } from './render.ts';
import { ErrorPage } from './views/error-page.tsx';
import { SignInHelpPage } from './views/signin-page.tsx';
import type { WebEnv } from './web-env.ts';

/** The API and bull-board's API answer JSON; everything else is a page. */
function wantsJson(c: Context): boolean {
  const path = c.req.path;
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/admin/queues/api/');
}

const DECISION_PATH = /^\/items\/([0-9a-f-]{36})\/decision$/i;

export async function errorResponse(c: Context<WebEnv>, assets: Assets, status: ContentfulStatusCode, code: string, message: string): Promise<Response> {
  c.header('Cache-Control', 'no-store');
  if (wantsJson(c)) return c.json({ error: { code, message } }, status);
  if (status === 401) {
    if (c.req.path === '/signin') return renderPage(c, <SignInHelpPage assets={assets} reason="link_invalid" message={message} />, 401);
    const stale = c.req.header('cookie')?.includes(`${SESSION_COOKIE}=`) ?? false;
    return renderPage(c, <SignInHelpPage assets={assets} reason={stale ? 'session_expired' : 'not_signed_in'} />, 401);
  }
  // After a failed decision (bad input, decided meanwhile), offer the way back to the item.
  const decision = DECISION_PATH.exec(c.req.path);
  const back = decision && (status === 400 || status === 409 || status === 422) ? `/items/${decision[1]}` : undefined;
  return renderPage(c, <ErrorPage assets={assets} session={c.get('session') ?? null} status={status} code={code} message={message} back={back} />, status);
}
