import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { flashFrom } from '../../../src/web/flash.ts';
import { filterQuery, parseBulkForm, parseDecisionForm, parseDecisionJson, parseItemId, parseQueueFilters } from '../../../src/web/params.ts';

const ID = '6f1c2a4e-8a5b-4c3d-9e2f-0a1b2c3d4e5f';

function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation') return error.message;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('queue filters', () => {
  it('defaults to pending, treats blank fields as absent, and keeps filters in links', () => {
    const filters = parseQueueFilters({ run: '', q: '  acme ', tier: 'B', workflow: '' });
    expect(filters).toMatchObject({ status: 'pending', tier: 'B', q: 'acme', limit: 50 });
    expect(filters.run).toBeUndefined();
    expect(filterQuery(filters)).toBe('?tier=B&q=acme');
    expect(filterQuery(filters, { tier: undefined, cursor: ID })).toBe(`?q=acme&cursor=${ID}`);
  });

  it('says which filter is wrong', () => {
    expect(validationMessage(() => parseQueueFilters({ tier: 'Z' }))).toContain('tier');
    expect(validationMessage(() => parseQueueFilters({ cursor: 'page-2' }))).toContain('cursor');
    expect(validationMessage(() => parseQueueFilters({ q: 'x'.repeat(101) }))).toContain('100');
  });
});

describe('decisions', () => {
  it('reads the item form: subject and body count only for an edit, blank verdicts are absent', () => {
    expect(parseDecisionForm({ verdict: 'accepted', subject: 'S', body: 'B', briefVerdict: '', tierVerdict: 'too_low', note: '' })).toEqual({ verdict: 'accepted', tierVerdict: 'too_low' });
    expect(parseDecisionForm({ verdict: 'edited', subject: 'S', body: 'B' })).toEqual({ verdict: 'edited', edited: { subject: 'S', body: 'B' } });
    expect(parseDecisionForm({ verdict: 'rejected', rejectReason: 'tone', note: 'Too pushy' })).toEqual({ verdict: 'rejected', rejectReason: 'tone', note: 'Too pushy' });
    // A reason left checked in the closed reject dialog does not turn an accept into anything else.
    expect(parseDecisionForm({ verdict: 'accepted', rejectReason: 'tone' })).toEqual({ verdict: 'accepted' });
  });

  it('explains what a decision is missing', () => {
    expect(validationMessage(() => parseDecisionForm({ verdict: 'rejected' }))).toContain('rejectReason');
    expect(validationMessage(() => parseDecisionForm({ verdict: 'rejected', rejectReason: 'other' }))).toContain('note');
    expect(validationMessage(() => parseDecisionForm({}))).toContain('verdict');
    expect(validationMessage(() => parseDecisionJson({ verdict: 'accepted', extra: 1 }))).toContain('extra');
    expect(validationMessage(() => parseDecisionJson({ verdict: 'accepted', rejectReason: 'tone' }))).toContain('rejectReason');
  });

  it('reads bulk selections, once each', () => {
    expect(parseBulkForm({ ids: ID })).toEqual([ID]);
    expect(parseBulkForm({ ids: [ID, ID] })).toEqual([ID]);
    expect(validationMessage(() => parseBulkForm({}))).toContain('select at least one item');
    expect(validationMessage(() => parseBulkForm({ ids: ['1; drop table'] }))).toContain('itemIds');
  });

  it('treats an id that is not a uuid as not found', () => {
    expect(parseItemId(ID)).toBe(ID);
    expect(() => parseItemId('../etc')).toThrowError(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('flash messages', () => {
  it('shows only fixed texts, never text from the URL', () => {
    expect(flashFrom({ flash: 'accepted' })?.message).toBe('Accepted.');
    expect(flashFrom({ flash: 'accepted', last: '1' })?.message).toContain('last item');
    expect(flashFrom({ flash: 'bulk', accepted: '3', failed: '0' })).toEqual({ message: 'Accepted 3 items.', kind: 'success' });
    expect(flashFrom({ flash: 'bulk', accepted: '<b>', failed: '2' })?.message).toBe('Accepted 0 items. 2 could not be accepted (already decided, or no longer in your queue).');
    expect(flashFrom({ flash: '<script>' })).toBeNull();
    expect(flashFrom({})).toBeNull();
  });
});
