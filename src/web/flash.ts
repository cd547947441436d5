/**
 * One-line confirmations after a redirect, named in the query string (`?flash=accepted`). Only
 * these fixed messages are ever shown: nothing from the URL is echoed into the page.
 */
import type { FlashKind } from './views/components.tsx';

export type Flash = { message: string; kind: FlashKind };

const DECISIONS: Readonly<Record<string, string>> = {
  accepted: 'Accepted.',
  edited: 'Edits saved and accepted.',
  rejected: 'Rejected. Thanks — the reason goes into the account’s memory.',
};

function count(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 10_000 ? n : 0;
}

export function flashFrom(query: Record<string, string>): Flash | null {
  const kind = query['flash'];
  if (!kind) return null;
  const decided = DECISIONS[kind];
  if (decided) return { message: query['last'] === '1' ? `${decided} That was the last item in your queue.` : decided, kind: 'success' };
  if (kind === 'bulk') {
    const accepted = count(query['accepted']);
    const failed = count(query['failed']);
    const parts = [`Accepted ${accepted.toLocaleString('en-US')} item${accepted === 1 ? '' : 's'}.`];
    if (failed > 0) parts.push(`${failed.toLocaleString('en-US')} could not be accepted (already decided, or no longer in your queue).`);
    return { message: parts.join(' '), kind: failed > 0 ? 'error' : 'success' };
  }
  return null;
}

/** Query string that shows a decision's flash on the next page. */
export function decisionFlash(verdict: string, last: boolean): string {
  return `flash=${encodeURIComponent(verdict)}${last ? '&last=1' : ''}`;
}
