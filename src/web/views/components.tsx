/** Small pieces shared by the pages. Text is always a JSX child or attribute, so it is escaped. */
import type { FC } from 'hono/jsx';
import { formatAgo, formatDateTime, humanize } from '../format.ts';

export const TierBadge: FC<{ tier: string | null; large?: boolean }> = ({ tier, large }) =>
  tier ? (
    <span class={`tier tier-${tier.toLowerCase()}${large ? ' tier-large' : ''}`} title={`Tier ${tier}`}>
      <span class="visually-hidden">Tier </span>
      {tier}
    </span>
  ) : (
    <span class="tier tier-none" title="No tier">
      –
    </span>
  );

const STATUS_LABELS: Readonly<Record<string, string>> = { pending: 'Pending', accepted: 'Accepted', edited: 'Edited', rejected: 'Rejected' };

export const StatusBadge: FC<{ status: string }> = ({ status }) => <span class={`status status-${status}`}>{STATUS_LABELS[status] ?? humanize(status)}</span>;

/** Risk flags as badges; `max` shows that many and a `+N` for the rest. */
export const FlagBadges: FC<{ flags: readonly string[]; max?: number }> = ({ flags, max }) => {
  if (flags.length === 0) return null;
  const shown = max === undefined ? flags : flags.slice(0, max);
  const rest = flags.length - shown.length;
  return (
    <span class="flags">
      {shown.map((flag) => (
        <span class="flag" title={flag}>
          {humanize(flag)}
        </span>
      ))}
      {rest > 0 ? (
        <span class="flag flag-more" title={flags.slice(shown.length).join(', ')}>
          +{rest}
        </span>
      ) : null}
    </span>
  );
};

/** A time in the rep's zone, machine-readable in `datetime`. */
export const Time: FC<{ value: Date | null; timeZone: string; now?: Date }> = ({ value, timeZone, now }) => {
  if (!value) return <span class="muted">–</span>;
  const full = formatDateTime(value, timeZone);
  return (
    <time datetime={value.toISOString()} title={full}>
      {now ? formatAgo(value, now) : full}
    </time>
  );
};

export type FlashKind = 'info' | 'success' | 'error';

export const Flash: FC<{ message: string | null; kind?: FlashKind }> = ({ message, kind = 'success' }) =>
  message ? (
    <div class={`flash flash-${kind}`} role={kind === 'error' ? 'alert' : 'status'} id="flash">
      {message}
    </div>
  ) : null;

export const Kbd: FC<{ k: string }> = ({ k }) => (
  <kbd class="kbd" aria-hidden="true">
    {k}
  </kbd>
);

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;
