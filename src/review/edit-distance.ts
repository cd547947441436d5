/**
 * How far a rep's edit moved a draft: Levenshtein distance over subject and body together, and
 * that distance relative to the longer text, so a one-word fix in a long email and a rewrite of a
 * short one are comparable (autonomy stats read the ratio).
 */
import { distance } from 'fastest-levenshtein';

/** A draft's text as the rep sees it. */
export type DraftText = { subject: string; body: string };

/** The text edit distance is measured over: subject, a blank line, body. */
export function EDIT_DISTANCE_TEXT(draft: DraftText): string {
  return `${draft.subject}\n\n${draft.body}`;
}

/**
 * Distance and ratio (distance / max(length of either text, 1)): 0 = unchanged, 1 = nothing
 * kept. The `, 1` keeps two empty texts at 0 instead of NaN.
 */
export function measureEdit(draft: DraftText, final: DraftText): { editDistance: number; editRatio: number } {
  const before = EDIT_DISTANCE_TEXT(draft);
  const after = EDIT_DISTANCE_TEXT(final);
  const editDistance = distance(before, after);
  return { editDistance, editRatio: editDistance / Math.max(before.length, after.length, 1) };
}
