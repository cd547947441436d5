/**
 * The queue: the rep's items, newest run first, grouped by run and tier, with filter chips that
 * show counts, a search box, a run filter, keyset pages ("Next page"), and checkboxes for
 * "Accept selected". Works as plain links and forms; /assets/app.js adds the keyboard.
 */
import type { FC } from 'hono/jsx';
import type { WebSession } from '../../auth/index.ts';
import type { ReviewQueueItem, summarizeReviewQueue } from '../../review/index.ts';
import { headlineOf, riskFlagsOf } from '../artifact-view.ts';
import type { Assets } from '../assets.ts';
import { formatCount, formatDate } from '../format.ts';
import { filterQuery, TIERS, type QueueFilters } from '../params.ts';
import { CsrfField, Flash, FlagBadges, Kbd, StatusBadge, TierBadge, Time, type FlashKind } from './components.tsx';
import { Layout } from './layout.tsx';

export type QueueSummary = Awaited<ReturnType<typeof summarizeReviewQueue>>;

export type QueuePageProps = {
  session: WebSession;
  assets: Assets;
  filters: QueueFilters;
  items: ReviewQueueItem[];
  nextCursor: string | null;
  summary: QueueSummary;
  flash: { message: string; kind: FlashKind } | null;
  now: Date;
};

const WORKFLOW_CHIPS: Array<{ value: 'drafting' | 'research' | 'prioritization'; label: string }> = [
  { value: 'drafting', label: 'Drafts' },
  { value: 'research', label: 'Briefs' },
  { value: 'prioritization', label: 'Tiers' },
];

const STATUS_OPTIONS: Array<[QueueFilters['status'], string]> = [
  ['pending', 'Pending'],
  ['accepted', 'Accepted'],
  ['edited', 'Edited'],
  ['rejected', 'Rejected'],
  ['all', 'All statuses'],
];

type Group = { runId: string; runCreatedAt: Date; tier: string | null; items: ReviewQueueItem[] };

/** Consecutive items of one run and tier (the list is ordered that way) form a group. */
export function groupItems(items: readonly ReviewQueueItem[]): Group[] {
  const groups: Group[] = [];
  for (const item of items) {
    const tier = item.tier ?? null;
    const last = groups.at(-1);
    if (last && last.runId === item.runId && last.tier === tier) last.items.push(item);
    else groups.push({ runId: item.runId, runCreatedAt: item.runCreatedAt, tier, items: [item] });
  }
  return groups;
}

const Chip: FC<{ href: string; label: string; count?: number | undefined; current: boolean; filter: string; value: string }> = ({ href, label, count, current, filter, value }) => (
  <a class={`chip${current ? ' chip-current' : ''}`} href={href} aria-current={current ? 'true' : undefined} data-filter={filter} data-value={value}>
    <span class="chip-label">{label}</span>
    {count === undefined ? null : <span class="chip-count">{formatCount(count)}</span>}
  </a>
);

const GroupHead: FC<{ group: Group; summary: QueueSummary; timeZone: string }> = ({ group, summary, timeZone }) => {
  const counts = summary.groups.filter((g) => g.runId === group.runId && (g.tier ?? null) === group.tier);
  const drafts = counts.filter((g) => g.group === 'drafting').reduce((n, g) => n + g.count, 0);
  const samples = counts.filter((g) => g.group === 'sampled').reduce((n, g) => n + g.count, 0);
  const parts = [drafts ? `${formatCount(drafts)} draft${drafts === 1 ? '' : 's'}` : '', samples ? `${formatCount(samples)} sample${samples === 1 ? '' : 's'}` : ''].filter(Boolean);
  return (
    <tr class="group-head">
      <th colspan={6} scope="colgroup">
        <span class="group-title">
          <TierBadge tier={group.tier} /> {group.tier ? `Tier ${group.tier}` : 'No tier'}
        </span>
        <span class="group-run">
          Run <code>{group.runId}</code> · {formatDate(group.runCreatedAt, timeZone)}
        </span>
        {parts.length > 0 ? <span class="group-count">{parts.join(' · ')}</span> : null}
      </th>
    </tr>
  );
};

const Row: FC<{ item: ReviewQueueItem; timeZone: string; now: Date }> = ({ item, timeZone, now }) => {
  const pending = item.status === 'pending';
  const drafted = Boolean(item.artifacts.drafting);
  const headline = headlineOf(item.artifacts);
  const flags = riskFlagsOf(item.artifacts);
  return (
    <tr class="item-row" data-item-id={item.id} data-status={item.status} data-href={`/items/${item.id}`}>
      <td class="cell-select">
        {pending ? <input type="checkbox" class="row-select" name="ids" value={item.id} id={`select-${item.id}`} aria-label={`Select ${item.accountName}`} /> : null}
      </td>
      <td class="cell-account">
        <a class="item-link" href={`/items/${item.id}`}>
          {item.accountName}
        </a>
      </td>
      <td class="cell-headline">
        <span class={`kind kind-${drafted ? 'draft' : 'sample'}`}>{drafted ? 'Draft' : 'Sample'}</span>
        <span class="headline">{headline || (drafted ? '(no subject)' : 'Brief and tier')}</span>
      </td>
      <td class="cell-tier">
        <TierBadge tier={item.tier ?? null} />
      </td>
      <td class="cell-flags">
        {pending ? <FlagBadges flags={flags} max={2} /> : <StatusBadge status={item.status} />}
        {pending && flags.length === 0 ? <span class="muted">—</span> : null}
      </td>
      <td class="cell-time">
        <Time value={item.createdAt} timeZone={timeZone} now={now} />
      </td>
    </tr>
  );
};

export const QueuePage: FC<QueuePageProps> = ({ session, assets, filters, items, nextCursor, summary, flash, now }) => {
  const tz = session.rep.timeZone;
  const manager = session.rep.role === 'manager';
  const groups = groupItems(items);
  // "All": every item includes the brief, so the largest workflow count is the count without a workflow filter.
  const workflowTotal = WORKFLOW_CHIPS.reduce((n, w) => Math.max(n, summary.byWorkflow[w.value] ?? 0), 0);
  const anyFilter = Boolean(filters.workflow || filters.tier || filters.run || filters.q || filters.status !== 'pending');
  const statusLabel = STATUS_OPTIONS.find(([s]) => s === filters.status)?.[1] ?? 'Pending';
  const tierTotal = TIERS.reduce((n, t) => n + (summary.byTier[t] ?? 0), 0) + (summary.byTier.none ?? 0);
  return (
    <Layout title="Review queue" page="queue" session={session} assets={assets}>
      <div class="page-head">
        <div>
          <h1>Review queue</h1>
          <p class="lede" id="queue-total" data-total={summary.total}>
            <strong>{formatCount(summary.total)}</strong> {filters.status === 'all' ? 'items' : statusLabel.toLowerCase()}
            {manager ? ' · every rep' : ''} · newest run first
          </p>
        </div>
      </div>
      <Flash message={flash?.message ?? null} kind={flash?.kind} />

      <form class="filters" id="queue-filters" method="get" action="/" role="search" aria-label="Filter the queue">
        <div class="field field-search">
          <label for="search" class="visually-hidden">
            Search accounts and subjects
          </label>
          <input type="search" id="search" name="q" value={filters.q ?? ''} maxlength={100} placeholder="Search account or subject" autocomplete="off" />
          <Kbd k="/" />
        </div>
        <div class="field">
          <label for="run-filter">Run</label>
          <select id="run-filter" name="run" data-autosubmit>
            <option value="">All runs</option>
            {summary.runs.map((run) => (
              <option value={run.runId} selected={filters.run === run.runId}>
                {`${formatDate(run.runCreatedAt, tz)} · ${run.runId} (${formatCount(run.count)})`}
              </option>
            ))}
            {filters.run && !summary.runs.some((r) => r.runId === filters.run) ? (
              <option value={filters.run} selected>
                {filters.run}
              </option>
            ) : null}
          </select>
        </div>
        <div class="field">
          <label for="status-filter">Status</label>
          <select id="status-filter" name="status" data-autosubmit>
            {STATUS_OPTIONS.map(([value, label]) => (
              <option value={value} selected={filters.status === value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {filters.workflow ? <input type="hidden" name="workflow" value={filters.workflow} /> : null}
        {filters.tier ? <input type="hidden" name="tier" value={filters.tier} /> : null}
        <button type="submit" class="button" id="apply-filters">
          Apply
        </button>
        {anyFilter ? (
          <a class="button button-quiet" href="/" id="clear-filters">
            Clear
          </a>
        ) : null}
      </form>

      <div class="chip-rows">
        <nav class="chips" aria-label="Filter by workflow">
          <Chip href={`/${filterQuery(filters, { workflow: undefined })}`} label="All" count={workflowTotal} current={!filters.workflow} filter="workflow" value="" />
          {WORKFLOW_CHIPS.map((w) => (
            <Chip href={`/${filterQuery(filters, { workflow: w.value })}`} label={w.label} count={summary.byWorkflow[w.value] ?? 0} current={filters.workflow === w.value} filter="workflow" value={w.value} />
          ))}
        </nav>
        <nav class="chips" aria-label="Filter by tier">
          <Chip href={`/${filterQuery(filters, { tier: undefined })}`} label="Any tier" count={tierTotal} current={!filters.tier} filter="tier" value="" />
          {TIERS.map((t) => (
            <Chip href={`/${filterQuery(filters, { tier: t })}`} label={`Tier ${t}`} count={summary.byTier[t] ?? 0} current={filters.tier === t} filter="tier" value={t} />
          ))}
        </nav>
      </div>

      {items.length === 0 ? (
        <div class="empty" id="queue-empty">
          <h2>{anyFilter ? 'Nothing matches these filters' : 'All caught up'}</h2>
          <p class="muted">{anyFilter ? 'Try another filter, or clear them.' : 'No items are waiting for your review. New drafts arrive after the nightly run.'}</p>
          {anyFilter ? (
            <a class="button" href="/">
              Clear filters
            </a>
          ) : null}
        </div>
      ) : (
        <form method="post" action="/bulk-accept" id="bulk-form" class="queue-form">
          <CsrfField token={session.csrfToken} />
          <input type="hidden" name="return" value={filterQuery(filters)} />
          <div class="toolbar" role="toolbar" aria-label="Selected items">
            <label class="select-all js-only">
              <input type="checkbox" id="select-all" aria-controls="queue-table" /> Select all on this page
            </label>
            <span class="muted js-only" id="selected-count" aria-live="polite">
              0 selected
            </span>
            <button type="submit" class="button button-primary" id="accept-selected" name="action" value="accept">
              Accept selected <Kbd k="⇧A" />
            </button>
          </div>
          <div class="table-wrap">
            <table class="queue" id="queue-table" aria-label="Review items" aria-describedby="queue-total">
              <thead>
                <tr>
                  <th scope="col" class="cell-select">
                    <span class="visually-hidden">Select</span>
                  </th>
                  <th scope="col">Account</th>
                  <th scope="col">Item</th>
                  <th scope="col">Tier</th>
                  <th scope="col">{filters.status === 'pending' ? 'Flags' : 'Flags / status'}</th>
                  <th scope="col">Filed</th>
                </tr>
              </thead>
              {groups.map((group) => (
                <tbody class="group" data-run-id={group.runId} data-tier={group.tier ?? ''}>
                  <GroupHead group={group} summary={summary} timeZone={tz} />
                  {group.items.map((item) => (
                    <Row item={item} timeZone={tz} now={now} />
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        </form>
      )}

      <nav class="pager" aria-label="Pages">
        {filters.cursor ? (
          <a class="button button-quiet" href={`/${filterQuery(filters)}`} id="first-page">
            ← First page
          </a>
        ) : null}
        {nextCursor ? (
          <a class="button" rel="next" href={`/${filterQuery(filters, { cursor: nextCursor })}`} id="next-page">
            Next page →
          </a>
        ) : null}
      </nav>
    </Layout>
  );
};
