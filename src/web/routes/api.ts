/**
 * The JSON API: the same operations as the pages, for the page script and for tools. Errors are
 * `{ error: { code, message } }` (app.onError). State changes need the `x-csrf-token` header.
 */
import type { Context, Hono } from 'hono';
import { getReviewItem, listReviewQueue, summarizeReviewQueue } from '../../review/index.ts';
import { AppError } from '../../errors.ts';
import { bulkAcceptAsViewer, decideAsViewer } from '../decide-action.ts';
import { parseBulkJson, parseDecisionJson, parseItemId, parseQueueFilters, type QueueFilters } from '../params.ts';
import { requireSession, viewerOf } from '../session.ts';
import type { WebDeps, WebEnv } from '../web-env.ts';

async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/json')) throw new AppError('validation', 'Send a JSON body with Content-Type: application/json.');
  try {
    return await c.req.json();
  } catch (error) {
    throw new AppError('validation', 'The body is not valid JSON.', { cause: error });
  }
}

function scopeOf(filters: QueueFilters) {
  return {
    status: filters.status,
    ...(filters.workflow ? { workflow: filters.workflow } : {}),
    ...(filters.tier ? { tier: filters.tier } : {}),
    ...(filters.run ? { runId: filters.run } : {}),
    ...(filters.q ? { q: filters.q } : {}),
  };
}

export function registerApiRoutes(app: Hono<WebEnv>, deps: WebDeps): void {
  app.get('/api/me', (c) => {
    const session = requireSession(c);
    return c.json({ rep: session.rep, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  app.get('/api/queue', async (c) => {
    const session = requireSession(c);
    const filters = parseQueueFilters(c.req.query());
    const page = await listReviewQueue(deps.db, { ...viewerOf(session), ...scopeOf(filters), limit: filters.limit, cursor: filters.cursor ?? null });
    return c.json(page);
  });

  app.get('/api/queue/summary', async (c) => {
    const session = requireSession(c);
    const filters = parseQueueFilters(c.req.query());
    return c.json(await summarizeReviewQueue(deps.db, { ...viewerOf(session), ...scopeOf(filters) }));
  });

  app.get('/api/items/:id', async (c) => {
    const session = requireSession(c);
    const itemId = parseItemId(c.req.param('id'));
    return c.json({ item: await getReviewItem(deps.db, { itemId, viewer: viewerOf(session) }) });
  });

  app.post('/api/items/:id/decision', async (c) => {
    const session = requireSession(c);
    const itemId = parseItemId(c.req.param('id'));
    const decision = parseDecisionJson(await jsonBody(c));
    const { result, nextItemId } = await decideAsViewer(deps.db, session, itemId, decision);
    return c.json({ decision: result, nextItemId });
  });

  app.post('/api/bulk-accept', async (c) => {
    const session = requireSession(c);
    const itemIds = parseBulkJson(await jsonBody(c));
    return c.json(await bulkAcceptAsViewer(deps.db, session, itemIds));
  });
}
