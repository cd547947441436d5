/** The artifacts of review items by workflow, in one query: what a reviewer sees of each item. */
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { artifacts, type ArtifactStatus, type Workflow } from '../../db/schema/index.ts';

export type ReviewQueueArtifact = {
  id: string;
  workflow: Workflow;
  skillName: string;
  skillVersion: string;
  model: string;
  status: ArtifactStatus;
  content: Record<string, unknown>;
  rationale: string | null;
  citedFacts: Array<Record<string, unknown>>;
  riskFlags: string[];
  /** Why a review rejected it (a reject reason, `wrong_facts`, `too_high`, `too_low`); null otherwise. */
  verdictReason: string | null;
};

export type ItemArtifacts = Partial<Record<Workflow, ReviewQueueArtifact>>;

/** Every requested item gets an entry (empty when it has no artifacts). */
export async function loadArtifacts(db: DbOrTx, itemIds: readonly string[]): Promise<Map<string, ItemArtifacts>> {
  const byItem = new Map<string, ItemArtifacts>(itemIds.map((id) => [id, {}]));
  if (itemIds.length === 0) return byItem;
  const linked = await db
    .select({
      id: artifacts.id,
      reviewItemId: artifacts.reviewItemId,
      workflow: artifacts.workflow,
      skillName: artifacts.skillName,
      skillVersion: artifacts.skillVersion,
      model: artifacts.model,
      status: artifacts.status,
      content: artifacts.content,
      rationale: artifacts.rationale,
      citedFacts: artifacts.citedFacts,
      riskFlags: artifacts.riskFlags,
      verdictReason: artifacts.verdictReason,
    })
    .from(artifacts)
    .where(inArray(artifacts.reviewItemId, [...itemIds]));
  for (const { reviewItemId, ...artifact } of linked) {
    const slot = reviewItemId ? byItem.get(reviewItemId) : undefined;
    if (slot) slot[artifact.workflow] = artifact;
  }
  return byItem;
}
