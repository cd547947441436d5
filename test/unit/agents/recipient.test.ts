import { describe, expect, it } from 'vitest';
import { orderContacts, pickRecipient, seniorityOf } from '../../../src/agents/index.ts';
import type { ContactSnapshot } from '../../../src/agents/types.ts';
import { DANA_EMAIL, sampleContext } from './sample-context.ts';

const contact = (id: string, title: string | null, email: string | null, doNotContact = false): ContactSnapshot => ({
  id,
  name: `Person ${id}`,
  title,
  email,
  doNotContact,
});

describe('when picking the recipient of a draft', () => {
  it('skips a more senior contact marked do-not-contact', () => {
    expect(pickRecipient(sampleContext())?.email).toBe(DANA_EMAIL);
  });

  it('prefers the most senior reachable title, keeping CRM order on ties', () => {
    const ctx = sampleContext({}, {
      contacts: [contact('a', 'Operations Manager', 'a@x.example'), contact('b', 'Director of Logistics', 'b@x.example'), contact('c', 'Director, Fleet', 'c@x.example')],
    });
    expect(pickRecipient(ctx)?.id).toBe('b');
  });

  it('skips contacts without a usable email address', () => {
    const ctx = sampleContext({}, { contacts: [contact('a', 'CEO', null), contact('b', 'COO', 'not-an-email'), contact('c', 'Analyst', ' c@x.example ')] });
    expect(pickRecipient(ctx)).toMatchObject({ id: 'c', email: 'c@x.example' });
  });

  it('treats an address as do-not-contact when any record with it is marked, whatever the case', () => {
    const ctx = sampleContext({}, { contacts: [contact('a', 'CEO', 'Boss@X.example'), contact('b', 'CEO (old record)', 'boss@x.example', true)] });
    expect(pickRecipient(ctx)).toBeUndefined();
  });

  it('returns undefined when every contact is do-not-contact', () => {
    const ctx = sampleContext({}, { contacts: [contact('a', 'CEO', 'a@x.example', true)] });
    expect(pickRecipient(ctx)).toBeUndefined();
  });

  it('lists the recipient first and do-not-contact people last in prompts', () => {
    expect(orderContacts(sampleContext()).map((c) => c.id)).toEqual(['c-dana', 'c-lee', 'c-sam']);
  });

  it('ranks titles by seniority, with assistants below their bosses', () => {
    expect(seniorityOf('Chief Operating Officer')).toBe(5);
    expect(seniorityOf('VP Operations')).toBe(4);
    expect(seniorityOf('Head of Quality')).toBe(4);
    expect(seniorityOf('IT Director')).toBe(3);
    expect(seniorityOf('Dispatch Manager')).toBe(2);
    expect(seniorityOf('Executive Assistant to the CEO')).toBe(1);
    expect(seniorityOf('Planner')).toBe(1);
    expect(seniorityOf(null)).toBe(0);
  });
});
