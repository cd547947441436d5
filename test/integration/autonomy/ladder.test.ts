/**
 * The stored autonomy ladder over real reviews: evaluate proposes once, a manager approves or
 * declines, `set` lowers but never raises without a proposal, rejections demote at spot_check, a
 * new skill version resets to gated, and a proposal the evidence stopped supporting is superseded.
 * Each describe has its own database (one workflow history each).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { autonomyLevels } from '../../../db/schema/index.ts';
import { approveProposal, autonomyStatus, declineProposal, evaluateWorkflows, getAutonomyLevels, listTransitions, setAutonomyLevel } from '../../../src/autonomy/index.ts';
import type { AppError } from '../../../src/errors.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';
import { auditOf, decide, draftWithNewVersion, POLICY, proposalsOf, transitionsOf } from './support.ts';

const evaluate = async (db: TestDb) => {
  const result = await evaluateWorkflows(db.db, { policy: POLICY });
  const of = (w: string) => {
    const found = result.workflows.find((e) => e.workflow === w);
    if (!found) throw new Error(`no ${w}`);
    return found;
  };
  return { result, research: of('research'), prioritization: of('prioritization'), drafting: of('drafting') };
};

const rejection = (code: AppError['code'], message: RegExp) => expect.objectContaining({ name: 'AppError', code, message: expect.stringMatching(message) as unknown });

describe('when reviews accumulate at gated', () => {
  let db: TestDb;
  let world: DraftedWorld;
  let managerEmail: string;
  let draftingProposal: string;
  beforeAll(async () => {
    db = await createTestDb();
    world = await seedDraftedItems(db.db, { count: 14, repCount: 2 });
    managerEmail = `manager-${world.book.bookId.slice(0, 8)}@example.test`;
  }, 60_000);
  afterAll(async () => db?.drop());

  it('holds below the sample size, then proposes once however often it is evaluated', async () => {
    await decide(db.db, world.items.slice(0, 5), 'accept');
    const early = await evaluate(db);
    expect(early.drafting).toMatchObject({ action: 'held', level: 'gated', proposalId: null });
    expect(await proposalsOf(db.db, 'drafting')).toHaveLength(0);

    await decide(db.db, world.items.slice(5, 12), 'accept');
    const first = await evaluate(db);
    expect(first.drafting).toMatchObject({ action: 'proposed', level: 'gated', decision: { kind: 'propose', from: 'gated', to: 'spot_check' } });
    draftingProposal = first.drafting.proposalId ?? '';
    const second = await evaluate(db);
    expect(second.drafting).toMatchObject({ action: 'already_proposed', proposalId: draftingProposal });
    const stored = await proposalsOf(db.db, 'drafting');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'pending', fromLevel: 'gated', toLevel: 'spot_check', evidence: { reviewed: 12, successes: 12, window: 30, incidents: 0 } });
    expect(await auditOf(db.db, 'autonomy_proposal.created', draftingProposal)).toHaveLength(1);

    const status = await autonomyStatus(db.db, { policy: POLICY });
    const drafting = status.workflows.find((w) => w.workflow === 'drafting');
    expect(drafting).toMatchObject({ level: 'gated', proposal: { id: draftingProposal, kind: 'propose', from: 'gated', to: 'spot_check' }, decision: { kind: 'propose' } });
  });

  it('refuses an approval by a rep who is not a manager, and changes nothing', async () => {
    const rep = world.items[0]?.ownerRepId ?? '';
    await expect(approveProposal(db.db, { proposalId: draftingProposal, managerRepId: rep })).rejects.toEqual(rejection('forbidden', /only managers may approve/));
    expect((await getAutonomyLevels(db.db)).drafting.level).toBe('gated');
  });

  it('lets a manager approve: level, transition and audit row, with the version it was granted for', async () => {
    const approved = await approveProposal(db.db, { proposalId: draftingProposal, managerRepId: world.managerId, note: 'numbers look right' });
    expect(approved).toMatchObject({ workflow: 'drafting', from: 'gated', to: 'spot_check', approvedBy: managerEmail });
    const levels = await getAutonomyLevels(db.db);
    expect(levels.drafting).toMatchObject({ level: 'spot_check', skillVersion: 'v1', model: 'm', setBy: managerEmail });
    expect(levels.research).toEqual({ level: 'gated', skillVersion: null, model: null, since: null, setBy: null });
    const [t] = await transitionsOf(db.db, 'drafting');
    expect(t).toMatchObject({ kind: 'promote', fromLevel: 'gated', toLevel: 'spot_check', actor: managerEmail, proposalId: draftingProposal, evidence: { reviewed: 12, successes: 12 } });
    const [audit] = await auditOf(db.db, 'autonomy_proposal.approved', draftingProposal);
    expect(audit).toMatchObject({ actor: managerEmail, data: { workflow: 'drafting', from: 'gated', to: 'spot_check', note: 'numbers look right' } });
  });

  it('answers a second approval with a conflict naming who decided and when', async () => {
    await expect(approveProposal(db.db, { proposalId: draftingProposal, managerRepId: world.managerId })).rejects.toEqual(rejection('conflict', new RegExp(`already approved by ${managerEmail} at \\d{4}-`)));
    expect(await transitionsOf(db.db, 'drafting')).toHaveLength(1);
  });

  it('declines with a reason, keeping the level; a reason is required and a decided proposal stays decided', async () => {
    const [research] = await proposalsOf(db.db, 'research');
    const id = research?.id ?? '';
    await expect(declineProposal(db.db, { proposalId: id, managerRepId: world.managerId, reason: '  ' })).rejects.toEqual(rejection('validation', /say why/));
    const declined = await declineProposal(db.db, { proposalId: id, managerRepId: world.managerId, reason: 'briefs need another week' });
    expect(declined).toMatchObject({ workflow: 'research', from: 'gated', to: 'spot_check', declinedBy: managerEmail });
    expect((await proposalsOf(db.db, 'research'))[0]).toMatchObject({ status: 'declined', decidedBy: world.managerId, decisionNote: 'briefs need another week' });
    expect((await getAutonomyLevels(db.db)).research.level).toBe('gated');
    expect(await auditOf(db.db, 'autonomy_proposal.declined', id)).toHaveLength(1);
    await expect(declineProposal(db.db, { proposalId: id, managerRepId: world.managerId, reason: 'again' })).rejects.toEqual(rejection('conflict', /already declined/));
  });

  it('set: refuses to raise without a proposal, raises to a pending proposal by approving it, lowers at will', async () => {
    await expect(setAutonomyLevel(db.db, { workflow: 'drafting', level: 'autonomous', managerRepId: world.managerId, reason: 'trust me' })).rejects.toEqual(
      rejection('precondition_failed', /cannot be raised from spot_check to autonomous by hand: autonomy is earned/),
    );
    await expect(setAutonomyLevel(db.db, { workflow: 'drafting', level: 'gated', managerRepId: world.items[0]?.ownerRepId ?? '', reason: 'x' })).rejects.toEqual(rejection('forbidden', /only managers may/));

    const [pending] = await proposalsOf(db.db, 'prioritization');
    const raised = await setAutonomyLevel(db.db, { workflow: 'prioritization', level: 'spot_check', managerRepId: world.managerId, reason: 'tiers are fine' });
    expect(raised).toMatchObject({ from: 'gated', to: 'spot_check', outcome: 'approved', proposalId: pending?.id });
    expect((await proposalsOf(db.db, 'prioritization'))[0]?.status).toBe('approved');
    expect((await transitionsOf(db.db, 'prioritization'))[0]).toMatchObject({ kind: 'promote', proposalId: pending?.id });

    const lowered = await setAutonomyLevel(db.db, { workflow: 'drafting', level: 'gated', managerRepId: world.managerId, reason: 'new market, review everything' });
    expect(lowered).toMatchObject({ from: 'spot_check', to: 'gated', outcome: 'lowered' });
    expect((await getAutonomyLevels(db.db)).drafting.level).toBe('gated');
    const history = await listTransitions(db.db, { workflow: 'drafting' });
    expect(history.map((t) => t.kind)).toEqual(['set', 'promote']);
    expect(history[0]).toMatchObject({ actor: managerEmail, evidence: null, reasons: [expect.stringContaining('new market')] });
    expect(await auditOf(db.db, 'autonomy_level.set', 'drafting')).toHaveLength(1);
    expect((await setAutonomyLevel(db.db, { workflow: 'drafting', level: 'gated', managerRepId: world.managerId, reason: 'again' })).outcome).toBe('unchanged');
  });
});

describe('when a spot-checked workflow gets a burst of rejections', () => {
  let db: TestDb;
  let world: DraftedWorld;
  beforeAll(async () => {
    db = await createTestDb();
    world = await seedDraftedItems(db.db, { count: 24, repCount: 2 });
    await decide(db.db, world.items.slice(0, 12), 'accept');
    const { drafting } = await evaluate(db);
    await approveProposal(db.db, { proposalId: drafting.proposalId ?? '', managerRepId: world.managerId });
  }, 60_000);
  afterAll(async () => db?.drop());

  it('demotes it on the next evaluation, as the policy, with the evidence', async () => {
    await decide(db.db, world.items.slice(12, 22), 'reject');
    const { drafting, research } = await evaluate(db);
    expect(drafting).toMatchObject({ action: 'demoted', level: 'gated', decision: { kind: 'demote', from: 'spot_check', to: 'gated' } });
    expect((await getAutonomyLevels(db.db)).drafting).toMatchObject({ level: 'gated', setBy: 'policy' });
    const transitions = await transitionsOf(db.db, 'drafting');
    expect(transitions.map((t) => t.kind)).toEqual(['promote', 'demote']);
    expect(transitions[1]).toMatchObject({ actor: 'policy', fromLevel: 'spot_check', toLevel: 'gated', evidence: { reviewed: 22, successes: 12, threshold: { minSample: 10, minLowerBound: 0.7 } } });
    expect(await auditOf(db.db, 'autonomy_level.demoted', 'drafting')).toEqual([expect.objectContaining({ actor: 'policy' })]);
    // The briefs were not at fault: research's proposal is still the pending one.
    expect(research.action).toBe('already_proposed');
  });
});

describe('when newer artifacts come from another skill version', () => {
  let db: TestDb;
  let world: DraftedWorld;
  beforeAll(async () => {
    db = await createTestDb();
    world = await seedDraftedItems(db.db, { count: 12, repCount: 1 });
    await decide(db.db, world.items, 'accept');
    const { drafting } = await evaluate(db);
    await approveProposal(db.db, { proposalId: drafting.proposalId ?? '', managerRepId: world.managerId });
  }, 60_000);
  afterAll(async () => db?.drop());

  it('keeps the level while the version is the one it was granted for', async () => {
    expect((await evaluate(db)).drafting).toMatchObject({ action: 'held', level: 'spot_check' });
  });

  it('resets to gated, records the new version, and does not re-propose on the old evidence', async () => {
    await draftWithNewVersion(db.db, world.book.bookId, world.book.accountIds.slice(0, 3), 'v2');
    const { drafting } = await evaluate(db);
    expect(drafting).toMatchObject({ action: 'reset', level: 'gated', decision: { kind: 'reset', from: 'spot_check', to: 'gated' } });
    expect(drafting.decision.reasons[0]).toMatch(/new skill version or model/);
    const [row] = await db.db.select().from(autonomyLevels).where(eq(autonomyLevels.workflow, 'drafting'));
    expect(row).toMatchObject({ level: 'gated', skillVersion: 'v2', setBy: 'policy' });
    expect((await transitionsOf(db.db, 'drafting')).at(-1)).toMatchObject({ kind: 'reset', actor: 'policy' });

    const next = await evaluate(db);
    expect(next.drafting).toMatchObject({ action: 'held', level: 'gated', proposalId: null, stats: { reviewed: 0 } });
  });
});

describe('when the evidence stops supporting a pending proposal', () => {
  let db: TestDb;
  let world: DraftedWorld;
  beforeAll(async () => {
    db = await createTestDb();
    world = await seedDraftedItems(db.db, { count: 20, repCount: 2 });
  }, 60_000);
  afterAll(async () => db?.drop());

  it('marks it superseded, so it can no longer be approved', async () => {
    await decide(db.db, world.items.slice(0, 10), 'accept');
    const { drafting } = await evaluate(db);
    const id = drafting.proposalId ?? '';
    expect(drafting.action).toBe('proposed');

    await decide(db.db, world.items.slice(10, 20), 'reject');
    const later = await evaluate(db);
    expect(later.drafting).toMatchObject({ action: 'held', supersededProposalId: id, proposalId: null });
    expect((await proposalsOf(db.db, 'drafting'))[0]).toMatchObject({ status: 'superseded', decidedBy: null });
    expect(await auditOf(db.db, 'autonomy_proposal.superseded', id)).toEqual([expect.objectContaining({ actor: 'policy' })]);
    await expect(approveProposal(db.db, { proposalId: id, managerRepId: world.managerId })).rejects.toEqual(rejection('conflict', /already superseded by the policy/));
    expect((await getAutonomyLevels(db.db)).drafting.level).toBe('gated');
  });
});

describe('when two evaluations and two approvals race', () => {
  let db: TestDb;
  let world: DraftedWorld;
  beforeAll(async () => {
    db = await createTestDb();
    world = await seedDraftedItems(db.db, { count: 10, repCount: 1 });
    await decide(db.db, world.items, 'accept');
  }, 60_000);
  afterAll(async () => db?.drop());

  it('files one proposal and promotes once', async () => {
    const runs = await Promise.all([evaluate(db), evaluate(db), evaluate(db)]);
    expect(runs.map((r) => r.drafting.action).sort()).toEqual(['already_proposed', 'already_proposed', 'proposed']);
    const proposals = await proposalsOf(db.db, 'drafting');
    expect(proposals).toHaveLength(1);
    const id = proposals[0]?.id ?? '';
    const settled = await Promise.allSettled([
      approveProposal(db.db, { proposalId: id, managerRepId: world.managerId }),
      approveProposal(db.db, { proposalId: id, managerRepId: world.managerId }),
    ]);
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await transitionsOf(db.db, 'drafting')).toHaveLength(1);
  });
});
