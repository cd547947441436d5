/** The review pages (server-rendered, usable without JavaScript) and their form posts. */
import type { Hono } from 'hono';
import { listReviewQueue, markReviewItemViewed, summarizeReviewQueue, getReviewItem } from '../../review/index.ts';
import type { Assets } from '../assets.ts';
import { bulkAcceptAsViewer, decideAsViewer } from '../decide-action.ts';
import { decisionFlash, flashFrom } from '../flash.ts';
import { filterQuery, parseBulkForm, parseDecisionForm, parseItemId, parseQueueFilters, QueueFilters } from '../params.ts';
import { renderPage } from '../render.ts';
import { requireSession, viewerOf } from '../session.ts';
import { ItemPage, type ItemMode } from '../views/item-page.tsx';
import { QueuePage } from '../views/queue-page.tsx';
import type { WebDeps, WebEnv } from '../web-env.ts';

/** The queue filters a form carried back (`return`), re-validated; anything odd is dropped. */
function returnQuery(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('?')) return '';
  const parsed = QueueFilters.safeParse(Object.fromEntries(new URLSearchParams(value.slice(1))));
  return parsed.success ? filterQuery(parsed.data) : '';
}

export function registerPageRoutes(app: Hono<WebEnv>, deps: WebDeps, assets: Assets): void {
  const now = deps.now ?? (() => new Date());

  app.get('/', async (c) => {
    const session = requireSession(c);
    const filters = parseQueueFilters(c.req.query());
    const viewer = viewerOf(session);
    const scope = { ...(filters.workflow ? { workflow: filters.workflow } : {}), ...(filters.tier ? { tier: filters.tier } : {}), ...(filters.run ? { runId: filters.run } : {}), ...(filters.q ? { q: filters.q } : {}) };
    const [page, summary] = await Promise.all([
      listReviewQueue(deps.db, { repId: viewer.repId, role: viewer.role, status: filters.status, limit: filters.limit, cursor: filters.cursor ?? null, ...scope }),
      summarizeReviewQueue(deps.db, { repId: viewer.repId, role: viewer.role, status: filters.status, ...scope }),
    ]);
    return renderPage(
      c,
      <QueuePage session={session} assets={assets} filters={filters} items={page.items} nextCursor={page.nextCursor} summary={summary} flash={flashFrom(c.req.query())} now={now()} />,
    );
  });

  app.get('/items/:id', async (c) => {
    const session = requireSession(c);
    const itemId = parseItemId(c.req.param('id'));
    const item = await getReviewItem(deps.db, { itemId, viewer: viewerOf(session) });
    // Time to review starts when the owner first opens the item (managers' views do not count).
    if (item.status === 'pending') await markReviewItemViewed(deps.db, { itemId, viewer: viewerOf(session) });
    const modeParam = c.req.query('mode');
    const mode: ItemMode = modeParam === 'edit' || modeParam === 'reject' ? modeParam : null;
    return renderPage(c, <ItemPage session={session} assets={assets} item={item} mode={mode} flash={flashFrom(c.req.query())} now={now()} />);
  });

  app.post('/items/:id/decision', async (c) => {
    const session = requireSession(c);
    const itemId = parseItemId(c.req.param('id'));
    const decision = parseDecisionForm(await c.req.parseBody());
    const { nextItemId } = await decideAsViewer(deps.db, session, itemId, decision);
    return c.redirect(nextItemId ? `/items/${nextItemId}?${decisionFlash(decision.verdict, false)}` : `/?${decisionFlash(decision.verdict, true)}`, 303);
  });

  app.post('/bulk-accept', async (c) => {
    const session = requireSession(c);
    const form = await c.req.parseBody({ all: true });
    const itemIds = parseBulkForm(form);
    const outcome = await bulkAcceptAsViewer(deps.db, session, itemIds);
    const back = returnQuery(form['return']);
    const flash = `flash=bulk&accepted=${outcome.accepted.length}&failed=${outcome.failed.length}`;
    return c.redirect(`/${back ? `${back}&` : '?'}${flash}`, 303);
  });
}
