/** The decision input contract and how a verdict maps onto each artifact of the item. */
import { describe, expect, it } from 'vitest';
import { artifactStatus, DecideReviewItemInput } from '../../../src/review/index.ts';

const base = { itemId: '3f0c2b4e-1d2a-4c3b-9a8e-0a1b2c3d4e5f', deciderRepId: '4f0c2b4e-1d2a-4c3b-9a8e-0a1b2c3d4e5f' };

describe('when a decision is validated', () => {
  it('requires edited content exactly for the edited verdict', () => {
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted' }).success).toBe(true);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B' } }).success).toBe(true);
    const missing = DecideReviewItemInput.safeParse({ ...base, verdict: 'edited' });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['edited'], message: 'required when the verdict is edited' });
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'rejected', edited: { subject: 'S', body: 'B' } }).success).toBe(false);
  });

  it('refuses unknown fields (a recipient cannot be smuggled in) and bad edits', () => {
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'accepted', to: 'attacker@evil.example' }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B', to: 'x@y.z' } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: '   ', body: 'B' } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, verdict: 'edited', edited: { subject: 'S', body: 'B'.repeat(2001) } }).success).toBe(false);
    expect(DecideReviewItemInput.safeParse({ ...base, itemId: 'nope', verdict: 'accepted' }).success).toBe(false);
  });
});

describe('when a verdict is applied to the artifacts of an item', () => {
  it('marks only the draft edited on an edit, and applies accept and reject to all', () => {
    expect(artifactStatus('edited', 'drafting')).toBe('edited');
    expect(artifactStatus('edited', 'research')).toBe('accepted');
    expect(artifactStatus('edited', 'prioritization')).toBe('accepted');
    expect(artifactStatus('accepted', 'research')).toBe('accepted');
    expect(artifactStatus('rejected', 'drafting')).toBe('rejected');
  });
});
