/** Turns a rep's review verdict into preference memory (what resonated, what to avoid). Pure. */
import type { RejectReason } from '../../db/schema/index.ts';
import { sentenceChanges } from './memory-from-edit.ts';
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

/** The draft text a decision is about; fields may be blank when a stored draft lacks them. */
export type DecisionDraft = { subject: string; body: string; recipientName?: string | undefined };

/** One review decision as `memoryFromDecision` reads it (built by decideReviewItem). */
export type DecisionFeedback = {
  reviewItemId: string;
  verdict: ReviewVerdict;
  decidedAt: Date;
  /** The model's draft; null for items without one (sampled brief and tier). */
  draft: DecisionDraft | null;
  /** The rep's version (`edited` only). */
  edited?: { subject: string; body: string } | null;
  /** Why the rep rejected (`rejected` only): the reason code and its label as reps read it. */
  rejectReason?: { code: RejectReason; label: string } | null;
  /** The rep's note, if any. */
  note?: string | null;
  /** Facts of the brief the rep marked wrong (their text); empty or absent when the brief stood. */
  wrongFacts?: readonly string[] | null;
};

/** Sentences remembered per direction of one edit: an edit is evidence, not a style guide. */
const EDIT_SENTENCES = 3;

/**
 * The memory items of one review decision, source `review:<itemId>`, observed at the decision:
 *
 * - rejected → `avoid` (0.9), content `<label>: <note part>` for each part of the note (split on
 *   newlines and `;`), or `<label>: "<draft subject>"` when there is no note. `wrong_person` with a
 *   named recipient → `Wrong person: do not write to <name>` instead of the subject.
 * - edited → each sentence the rep removed (at most 3) → `avoid` "Rep removed: …"; each sentence
 *   they added (at most 3) → `resonated`; the rep's subject → `resonated`. All at 0.7: an edit
 *   says the draft was partly right, which is weaker evidence than an outright verdict.
 * - accepted → the draft's subject → `resonated` (0.9).
 * - `wrongFacts` (any verdict) → one `avoid` (0.9) naming those facts, so the next brief does not
 *   repeat them.
 *
 * Items are keyed by the phrase they judge (the note part, subject or sentence, without the
 * label), so a later opposite verdict on the same phrase supersedes this one (hygiene rule 6).
 * Avoid items come first and win a phrase that is also resonated. Content is cut to 300
 * characters; the recipient's email never enters memory (contacts hold it).
 */
export function memoryFromDecision(feedback: DecisionFeedback): MemoryInput[] {
  const source = `review:${feedback.reviewItemId}`;
  const observedAt = feedback.decidedAt;
  const seen = new Set<string>();
  const items: MemoryInput[] = [];
  const add = (kind: 'avoid' | 'resonated', phrase: string, content: string, confidence: number) => {
    const key = normalizePhrase(clip(phrase)).slice(0, MAX_PHRASE);
    const text = clip(content);
    if (!key || !text || seen.has(key)) return;
    seen.add(key);
    items.push({ kind, key, content: text, source, observedAt, confidence });
  };
  const draft = feedback.draft;
  const subject = draft?.subject.trim() ?? '';

  const facts = (feedback.wrongFacts ?? []).map((f) => f.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (facts.length > 0) {
    const content = `Facts the rep marked wrong: ${facts.join('; ')}`;
    add('avoid', content, content, AVOID_CONFIDENCE);
  }

  switch (feedback.verdict) {
    case 'rejected': {
      const reason = feedback.rejectReason;
      if (!reason) break;
      const parts = (feedback.note ?? '').split(/[\n;]+/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
      const recipient = draft?.recipientName?.trim();
      if (reason.code === 'wrong_person' && recipient) {
        const content = `${reason.label}: do not write to ${recipient}`;
        add('avoid', content, content, AVOID_CONFIDENCE);
      } else if (parts.length === 0 && subject) {
        add('avoid', subject, `${reason.label}: "${subject}"`, AVOID_CONFIDENCE);
      }
      for (const part of parts) add('avoid', part, `${reason.label}: ${part}`, AVOID_CONFIDENCE);
      break;
    }
    case 'edited': {
      const edited = feedback.edited;
      if (!edited) break;
      const { removed, added } = sentenceChanges(draft?.body ?? '', edited.body, EDIT_SENTENCES);
      for (const sentence of removed) add('avoid', sentence, `Rep removed: ${sentence}`, EDITED_CONFIDENCE);
      add('resonated', edited.subject, edited.subject, EDITED_CONFIDENCE);
      for (const sentence of added) add('resonated', sentence, sentence, EDITED_CONFIDENCE);
      break;
    }
    case 'accepted':
      if (subject) add('resonated', subject, subject, ACCEPTED_CONFIDENCE);
      break;
  }
  return items;
}

/** Collapsed whitespace, at most MAX_PHRASE characters (an ellipsis marks a cut). */
function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_PHRASE ? flat : `${flat.slice(0, MAX_PHRASE - 1).trimEnd()}…`;
}
