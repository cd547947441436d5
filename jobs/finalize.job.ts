/**
 * The account flow's root: runs after research → prioritize → draft. Writes memory updates,
 * files every artifact as an item of its workflow (routing it to review), and marks the account
 * done — all in one transaction, so a retried finalize changes nothing twice.
 */
import { and, eq } from 'drizzle-orm';
import { runItems } from '../db/schema/index.ts';
import type { CitedFact, Draft, Prioritization, ResearchBrief } from '../src/agents/types.ts';
import type { Deps } from '../src/deps.ts';
import { NotFoundError } from '../src/errors.ts';
import { memoryFromDraft, memoryFromResearch, rememberItems } from '../src/memory/index.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { fileArtifacts, type ArtifactInput } from '../src/review/index.ts';
import { loadStepsAndOwner, type StepRow } from '../src/run/hot-queries.ts';
import type { AccountStepPayload } from './catalog.ts';

export async function finalizeJob(payload: AccountStepPayload, _runtime: JobRuntime, deps: Deps): Promise<{ reviewItemId: string | null }> {
  const { runId, accountId } = payload;
  const { found, ownerRepId, steps } = await loadStepsAndOwner(deps.dbHandle.sql, runId, accountId);
  if (!found) throw new NotFoundError('account', accountId);
  const [research, prioritize, draft] = [steps.get('research'), steps.get('prioritize'), steps.get('draft')];
  if (!research || !prioritize) throw new Error(`finalize ran before research and prioritization finished for account ${accountId}`);

  const brief = research.output as ResearchBrief;
  const prioritization = prioritize.output as Prioritization;
  const drafted = draft?.status === 'succeeded' ? (draft.output as Draft) : undefined;
  const now = deps.clock();
  // Memory is dated by when the research ran, so a finalize retried later changes nothing.
  const observedAt = research.createdAt;

  const artifacts: ArtifactInput[] = [
    { ...made(research), workflow: 'research', content: brief, citedFacts: brief.facts },
    { ...made(prioritize), workflow: 'prioritization', content: prioritization, rationale: prioritization.rationale },
  ];
  if (drafted && draft) {
    const cited = new Set(drafted.citations.map((c) => c.factId));
    const citedFacts: CitedFact[] = brief.facts.filter((f) => cited.has(f.id));
    artifacts.push({ ...made(draft), workflow: 'drafting', content: drafted, citedFacts, riskFlags: drafted.riskFlags });
  }

  const result = await deps.db.transaction(async (tx) => {
    const memory = [...memoryFromResearch({ brief, runId, observedAt }), ...(drafted ? memoryFromDraft({ draft: drafted, runId, observedAt }) : [])];
    await rememberItems(tx, { accountId, runId, items: memory });
    const filed = await fileArtifacts(tx, { runId, accountId, ownerRepId, artifacts, sampleRate: deps.policy.reviewSampleRate });
    await tx
      .update(runItems)
      .set({ status: 'done', tier: prioritization.tier, finishedAt: now, error: null, failedStep: null })
      .where(and(eq(runItems.runId, runId), eq(runItems.accountId, accountId)));
    return { reviewItemId: filed.reviewItemId };
  });
  // Memory just changed: a later step of this account (a next run) must read it fresh.
  deps.contexts.evict(runId, accountId);
  return result;
}

function made(step: StepRow): { skillName: string; skillVersion: string; model: string } {
  return { skillName: step.skillName ?? 'unknown', skillVersion: step.skillVersion ?? 'unknown', model: step.model ?? 'unknown' };
}
