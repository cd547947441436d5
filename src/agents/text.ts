/**
 * Small, pure text helpers shared by the agents. Linear in their input.
 */

const DAY_MS = 86_400_000;

/** Lower-case words (letters and digits, inner apostrophes kept). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
}

/**
 * A light stemmer, enough to equate obvious variants: `price`/`prices`/`pricing`,
 * `layoff`/`layoffs`, `recalled`/`recall`. Not a linguistic stemmer, and it need not be: both
 * sides of every comparison go through it.
 */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, '');
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** `Opened a hub in Rotterdam!` → `opened-a-hub-in-rotterdam`, at most `max` characters. */
export function slugify(text: string, max = 48): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= max) return slug || 'item';
  // Cut at a word boundary when one is near, so keys stay readable (`…-in-rotterdam`, not `…-rotterd`).
  const cut = slug.slice(0, max + 1);
  const hyphen = cut.lastIndexOf('-');
  return (hyphen >= max / 2 ? cut.slice(0, hyphen) : slug.slice(0, max)).replace(/-+$/, '');
}

/** Collapses whitespace and trims. */
export function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts text to at most `max` characters at a word boundary, marking the cut with `…`. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** `2026-11-02` (UTC). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `then` to `now` (negative when `then` is in the future). */
export function ageInDays(then: Date, now: Date): number {
  return Math.floor((now.getTime() - then.getTime()) / DAY_MS);
}

/** `$1,250,000`. */
export function formatUsd(amount: number): string {
  return `$${Math.round(amount).toLocaleString('en-US')}`;
}

/** `1200` → `1,200`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Email addresses in text. */
export const EMAIL_IN_TEXT = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** A plausible single email address (no display name, no spaces). */
export function isEmailAddress(text: string): boolean {
  return /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(text);
}

/** Case- and whitespace-insensitive email key. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Sentences of a text (line breaks end sentences too). */
export function sentences(text: string): string[] {
  return (text.match(/(?:[^.!?\n]|[.!?](?=\S))+(?:[.!?]+|$)/gm) ?? []).map((s) => s.trim()).filter((s) => s !== '');
}
