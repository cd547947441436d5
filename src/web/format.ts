/** Display helpers: dates in the rep's time zone, numbers, labels. Pure, so unit-tested. */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter per (zone, style), cached: building one costs more than formatting with it. */
function formatter(timeZone: string, style: 'datetime' | 'date'): Intl.DateTimeFormat {
  const key = `${timeZone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'datetime'
        ? { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
        : { year: 'numeric', month: 'short', day: 'numeric' };
    try {
      f = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      // A zone this runtime does not know (the column is free text): UTC, which says so in the output.
      f = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    formatters.set(key, f);
  }
  return f;
}

/** A Date, an ISO string or nothing, as a Date (null when it is not a valid time). */
export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' && value.trim() !== '') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** `Mar 4, 2026, 9:15 AM CET` in the given IANA zone. */
export function formatDateTime(value: Date, timeZone: string): string {
  return formatter(timeZone, 'datetime').format(value);
}

/** `Mar 4, 2026` in the given IANA zone. */
export function formatDate(value: Date, timeZone: string): string {
  return formatter(timeZone, 'date').format(value);
}

/** `3 h ago`, `2 d ago`, `just now`: coarse, for lists (the exact time goes in a title). */
export function formatAgo(value: Date, now: Date): string {
  const s = Math.round((now.getTime() - value.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 30 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return `${Math.floor(s / (30 * 86_400))} mo ago`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `$1.2M`, `$350K`, `$900`. */
export function formatUsd(n: number): string {
  if (n >= 1_000_000) return `$${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1_000) return `$${Math.round(n / 1_000)}K`;
  return `$${Math.round(n)}`;
}

/** `wrong_facts` → `Wrong facts`. */
export function humanize(code: string): string {
  const text = code.replaceAll('_', ' ').replaceAll('-', ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** At most `max` characters, ending in an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
