/**
 * The outbox: exactly-once external side effects. Rows are written with the approval
 * (src/review/decide.ts); the relay delivers them at least once to a receiver that dedupes by key,
 * and holds for a human any delivery whose outcome it cannot establish.
 */
export { startRelay, RelayOptions, describeReceiver, type Relay, type StartRelayArgs, type DrainResult } from './relay.ts';
export { startReceiver, ReceiverOptions, ReceiverFaults, type Receiver, type ReceiverStats } from './receiver.ts';
export { listOutbox, ListOutboxInput, type OutboxList, type OutboxListRow } from './list-outbox.ts';
export { releaseHeld, OperatorDecisionInput, type OperatorDecisionResult } from './release-held.ts';
export { resolveHeld } from './resolve-held.ts';
export { claimDue, claimExpired, type OutboxRow, type ClaimOptions } from './claim.ts';
export { postDelivery, lookupDelivery, type ReceiverEndpoint } from './deliver.ts';
export { classifyStatus, classifyNetworkError, backoffMs, parseRetryAfter, redact, type PostOutcome, type LookupOutcome } from './classify.ts';
export { outboxKey, DeliveryBody, DeliveryLookup, CrmWritebackPayload, SendHandoffPayload, IdempotencyKey, PAYLOAD_SCHEMAS } from './payloads.ts';
