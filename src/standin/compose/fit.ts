/**
 * Makes a chosen value satisfy its constraints: string lengths, patterns and formats, number
 * bounds and multiples. Placeholders for formats are obviously fake (`example.invalid`, 1970-01-01)
 * so they can never pass for facts.
 */
import type { Constraints } from './schema-util.ts';
import { matchesPattern, sampleForPattern } from './pattern-gen.ts';
import { isPlainEmail, truncateWords, uuidFrom } from './text-util.ts';

const PADDING = ' This note relies only on the facts provided in the prompt.';

/** Fits text to minLength/maxLength/pattern (best effort for patterns). */
export function fitString(text: string, c: Constraints): string {
  let out = text;
  if (c.minLength !== undefined && out.length < c.minLength) {
    while (out.length < c.minLength && out.length < c.minLength + PADDING.length) out = out === '' ? PADDING.trim() : out + PADDING;
    if (out.length < c.minLength) out = out.padEnd(c.minLength, '.');
  }
  if (c.maxLength !== undefined && out.length > c.maxLength) {
    out = truncateWords(out, c.maxLength);
    if (c.minLength !== undefined && out.length < c.minLength) out = text.slice(0, c.maxLength);
  }
  if (c.pattern !== undefined && !matchesPattern(c.pattern, out)) {
    const sample = sampleForPattern(c.pattern, out);
    if (sample !== undefined) out = sample;
  }
  return out;
}

/** Clamps a number into its bounds, honouring integer type, exclusive bounds and multipleOf. */
export function fitNumber(value: number, c: Constraints, integer: boolean): number {
  const m = c.multipleOf !== undefined && c.multipleOf > 0 ? c.multipleOf : undefined;
  let lo = c.minimum ?? -Infinity;
  let hi = c.maximum ?? Infinity;
  if (c.exclusiveMinimum !== undefined) lo = Math.max(lo, nudge(c.exclusiveMinimum, 1, integer, m));
  if (c.exclusiveMaximum !== undefined) hi = Math.min(hi, nudge(c.exclusiveMaximum, -1, integer, m));
  let v = Number.isFinite(value) ? value : 0;
  v = Math.min(hi, Math.max(lo, v));
  if (integer) {
    v = Math.round(v);
    if (v < lo) v = Math.ceil(lo);
    if (v > hi) v = Math.floor(hi);
  }
  if (m !== undefined) {
    let k = Math.round(v / m);
    if (k * m < lo) k = Math.ceil(lo / m);
    if (k * m > hi) k = Math.floor(hi / m);
    v = Number((k * m).toFixed(decimals(m)));
  }
  return Object.is(v, -0) ? 0 : v;
}

function nudge(bound: number, dir: 1 | -1, integer: boolean, m: number | undefined): number {
  if (m !== undefined) return dir > 0 ? (Math.floor(bound / m) + 1) * m : (Math.ceil(bound / m) - 1) * m;
  if (integer) return dir > 0 ? Math.floor(bound) + 1 : Math.ceil(bound) - 1;
  return bound + dir * Math.max(Math.abs(bound) * 1e-9, 1e-9);
}

function decimals(n: number): number {
  const s = String(n);
  const e = /e-(\d+)$/.exec(s);
  if (e?.[1]) return Math.min(20, Number(e[1]) + (s.split('e')[0]?.split('.')[1]?.length ?? 0));
  return Math.min(20, s.split('.')[1]?.length ?? 0);
}

/** What a format-constrained string may be built from. */
export type FormatSources = { candidate?: string | undefined; dates: readonly string[]; seed: string };

/** A value valid for a supported string format (and its pattern when one is given). */
export function fitFormat(format: string, c: Constraints, src: FormatSources): string | undefined {
  const options = formatOptions(format, src);
  if (options === undefined) return undefined;
  return options.find((o) => c.pattern === undefined || matchesPattern(c.pattern, o)) ?? options.at(-1);
}

function formatOptions(format: string, { candidate, dates, seed }: FormatSources): string[] | undefined {
  const day = dates.map((d) => d.slice(0, 10));
  switch (format) {
    case 'email':
      return [...(candidate && isPlainEmail(candidate) ? [candidate] : []), 'unknown@example.invalid'];
    case 'uri': {
      const url = candidate && /^https?:\/\//i.test(candidate) ? candidate : candidate && /^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(candidate) ? `https://${candidate}` : undefined;
      return [...(url && URL.canParse(url) ? [url] : []), 'https://example.invalid/'];
    }
    case 'hostname': {
      const host = candidate?.replace(/^https?:\/\//i, '').split('/')[0];
      return [...(host && /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(host) ? [host] : []), 'example.invalid'];
    }
    case 'date':
      return [...day, '1970-01-01'];
    case 'date-time':
      return [...dates.filter((d) => /T\d\d:\d\d:\d\d/.test(d) && /(Z|[+-]\d\d:\d\d)$/.test(d)), ...day.map((d) => `${d}T00:00:00Z`), '1970-01-01T00:00:00Z'];
    case 'time':
      return ['09:00:00', '09:00'];
    case 'duration':
      return ['PT30M'];
    case 'uuid':
      return [uuidFrom(seed)];
    case 'ipv4':
      return ['192.0.2.1'];
    case 'ipv6':
      return ['2001:db8::1'];
    default:
      return undefined;
  }
}
