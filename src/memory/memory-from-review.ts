/** Turns a rep's review verdict into preference memory (what resonated, what to avoid). Pure. */
import { normalizePhrase } from './normalize.ts';
import type { MemoryInput } from './types.ts';

export type ReviewVerdict = 'accepted' | 'edited' | 'rejected';

export type ReviewFeedback = {
  reviewItemId: string;
  verdict: ReviewVerdict;
  decidedAt: Date;
  /** The rep's reason. On a rejection each line or `;`-separated part becomes an avoid item. */
  reason?: string | null;
  /** Phrases or angles that landed: marked by the rep, or kept through their edit. */
  resonated?: readonly string[];
  /** Phrases, topics or claims the rep marked never to use with this account (any verdict). */
  avoid?: readonly string[];
};

/** Longest phrase remembered; a pasted paragraph is not a phrase. */
const MAX_PHRASE = 300;
const ACCEPTED_CONFIDENCE = 0.9;
const EDITED_CONFIDENCE = 0.7;
const AVOID_CONFIDENCE = 0.9;

/**
 * Rules: accepted → `resonated` phrases at 0.9; edited → `resonated` phrases at 0.7 (the edit
 * says the draft was only partly right); rejected → the reason's parts become `avoid` items and
 * `resonated` is ignored (nothing landed). Explicit `avoid` phrases count for any verdict. A
 * phrase both avoided and resonated is only avoided. Source `review:<itemId>`, observed at the
 * decision time, keyed by the normalised phrase.
 */
export function memoryFromReview(feedback: ReviewFeedback): MemoryInput[] {
  const source = `review:${feedback.reviewItemId}`;
  const observedAt = feedback.decidedAt;
  const avoid = [...(feedback.avoid ?? [])];
  if (feedback.verdict === 'rejected' && feedback.reason) avoid.push(...feedback.reason.split(/[\n;]+/));
  const resonated = feedback.verdict === 'rejected' ? [] : (feedback.resonated ?? []);
  const resonatedConfidence = feedback.verdict === 'accepted' ? ACCEPTED_CONFIDENCE : EDITED_CONFIDENCE;

  const seen = new Set<string>();
  const items: MemoryInput[] = [];
  const add = (kind: 'avoid' | 'resonated', phrase: string, confidence: number) => {
    const content = phrase.replace(/\s+/g, ' ').trim().slice(0, MAX_PHRASE);
    const key = normalizePhrase(content);
    if (!key || seen.has(key)) return;
    seen.add(key);
    items.push({ kind, key, content, source, observedAt, confidence });
  };
  // Avoid first, so a phrase in both lists is only avoided.
  for (const phrase of avoid) add('avoid', phrase, AVOID_CONFIDENCE);
  for (const phrase of resonated) add('resonated', phrase, resonatedConfidence);
  return items;
}
