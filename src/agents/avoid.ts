/**
 * The avoid-list check. An avoid item matches its phrase and the phrase's obvious variants:
 * case, punctuation and hyphenation ("follow-up" = "follow up"), plural and verb endings
 * ("pricing" = "price" = "prices"), and a leading "do not mention" / article. It does not match
 * the phrase's words scattered through the text, nor synonyms: a stricter check would reject good
 * drafts on common words, and synonyms are the model's and the reviewer's job (the skill says so).
 */
import { stem, words } from './text.ts';

/** One avoid item, ready to match. */
export type AvoidPhrase = {
  /** The item as written in memory, for messages. */
  phrase: string;
  /** Stems of its significant words, in order. */
  stems: string[];
};

const LEAD_IN =
  /^\s*(?:please\s+)?(?:do not|don't|dont|never|avoid|no)\s+(?:(?:mention|discuss|bring up|talk about|raise|reference|use|say)(?:ing)?\s+)?/i;
const LEADING_FILLER = new Set(['the', 'a', 'an', 'our', 'their', 'its', 'your', 'any', 'about']);

/** Prepares avoid items for matching; items with no words are dropped. */
export function avoidPhrases(items: readonly string[]): AvoidPhrase[] {
  const out: AvoidPhrase[] = [];
  for (const phrase of items) {
    const w = words(phrase.replace(LEAD_IN, ''));
    while (w.length > 1 && LEADING_FILLER.has(w[0] ?? '')) w.shift();
    if (w.length > 0) out.push({ phrase: phrase.trim(), stems: w.map(stem) });
  }
  return out;
}

/** The avoid items `text` touches (as written in memory), in list order. */
export function findAvoidHits(text: string, phrases: readonly AvoidPhrase[]): string[] {
  if (phrases.length === 0) return [];
  const stems = words(text).map(stem);
  return phrases.filter((p) => containsRun(stems, p.stems)).map((p) => p.phrase);
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
