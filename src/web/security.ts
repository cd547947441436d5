/**
 * Response headers and request checks of the web app (reliability-and-security.md §3.2, ASVS 5.0
 * V3): a strict Content-Security-Policy, no sniffing, no referrer (sign-in links carry a token),
 * no caching of pages or API answers, and the anti-forgery rules for state changes — the
 * session's CSRF token, and no request whose Origin is someone else's.
 */
import type { Context, MiddlewareHandler } from 'hono';

/** The review pages: nothing inline, nothing from elsewhere, no plugins, no <base>, no framing. */
export const REVIEW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * bull-board's single-page app (managers only, its own path): its bundle injects <style> elements
 * and its page resolves every asset against a <base href>, so styles may be inline and <base> may
 * point at this origin. Scripts stay 'self' only; nothing loads from another host.
 */
export const BULL_BOARD_CSP = REVIEW_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("base-uri 'none'", "base-uri 'self'");

/** Sets the security headers on every response; a route may have set its own CSP or caching first. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', REVIEW_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'no-referrer');
    headers.set('X-Frame-Options', 'DENY');
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  };
}

/** GET, HEAD and OPTIONS change nothing in this app; everything else needs the checks below. */
export function isStateChange(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * False for a request a browser sent from another site. Browsers mark every request with
 * `Sec-Fetch-Site`; only `same-origin` passes (`same-site` is refused too: another service on the
 * same host, on another port, is the same site). Without that header (older browsers, curl), an
 * `Origin` must be the public URL's origin or the origin the request was addressed to (the same
 * server reached by another name); `Origin: null` is refused. Pages send `Referrer-Policy:
 * no-referrer`, under which browsers send `Origin: null` even for a same-origin form post, so a
 * null Origin with `Sec-Fetch-Site: same-origin` is ours. A request with neither header (an API
 * client) passes here and still needs the CSRF token.
 */
export function sameOrigin(c: Context, publicOrigin: string): boolean {
  const origin = c.req.header('origin');
  const known = origin === publicOrigin || origin === new URL(c.req.url).origin;
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' && (origin === undefined || origin === 'null' || known);
  return origin === undefined || known;
}

/** The CSRF token a request presents: a header (fetch, bull-board's axios) or the `_csrf` form field. */
export async function presentedCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token') ?? c.req.header('x-xsrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    const body = await c.req.parseBody();
    const field = body['_csrf'];
    return typeof field === 'string' ? field : undefined;
  }
  return undefined;
}
