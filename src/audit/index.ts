/** The audit trail: who did what, written in the same transaction as the change. */
export { emitAudit, type AuditEvent } from './emit.ts';
