/**
 * The end of an account's chain, after its draft step: memory updates, every artifact filed as an
 * item of its workflow (routing it to review), and the account marked done — in one transaction,
 * so a retried finalize changes nothing twice. Group-committed: the accounts that finish in the
 * same turn of the event loop share the transaction and its dozen statements.
 */
import { sql } from 'drizzle-orm';
import { lockAccounts } from '../../db/account-lock.ts';
import type { Db } from '../../db/client.ts';
import type { Step } from '../../db/schema/index.ts';
import type { CitedFact, Draft, Prioritization, ResearchBrief } from '../agents/types.ts';
import { memoryFromDraft, memoryFromResearch, rememberMany } from '../memory/index.ts';
import { fileArtifactsMany, type ArtifactInput } from '../review/index.ts';
import { createBatcher } from './batcher.ts';
import type { StepRow } from './hot-queries.ts';

export type FinalizeInput = {
  runId: string;
  accountId: string;
  /** The account's stored steps; research and prioritize must have succeeded. */
  steps: Map<Step, StepRow>;
  sampleRate: number;
  finishedAt: Date;
};

export type FinalizeResult = { reviewItemId: string | null };

/** Accounts per finalize transaction at most. */
const MAX_BATCH = 64;

/** Finalizes through a group-committing batcher over `db`. */
export function createFinalizer(db: Db): (input: FinalizeInput) => Promise<FinalizeResult> {
  return createBatcher((inputs: FinalizeInput[]) => finalizeAccounts(db, inputs), { maxBatch: MAX_BATCH, maxInFlight: 1, keyOf: (i) => i.accountId });
}

/** Finalizes several accounts (each once) in one transaction. */
export async function finalizeAccounts(db: Db, inputs: FinalizeInput[]): Promise<FinalizeResult[]> {
  const prepared = inputs.map(prepare);
  return db.transaction(async (tx) => {
    // One lock statement for the batch; memory and review filing rely on it.
    await lockAccounts(tx, prepared.map((p) => p.accountId));
    await rememberMany(
      tx,
      prepared.map((p) => ({ accountId: p.accountId, runId: p.runId, items: p.memory })),
      { locked: true },
    );
    // ownerRepId omitted: the item goes to the account's owner at this moment.
    const filed = await fileArtifactsMany(
      tx,
      prepared.map((p) => ({ runId: p.runId, accountId: p.accountId, artifacts: p.artifacts, sampleRate: p.sampleRate })),
      { locked: true },
    );
    const done = JSON.stringify(prepared.map((p) => ({ run_id: p.runId, account_id: p.accountId, tier: p.tier, finished_at: p.finishedAt.toISOString() })));
    await tx.execute(sql`
      update run_items r set status = 'done', tier = x.tier, finished_at = x.finished_at, error = null, failed_step = null
      from jsonb_to_recordset(${done}::jsonb) as x(run_id text, account_id uuid, tier text, finished_at timestamptz)
      where r.run_id = x.run_id and r.account_id = x.account_id
        -- Lets the primary key find the rows instead of a scan of the run's items.
        and r.run_id = any(array(select distinct e->>'run_id' from jsonb_array_elements(${done}::jsonb) e))
        and r.account_id = any(array(select (e->>'account_id')::uuid from jsonb_array_elements(${done}::jsonb) e))`);
    return filed.map((f) => ({ reviewItemId: f.reviewItemId }));
  });
}

/** The memory items, artifacts and tier of one account, from its stored steps. Pure. */
function prepare(input: FinalizeInput) {
  const { runId, accountId, steps } = input;
  const [research, prioritize, draft] = [steps.get('research'), steps.get('prioritize'), steps.get('draft')];
  if (research?.status !== 'succeeded' || prioritize?.status !== 'succeeded')
    throw new Error(`finalize ran before research and prioritization finished for account ${accountId}`);
  const brief = research.output as ResearchBrief;
  const prioritization = prioritize.output as Prioritization;
  const drafted = draft?.status === 'succeeded' ? (draft.output as Draft) : undefined;
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
  const memory = [...memoryFromResearch({ brief, runId, observedAt }), ...(drafted ? memoryFromDraft({ draft: drafted, runId, observedAt }) : [])];
  return { runId, accountId, artifacts, memory, tier: prioritization.tier, sampleRate: input.sampleRate, finishedAt: input.finishedAt };
}

function made(step: StepRow): { skillName: string; skillVersion: string; model: string } {
  return { skillName: step.skillName ?? 'unknown', skillVersion: step.skillVersion ?? 'unknown', model: step.model ?? 'unknown' };
}
