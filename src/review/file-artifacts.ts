/**
 * Stores one account's artifacts from a run and decides whether they reach its owner rep:
 * a drafted account becomes one review item covering every workflow present (the draft shown
 * with its brief and tier), an undrafted account's brief and tier enter review only when sampled.
 *
 * Idempotent: the finalize job may run twice, even concurrently. The unique indexes on
 * review_items (run, account) and artifacts (run, account, workflow) with ON CONFLICT DO NOTHING
 * make the first write win; later calls return what is stored. Nothing reaches a rep twice.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../../db/client.ts';
import { artifacts, reviewItems, WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { emitAudit } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { isSampled } from './sample.ts';

const CitedFactInput = z.object({
  id: z.string(),
  text: z.string(),
  source: z.string(),
  observedAt: z.union([z.string(), z.date().transform((d) => d.toISOString())]),
});

export const ArtifactInput = z.object({
  workflow: z.enum(WORKFLOWS),
  skillName: z.string().min(1),
  skillVersion: z.string().min(1),
  model: z.string().min(1),
  /** The workflow's validated output: a ResearchBrief, Prioritization or Draft. */
  content: z.record(z.string(), z.unknown()),
  rationale: z.string().nullish(),
  citedFacts: z.array(CitedFactInput).optional(),
  riskFlags: z.array(z.string()).optional(),
});
export type ArtifactInput = z.input<typeof ArtifactInput>;

export const FileArtifactsInput = z.object({
  runId: z.string().min(1),
  accountId: z.uuid(),
  /** The account's owner; null leaves the item unassigned (only managers see it). */
  ownerRepId: z.uuid().nullable(),
  artifacts: z
    .array(ArtifactInput)
    .min(1)
    .refine((list) => new Set(list.map((a) => a.workflow)).size === list.length, 'at most one artifact per workflow'),
  /** Share of undrafted accounts whose brief and tier are reviewed anyway (config `reviewSampleRate`). */
  sampleRate: z.number().min(0).max(1),
});
export type FileArtifactsInput = z.input<typeof FileArtifactsInput>;

export type ReviewReason = 'drafted' | 'sampled';

export type FileArtifactsResult = {
  reviewItemId: string | null;
  reason: ReviewReason | null;
  /** The stored artifact of each workflow that has one. */
  artifactIds: Partial<Record<Workflow, string>>;
  /** True only for the call that created the review item. */
  created: boolean;
};

export async function fileArtifacts(db: DbOrTx, input: FileArtifactsInput): Promise<FileArtifactsResult> {
  const parsed = FileArtifactsInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `fileArtifacts: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { runId, accountId, ownerRepId, sampleRate } = parsed.data;
  const present = WORKFLOWS.filter((w) => parsed.data.artifacts.some((a) => a.workflow === w));
  const decided: ReviewReason | null = present.includes('drafting') ? 'drafted' : isSampled(runId, accountId, sampleRate) ? 'sampled' : null;

  return inTransaction(db, async (tx) => {
    const sameAccount = and(eq(reviewItems.runId, runId), eq(reviewItems.accountId, accountId));
    let item: { id: string; reason: ReviewReason; workflows: Workflow[] } | undefined;
    let created = false;
    if (decided) {
      [item] = await tx
        .insert(reviewItems)
        .values({ runId, accountId, ownerRepId, reason: decided, workflows: present })
        .onConflictDoNothing({ target: [reviewItems.runId, reviewItems.accountId] })
        .returning({ id: reviewItems.id, reason: reviewItems.reason, workflows: reviewItems.workflows });
      created = item !== undefined;
    }
    // A retry (or the loser of a race, which waited for the winner's commit) links to what is stored.
    item ??= (await tx.select({ id: reviewItems.id, reason: reviewItems.reason, workflows: reviewItems.workflows }).from(reviewItems).where(sameAccount))[0];
    if (item && created) {
      await emitAudit(tx, {
        actor: 'system',
        action: 'review_item.created',
        entity: 'review_item',
        entityId: item.id,
        data: { runId, accountId, ownerRepId, reason: item.reason, workflows: item.workflows },
      });
    }

    const covered = new Set(item?.workflows ?? []);
    const inserted = await tx
      .insert(artifacts)
      .values(
        parsed.data.artifacts.map((a) => {
          const inItem = item !== undefined && covered.has(a.workflow);
          return {
            runId,
            accountId,
            workflow: a.workflow,
            skillName: a.skillName,
            skillVersion: a.skillVersion,
            model: a.model,
            status: inItem ? ('pending_review' as const) : ('unreviewed' as const),
            content: a.content,
            rationale: a.rationale ?? null,
            citedFacts: a.citedFacts ?? [],
            riskFlags: a.riskFlags ?? [],
            reviewItemId: inItem ? (item?.id ?? null) : null,
          };
        }),
      )
      .onConflictDoNothing({ target: [artifacts.runId, artifacts.accountId, artifacts.workflow] })
      .returning({ id: artifacts.id, workflow: artifacts.workflow });

    // Only a retry (some artifacts already stored) needs to read back what the first call wrote.
    const stored =
      inserted.length === parsed.data.artifacts.length
        ? inserted
        : await tx
            .select({ id: artifacts.id, workflow: artifacts.workflow })
            .from(artifacts)
            .where(and(eq(artifacts.runId, runId), eq(artifacts.accountId, accountId)));
    const artifactIds: Partial<Record<Workflow, string>> = {};
    // In workflow order, so every call returns the same shape whichever rows it wrote.
    for (const workflow of WORKFLOWS) {
      const row = stored.find((r) => r.workflow === workflow);
      if (row) artifactIds[workflow] = row.id;
    }
    return { reviewItemId: item?.id ?? null, reason: item?.reason ?? null, artifactIds, created };
  });
}
