/**
 * Decides which prompt text an answer may reuse: nothing that touches a topic to avoid, and (in
 * default mode) nothing that reads like an instruction smuggled in through data.
 */
import type { Facts } from './facts.ts';
import { looksLikeInstruction } from './directives.ts';
import { clean, SENTENCE_RE, stem, words } from './text-util.ts';

/** Filters for text reuse. */
export type Guard = {
  /** True when the text touches an avoid topic (the phrase, or one of its significant words). */
  hitsAvoid(text: string): boolean;
  /** True when (in default mode) the text reads like an instruction smuggled into data. */
  injected(text: string): boolean;
  /** True when the text may appear in an answer. */
  usable(text: string): boolean;
  /** Drops the sentences of `text` that touch an avoid topic, keeping line breaks (for composed text, whose fact inputs are already filtered). */
  scrub(text: string): string;
};

// Words that say *how* to avoid something rather than *what* to avoid.
const STOP = new Set(
  ('about above after again also avoid before being bring could discuss discussing don dont don\'t from have into just mention mentioning more most never ' +
    'other please raise regarding related should some such talk talking than that their them then there these they this those topic topics under ' +
    'very what when where which while will with would your the and any our not no do').split(' '),
);

const LEAD_IN = /^(?:please\s+)?(?:do not|don't|dont|never|avoid|no)\s+(?:mention(?:ing)?|discuss(?:ing)?|bring(?:ing)?\s+up|talk(?:ing)?\s+about|rais(?:e|ing)|referenc(?:e|ing))?\s*(?:the\s+|our\s+|their\s+|any\s+)?/i;

/** Builds the guard for one request. Words of the account name never count as avoid words. */
export function createGuard(facts: Facts, obedient: boolean): Guard {
  // Only avoid items need the name's words (most prompts have none).
  const nameWords = facts.avoid.length > 0 ? new Set(words(facts.accountName ?? '').map(stem)) : new Set<string>();
  const phrases: string[] = [];
  const stems = new Set<string>();
  for (const item of facts.avoid) {
    const phrase = clean(item.replace(LEAD_IN, '')).toLowerCase();
    if (phrase.length >= 3) phrases.push(phrase);
    const all = words(phrase).filter((w) => !STOP.has(w));
    const significant = all.filter((w) => w.length >= 4);
    for (const w of significant.length > 0 ? significant : all) {
      const s = stem(w);
      if (!nameWords.has(s)) stems.add(s);
    }
  }

  // Method shorthand, not arrow constants: tsx names every such arrow with a defineProperty
  // call, four per request here.
  const guard: Guard = {
    hitsAvoid(text: string): boolean {
      if (phrases.length === 0 && stems.size === 0) return false;
      const lower = text.toLowerCase();
      if (phrases.some((p) => lower.includes(p))) return true;
      return words(lower).some((w) => stems.has(stem(w)));
    },
    injected(text: string): boolean {
      return !obedient && looksLikeInstruction(text);
    },
    usable(text: string): boolean {
      return !guard.hitsAvoid(text) && !guard.injected(text);
    },
    scrub(text: string): string {
      return text
        .split('\n')
        .map((line) => {
          const kept = (line.match(SENTENCE_RE) ?? []).filter((s) => s.trim() === '' || !guard.hitsAvoid(s));
          return kept.join('').trim();
        })
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    },
  };
  return guard;
}
