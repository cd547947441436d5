/** The delivery contract: keys, per-kind payloads, and the lookup body. */
import { describe, expect, it } from 'vitest';
import { DeliveryBody, DeliveryLookup, IdempotencyKey, outboxKey } from '../../../src/outbox/payloads.ts';

const itemId = '3f0c2b4e-1d2a-4c3b-9a8e-0a1b2c3d4e5f';

describe('when a delivery is built', () => {
  it('keys it by kind and review item, one effect of a kind per item', () => {
    expect(outboxKey('crm_writeback', itemId)).toBe(`crm_writeback-${itemId}`);
    expect(IdempotencyKey.safeParse(outboxKey('send_handoff', itemId)).success).toBe(true);
    expect(IdempotencyKey.safeParse('has space').success).toBe(false);
    expect(IdempotencyKey.safeParse('x'.repeat(256)).success).toBe(false);
  });

  it('accepts each kind only with its own payload', () => {
    const send = { recipient: { email: 'a@b.example', name: 'A' }, subject: 'S', body: 'B', reviewItemId: itemId };
    expect(DeliveryBody.safeParse({ idempotencyKey: `send_handoff-${itemId}`, kind: 'send_handoff', payload: send }).success).toBe(true);
    const wrong = DeliveryBody.safeParse({ idempotencyKey: `crm_writeback-${itemId}`, kind: 'crm_writeback', payload: send });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path.join('.'))).toContain('payload.accountExternalId');
    expect(DeliveryBody.safeParse({ idempotencyKey: 'k', kind: 'send_handoff', payload: { ...send, recipient: { email: 'nope', name: 'A' } } }).success).toBe(false);
  });

  it('reads a lookup answer only in the contract shape', () => {
    expect(DeliveryLookup.safeParse({ idempotencyKey: 'k', delivered: true }).success).toBe(true);
    expect(DeliveryLookup.safeParse({ error: 'not found' }).success).toBe(false);
  });
});
