/** The decision input contract and how a verdict maps onto each artifact of the item. */
import { describe, expect, it } from 'vitest';
import { artifactVerdict, DecideReviewItemInput, EDIT_DISTANCE_TEXT, measureEdit, REJECT_REASON_LABELS } from '../../../src/review/index.ts';

const base = { itemId: '3f0c2b4e-1d2a-4c3b-9a8e-0a1b2c3d4e5f', deciderRepId: '4f0c2b4e-1d2a-4c3b-9a8e-0a1b2c3d4e5f' };

describe('when a decision is validated', () => {
  it('requires edited content exactly for the edited verdict', () => {
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted' }).success).toBe(true);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B' } }).success).toBe(true);
    const missing = DecideReviewItemInput.safeParse({ ...base, verdict: 'edited' });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['edited'], message: 'required when the verdict is edited' });
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', rejectReason: 'tone', edited: { subject: 'S', body: 'B' } }).success).toBe(false);
  });

  it('refuses unknown fields (a recipient cannot be smuggled in) and bad edits', () => {
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', to: 'attacker@evil.example' }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B', to: 'x@y.z' } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: '   ', body: 'B' } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B'.repeat(2001) } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, itemId: 'nope', verdict: 'accepted' }).success).toBe(false);
  });

  it('requires a reject reason exactly for a rejection, and a note for the reason other', () => {
    const missing = DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected' });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['rejectReason'], message: expect.stringContaining('required when the verdict is rejected') });
    const stray = DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', rejectReason: 'tone' });
    expect(stray.error?.issues[0]).toMatchObject({ path: ['rejectReason'], message: 'only allowed when the verdict is rejected, not accepted' });
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', rejectReason: 'tone' }).success).toBe(true);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', rejectReason: 'bored' }).success).toBe(false);
    const blank = DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', rejectReason: 'other', note: '   ' });
    expect(blank.error?.issues[0]).toMatchObject({ path: ['note'], message: expect.stringContaining('required when the reject reason is other') });
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', rejectReason: 'other', note: 'They churned' }).success).toBe(true);
  });

  it('accepts quick verdicts on brief and tier with any verdict, and refuses unknown ones', () => {
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', briefVerdict: 'wrong_facts', tierVerdict: 'too_low' }).success).toBe(true);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', briefVerdict: 'meh' }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', tierVerdict: 'wrong' }).success).toBe(false);
  });

  it('labels every reject reason', () => {
    expect(Object.values(REJECT_REASON_LABELS)).toEqual(['Wrong facts', 'Wrong person', 'Tone', 'Timing', 'Not a fit', 'Other']);
  });
});

describe('when a verdict is applied to the artifacts of a drafted item', () => {
  const drafted = (workflow: 'research' | 'prioritization' | 'drafting', rest: Partial<Parameters<typeof artifactVerdict>[0]> = {}) =>
    artifactVerdict({ workflow, verdict: 'rejected', drafted: true, ...rest });

  it('lets the draft follow the verdict, with the reject reason', () => {
    expect(artifactVerdict({ workflow: 'drafting', verdict: 'edited', drafted: true })).toEqual({ status: 'edited', verdictReason: null });
    expect(artifactVerdict({ workflow: 'drafting', verdict: 'accepted', drafted: true })).toEqual({ status: 'accepted', verdictReason: null });
    expect(drafted('drafting', { rejectReason: 'tone' })).toEqual({ status: 'rejected', verdictReason: 'tone' });
  });

  it('does not blame a brief or tier for a draft rejected for its tone or timing', () => {
    expect(drafted('research', { rejectReason: 'tone' })).toEqual({ status: 'accepted', verdictReason: null });
    expect(drafted('prioritization', { rejectReason: 'timing' })).toEqual({ status: 'accepted', verdictReason: null });
    expect(artifactVerdict({ workflow: 'research', verdict: 'edited', drafted: true })).toEqual({ status: 'accepted', verdictReason: null });
  });

  it('rejects the brief for wrong facts and the tier (too high) for not a fit', () => {
    expect(drafted('research', { rejectReason: 'wrong_facts' })).toEqual({ status: 'rejected', verdictReason: 'wrong_facts' });
    expect(drafted('prioritization', { rejectReason: 'wrong_facts' })).toEqual({ status: 'accepted', verdictReason: null });
    expect(drafted('prioritization', { rejectReason: 'not_a_fit' })).toEqual({ status: 'rejected', verdictReason: 'too_high' });
    expect(drafted('research', { rejectReason: 'not_a_fit' })).toEqual({ status: 'accepted', verdictReason: null });
  });

  it('lets quick verdicts win over every other rule', () => {
    expect(drafted('research', { rejectReason: 'wrong_facts', briefVerdict: 'accurate' })).toEqual({ status: 'accepted', verdictReason: null });
    expect(artifactVerdict({ workflow: 'research', verdict: 'accepted', drafted: true, briefVerdict: 'wrong_facts' })).toEqual({ status: 'rejected', verdictReason: 'wrong_facts' });
    expect(artifactVerdict({ workflow: 'prioritization', verdict: 'accepted', drafted: true, tierVerdict: 'too_low' })).toEqual({ status: 'rejected', verdictReason: 'too_low' });
    expect(drafted('prioritization', { rejectReason: 'not_a_fit', tierVerdict: 'right' })).toEqual({ status: 'accepted', verdictReason: null });
  });
});

describe('when a verdict is applied to a sampled item (brief and tier, no draft)', () => {
  it('lets brief and tier follow the verdict', () => {
    expect(artifactVerdict({ workflow: 'research', verdict: 'accepted', drafted: false })).toEqual({ status: 'accepted', verdictReason: null });
    expect(artifactVerdict({ workflow: 'research', verdict: 'rejected', drafted: false, rejectReason: 'timing' })).toEqual({ status: 'rejected', verdictReason: 'timing' });
    expect(artifactVerdict({ workflow: 'prioritization', verdict: 'rejected', drafted: false, rejectReason: 'timing' })).toEqual({ status: 'rejected', verdictReason: 'timing' });
    expect(artifactVerdict({ workflow: 'prioritization', verdict: 'rejected', drafted: false, rejectReason: 'not_a_fit' })).toEqual({ status: 'rejected', verdictReason: 'too_high' });
    expect(artifactVerdict({ workflow: 'prioritization', verdict: 'rejected', drafted: false, rejectReason: 'other', tierVerdict: 'right' })).toEqual({ status: 'accepted', verdictReason: null });
  });
});

describe('when an edit is measured', () => {
  it('measures subject and body together, relative to the longer text', () => {
    const draft = { subject: 'Hello', body: 'World' };
    expect(EDIT_DISTANCE_TEXT(draft)).toBe('Hello\n\nWorld');
    expect(measureEdit(draft, draft)).toEqual({ editDistance: 0, editRatio: 0 });
    expect(measureEdit(draft, { subject: 'Hello', body: 'Word' })).toEqual({ editDistance: 1, editRatio: 1 / 12 });
    expect(measureEdit({ subject: '', body: '' }, { subject: '', body: '' })).toEqual({ editDistance: 0, editRatio: 0 });
    const rewritten = measureEdit({ subject: 'ab', body: 'cd' }, { subject: 'wxyz', body: 'uvwxyz' });
    expect(rewritten.editRatio).toBeLessThanOrEqual(1);
    expect(rewritten.editDistance).toBe(10);
  });
});
