/** The history of autonomy levels: every promotion, demotion, reset and manual change, newest first. */
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { autonomyTransitions, WORKFLOWS, type AutonomyTransitionKind, type StoredAutonomyEvidence, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import type { AutonomyLevel } from './types.ts';

export const ListTransitionsInput = z
  .object({
    workflow: z.enum(WORKFLOWS).optional(),
    /** @defaultValue 50 */
    limit: z.number().int().min(1).max(1_000).default(50),
  })
  .strict();
export type ListTransitionsInput = z.input<typeof ListTransitionsInput>;

/** One change of level with the evidence and reasons behind it. */
export type AutonomyTransition = {
  id: number;
  workflow: Workflow;
  from: AutonomyLevel;
  to: AutonomyLevel;
  kind: AutonomyTransitionKind;
  reasons: string[];
  /** Null for a manager's manual lowering. */
  evidence: StoredAutonomyEvidence | null;
  /** A manager's email, or `policy`. */
  actor: string;
  proposalId: string | null;
  at: Date;
};

/** Transitions newest first (ties by id), optionally of one workflow. */
export async function listTransitions(db: DbOrTx, input: ListTransitionsInput = {}): Promise<AutonomyTransition[]> {
  const parsed = ListTransitionsInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `listTransitions: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { workflow, limit } = parsed.data;
  const rows = await db
    .select()
    .from(autonomyTransitions)
    .where(workflow ? eq(autonomyTransitions.workflow, workflow) : undefined)
    .orderBy(desc(autonomyTransitions.at), desc(autonomyTransitions.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, workflow: r.workflow, from: r.fromLevel, to: r.toLevel, kind: r.kind, reasons: r.reasons, evidence: r.evidence, actor: r.actor, proposalId: r.proposalId, at: r.at }));
}
