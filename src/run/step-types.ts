/** Shapes shared by a step's frame (./step.ts), its calls (./step-calls.ts) and its ledger rows. */
import type { Step } from '../../db/schema/index.ts';
import type { LlmCallRecord } from '../llm/index.ts';

export type StepKey = { runId: string; accountId: string; step: Step };

/** A call's record as the step ledgers it: with the call's id and the step's ids. */
export type StepCallRecord = LlmCallRecord & StepKey & { callId: string };
