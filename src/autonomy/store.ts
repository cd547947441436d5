/**
 * Reads and writes shared by the autonomy services (not exported from the folder's index): the
 * per-workflow lock, the stored level, the pending proposal, the workflow's current skill version
 * and model, the manager check, and the assessment both `evaluateWorkflows` and `autonomyStatus`
 * make — so what status shows is exactly what evaluate would act on.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { artifacts, autonomyLevels, autonomyProposals, autonomyTransitions, reps, STORED_AUTONOMY_LEVELS, type AutonomyTransitionKind, type StoredAutonomyEvidence, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { computeStats } from './compute-stats.ts';
import { evaluateAutonomy } from './evaluate-autonomy.ts';
import { loadReviewOutcomes } from './outcomes.ts';
import type { AUTONOMY_LEVELS, AutonomyDecision, AutonomyEvidence, AutonomyLevel, AutonomyPolicy, ReviewOutcome, WorkflowStats } from './types.ts';

/** The schema spells the ladder out to stay a leaf of the import graph; `satisfies` keeps the two identical. */
export const STORED_LADDER = STORED_AUTONOMY_LEVELS satisfies typeof AUTONOMY_LEVELS;
/** AutonomyEvidence as stored; a compile error here means the schema's evidence type fell behind. */
export const toStoredEvidence = (e: AutonomyEvidence): StoredAutonomyEvidence => e;

/** Advisory lock class of autonomy changes. Arbitrary constant. */
const AUTONOMY_LOCK_CLASS = 4_021_407;

/**
 * Serialises every change of one workflow's level or proposals until the transaction ends: the
 * level row may not exist yet (no row = gated), so `for update` alone cannot lock it.
 */
export async function lockWorkflow(tx: DbOrTx, workflow: Workflow): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUTONOMY_LOCK_CLASS}::int, hashtext(${workflow}))`);
}

/** A workflow's stored level; `since` and `setBy` are null for a workflow that never left gated. */
export type LevelState = {
  level: AutonomyLevel;
  /** The skill version and model the level was granted for (null when never granted). */
  skillVersion: string | null;
  model: string | null;
  since: Date | null;
  setBy: string | null;
};

export const GATED: LevelState = { level: 'gated', skillVersion: null, model: null, since: null, setBy: null };

export async function readLevels(db: DbOrTx, workflow?: Workflow): Promise<Map<Workflow, LevelState>> {
  const rows = await db
    .select()
    .from(autonomyLevels)
    .where(workflow ? eq(autonomyLevels.workflow, workflow) : undefined);
  return new Map(rows.map((r) => [r.workflow, { level: r.level, skillVersion: r.skillVersion, model: r.model, since: r.since, setBy: r.setBy }]));
}

export async function readLevel(db: DbOrTx, workflow: Workflow): Promise<LevelState> {
  return (await readLevels(db, workflow)).get(workflow) ?? GATED;
}

/** Sets a workflow's level (upsert), recording the skill version and model it now holds for. */
export async function writeLevel(tx: DbOrTx, workflow: Workflow, state: { level: AutonomyLevel; version: Version | null; setBy: string; reason: string }): Promise<void> {
  const values = { level: state.level, skillVersion: state.version?.skillVersion ?? null, model: state.version?.model ?? null, since: sql`now()`, setBy: state.setBy, reason: state.reason };
  await tx
    .insert(autonomyLevels)
    .values({ workflow, ...values })
    .onConflictDoUpdate({ target: autonomyLevels.workflow, set: values });
}

export type ProposalRow = typeof autonomyProposals.$inferSelect;

export async function pendingProposals(db: DbOrTx, workflow?: Workflow): Promise<Map<Workflow, ProposalRow>> {
  const rows = await db
    .select()
    .from(autonomyProposals)
    .where(and(eq(autonomyProposals.status, 'pending'), workflow ? eq(autonomyProposals.workflow, workflow) : undefined));
  return new Map(rows.map((r) => [r.workflow, r]));
}

/** The skill version and model a workflow runs now: those of its newest artifact. */
export type Version = { skillVersion: string; model: string };

/**
 * The newest artifact's skill version and model per workflow (none for a workflow without
 * artifacts). One pass over artifacts; there is no (workflow, created_at) index yet, which is fine
 * for a nightly evaluation and a status command.
 */
export async function currentVersions(db: DbOrTx, workflow?: Workflow): Promise<Map<Workflow, Version>> {
  const rows = await db
    .selectDistinctOn([artifacts.workflow], { workflow: artifacts.workflow, skillVersion: artifacts.skillVersion, model: artifacts.model })
    .from(artifacts)
    .where(workflow ? eq(artifacts.workflow, workflow) : undefined)
    .orderBy(artifacts.workflow, desc(artifacts.createdAt), desc(artifacts.id));
  return new Map(rows.map((r) => [r.workflow, { skillVersion: r.skillVersion, model: r.model }]));
}

/** What the evidence says for one workflow at its stored level. */
export type Assessment = {
  stats: WorkflowStats;
  /** The version judged (the current one), or null when the workflow has no artifacts. */
  version: Version | null;
  versionChanged: boolean;
  decision: AutonomyDecision;
};

/**
 * Assesses one workflow. Only outcomes of the version it runs now are evidence: a new skill
 * version or model starts from nothing (evaluateAutonomy's reset says the old evidence was for the
 * previous version, and a reset followed by a proposal built on that old evidence would undo it).
 * A version change counts only above gated (gated has nothing to lose) and, with no eval suite
 * results stored yet, always as a failed eval: back to gated. Incidents are 0: they are items that
 * reached a customer without review, and nothing does until routing by level lands.
 */
export function assess(input: { workflow: Workflow; level: LevelState; version: Version | null; outcomes: readonly ReviewOutcome[]; policy: AutonomyPolicy }): Assessment {
  const { workflow, level, version, policy } = input;
  const mine = input.outcomes.filter((o) => o.workflow === workflow && (!version || (o.skillVersion === version.skillVersion && o.model === version.model)));
  const stats = computeStats(mine, policy);
  const versionChanged = level.level !== 'gated' && version !== null && (version.skillVersion !== level.skillVersion || version.model !== level.model);
  const decision = evaluateAutonomy({ workflow, level: level.level, stats, incidents: 0, policy, ...(versionChanged ? { versionChanged: { evalPassed: false } } : {}) });
  return { stats, version, versionChanged, decision };
}

/** The reviewed outcomes in the policy's window ending at `now`. */
export async function windowOutcomes(db: DbOrTx, policy: AutonomyPolicy, now: Date, workflow?: Workflow): Promise<{ since: Date; outcomes: ReviewOutcome[] }> {
  const since = new Date(now.getTime() - policy.windowDays * 86_400_000);
  const outcomes = await loadReviewOutcomes(db, { since, until: now, ...(workflow ? { workflow } : {}) });
  return { since, outcomes };
}

/** The acting rep, who must be a manager; `action` completes "only managers may …". */
export async function requireManager(tx: DbOrTx, repId: string, action: string): Promise<{ id: string; email: string }> {
  const [rep] = await tx.select({ id: reps.id, email: reps.email, role: reps.role, disabledAt: reps.disabledAt }).from(reps).where(eq(reps.id, repId));
  if (!rep) throw new AppError('forbidden', `no rep ${repId}; only managers may ${action}`);
  if (rep.role !== 'manager') throw new AppError('forbidden', `${rep.email} is a rep; only managers may ${action}`);
  if (rep.disabledAt) throw new AppError('forbidden', `${rep.email} is disabled; only active managers may ${action}`);
  return { id: rep.id, email: rep.email };
}

export async function recordTransition(
  tx: DbOrTx,
  t: { workflow: Workflow; from: AutonomyLevel; to: AutonomyLevel; kind: AutonomyTransitionKind; reasons: string[]; evidence: AutonomyEvidence | StoredAutonomyEvidence | null; actor: string; proposalId?: string | null },
): Promise<number> {
  const [row] = await tx
    .insert(autonomyTransitions)
    .values({ workflow: t.workflow, fromLevel: t.from, toLevel: t.to, kind: t.kind, reasons: t.reasons, evidence: t.evidence, actor: t.actor, proposalId: t.proposalId ?? null })
    .returning({ id: autonomyTransitions.id });
  if (!row) throw new Error('autonomy_transitions insert returned no row');
  return row.id;
}

/** Why a proposal can no longer be decided: who decided it and when. */
export async function alreadyDecided(tx: DbOrTx, proposalId: string): Promise<AppError> {
  const [row] = await tx
    .select({ status: autonomyProposals.status, decidedAt: autonomyProposals.decidedAt, email: reps.email })
    .from(autonomyProposals)
    .leftJoin(reps, eq(reps.id, autonomyProposals.decidedBy))
    .where(eq(autonomyProposals.id, proposalId));
  const when = row?.decidedAt ? row.decidedAt.toISOString() : 'an unknown time';
  const who = row?.status === 'superseded' ? 'the policy (the evidence no longer supported it)' : (row?.email ?? 'an unknown rep');
  return new AppError('conflict', `autonomy proposal ${proposalId} was already ${row?.status ?? 'decided'} by ${who} at ${when}; nothing was changed`);
}
