/**
 * Small string helpers shared by the composer. Everything here is pure and linear in its input.
 */

/** Normalises a key or label: lower-case, without `_`, `-` and spaces, so `account_id`, `accountId` and `Account ID` agree. */
export function normKey(key: string): string {
  let n = normCache.get(key);
  if (n === undefined) {
    n = key.toLowerCase().replace(/[\s_-]+/g, '');
    // JSON keys repeat across thousands of records; a bounded memo keeps the walk cheap.
    if (normCache.size >= 10_000) normCache.clear();
    normCache.set(key, n);
  }
  return n;
}
const normCache = new Map<string, string>();

/** True for plain JSON objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FNV-1a 32-bit: the composer's only source of "variety", so equal inputs give equal outputs. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Picks one element deterministically from a non-empty list. */
export function pick<T>(items: readonly [T, ...T[]], seed: string): T {
  return items[hash32(seed) % items.length] ?? items[0];
}

/** A version-4-shaped UUID derived from a hash of the seed (never random). */
export function uuidFrom(seed: string): string {
  const hex = [1, 2, 3, 4].map((n) => hash32(seed, 0x811c9dc5 ^ (n * 0x9e3779b1)).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Lower-case word tokens (letters and digits). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/** A light stemmer so `pricing`/`prices`/`price` and `layoff`/`layoffs` compare equal. */
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

/** Collapses whitespace and trims. */
export function clean(text: string): string {
  // Most values are already clean; skip the regex for them (this runs for every list item).
  const t = text.trim();
  return t.includes('  ') || t.includes('\n') || t.includes('\t') || t.includes('\r') ? t.replace(/\s+/g, ' ') : t;
}

/** Ends a sentence with exactly one terminal punctuation mark. */
export function asSentence(text: string): string {
  const t = clean(text);
  if (t === '') return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Removes trailing sentence punctuation (for subjects and inline quotes). */
export function stripEnd(text: string): string {
  return clean(text).replace(/[\s.!?;:,]+$/, '');
}

/** Cuts text to at most `max` characters, at a word boundary when one is near. */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  const out = space >= max * 0.6 ? cut.slice(0, space) : cut;
  return out.replace(/[\s,;:-]+$/, '');
}

/** One sentence: up to terminal punctuation followed by whitespace (so `acme.com` and `$1.2M` stay whole). */
export const SENTENCE_RE = /(?:[^.!?\n]|[.!?](?![\s]|$))+(?:[.!?]+|$)/g;

/** The first name of a person's name ("Dr. Jane Doe" → "Jane"). */
export function firstName(name: string): string {
  const parts = clean(name).split(' ').filter((p) => !/^(mr|mrs|ms|dr|prof)\.?$/i.test(p));
  return parts[0] ?? clean(name);
}

/** Parses amounts such as `1200000`, `$1.2M`, `120k`, `USD 50,000`; undefined when not an amount. */
export function parseAmount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /(-?\d[\d,]*(?:\.\d+)?)\s*([kmb]|thousand|million|billion)?\b/i.exec(value);
  if (!m?.[1]) return undefined;
  const n = Number(m[1].replace(/,/g, ''));
  if (!Number.isFinite(n)) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit.startsWith('k') || unit === 'thousand' ? 1e3 : unit.startsWith('m') ? 1e6 : unit.startsWith('b') ? 1e9 : 1;
  return n * factor;
}

/** Formats an amount in dollars with thousands separators. */
export function formatMoney(n: number): string {
  return `$${Math.round(n).toLocaleString('en-US')}`;
}

/** `riskFlags` → "risk flags". */
export function humanizeKey(key: string): string {
  return clean(key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ')).toLowerCase();
}

/** Email addresses in text, in order. */
export const EMAIL_RE = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** A conservative email check (also accepted by zod's `z.email()`). */
export function isPlainEmail(text: string): boolean {
  return /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+.-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/.test(text);
}
