/**
 * What an outbox row carries and what goes over the wire: the payload of each kind of side effect
 * and the delivery envelope the relay POSTs to a receiver. Shared by the writer (review decisions),
 * the relay and the reference receiver, so all three agree on one contract.
 */
import { z } from 'zod';
import type { OutboxKind } from '../../db/schema/index.ts';

/** Stripe's bound for idempotency keys; ours are `<kind>-<uuid>`, far shorter. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(MAX_IDEMPOTENCY_KEY_LENGTH)
  // Safe in a URL path segment and an HTTP header without escaping.
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : - are allowed');

/** One effect of a kind per approved review item, ever: the key the receiver dedupes by. */
export function outboxKey(kind: OutboxKind, reviewItemId: string): string {
  return `${kind}-${reviewItemId}`;
}

// Loose on purpose: the address was checked against the account's contacts when it was drafted
// and again at approval; a stricter regex here would strand an approved row on a valid address.
const Recipient = z.object({ email: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'not an email address'), name: z.string() });

/** Write the approved outreach back to the CRM account (an idempotent upsert on the CRM side). */
export const CrmWritebackPayload = z.object({
  /** The CRM's own id of the account. */
  accountExternalId: z.string().min(1),
  accountId: z.uuid(),
  recipient: Recipient,
  subject: z.string().min(1),
  body: z.string().min(1),
  reviewItemId: z.uuid(),
  /** `accepted` (the model's text) or `edited` (the rep's text). */
  verdict: z.enum(['accepted', 'edited']),
  decidedBy: z.object({ repId: z.uuid(), email: z.string() }),
  decidedAt: z.iso.datetime({ offset: true }),
});
export type CrmWritebackPayload = z.infer<typeof CrmWritebackPayload>;

/** Hand the approved email to the sending system. */
export const SendHandoffPayload = z.object({
  recipient: Recipient,
  subject: z.string().min(1),
  body: z.string().min(1),
  reviewItemId: z.uuid(),
});
export type SendHandoffPayload = z.infer<typeof SendHandoffPayload>;

export const PAYLOAD_SCHEMAS = {
  crm_writeback: CrmWritebackPayload,
  send_handoff: SendHandoffPayload,
} as const satisfies Record<OutboxKind, z.ZodType>;

/** The JSON body of `POST /deliveries`; its `idempotencyKey` equals the `Idempotency-Key` header. */
export const DeliveryBody = z.discriminatedUnion('kind', [
  z.object({ idempotencyKey: IdempotencyKey, kind: z.literal('crm_writeback'), payload: CrmWritebackPayload }),
  z.object({ idempotencyKey: IdempotencyKey, kind: z.literal('send_handoff'), payload: SendHandoffPayload }),
]);
export type DeliveryBody = z.infer<typeof DeliveryBody>;

/**
 * The answer to `GET /deliveries/:key`. The relay trusts a 200 or 404 only with this body naming
 * the key: a server without the endpoint (a 404 page, an SPA fallback answering 200) must not be
 * read as "not delivered" or "delivered".
 */
export const DeliveryLookup = z.object({ idempotencyKey: IdempotencyKey, delivered: z.boolean() });
export type DeliveryLookup = z.infer<typeof DeliveryLookup>;
