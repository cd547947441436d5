/**
 * What a rep changed when they edited a draft, sentence by sentence. Pure. A character diff says
 * how much changed (the review's edit distance); memory needs what changed, in words the next
 * draft can use: sentences the rep cut and sentences they wrote themselves.
 */
import { normalizeContent } from './normalize.ts';

/**
 * Fewer words than this is a greeting, a sign-off or a fragment ("Hi Dana,", "Best, Sam"): not a
 * preference worth remembering.
 */
const MIN_WORDS = 3;

/** Sentences of a plain-text email: split at line breaks and after `.`, `!`, `?` or `…`. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?…])\s+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

function isMemorable(sentence: string): boolean {
  // A line ending in a comma is a salutation or a sign-off, whatever its length.
  return sentence.split(' ').length >= MIN_WORDS && !sentence.endsWith(',');
}

export type SentenceChanges = {
  /** Sentences of `before` missing from `after`, in their order in `before`. */
  removed: string[];
  /** Sentences of `after` missing from `before`, in their order in `after`. */
  added: string[];
};

/**
 * The sentences removed and added between two texts, compared after `normalizeContent` (so case,
 * spacing and typographic quotes are not changes), without greetings and fragments, each list
 * de-duplicated and cut to `limit`.
 * @defaultValue limit 3
 */
export function sentenceChanges(before: string, after: string, limit = 3): SentenceChanges {
  const pick = (from: string, other: string): string[] => {
    const present = new Set(splitSentences(other).map(normalizeContent));
    const seen = new Set<string>();
    const picked: string[] = [];
    for (const sentence of splitSentences(from)) {
      const key = normalizeContent(sentence);
      if (present.has(key) || seen.has(key) || !isMemorable(sentence)) continue;
      seen.add(key);
      picked.push(sentence);
      if (picked.length >= limit) break;
    }
    return picked;
  };
  return { removed: pick(before, after), added: pick(after, before) };
}
