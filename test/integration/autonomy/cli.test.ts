/**
 * `bookrun autonomy evaluate | approve | decline | set | history` end to end: JSON output, the
 * proposal id a manager copies from the human output, and exit codes (2 for bad usage, 1 for an
 * unknown email, a rep acting as a manager, a refused raise or a second approval).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';
import { decide, POLICY_ENV } from './support.ts';

let db: TestDb;
let world: DraftedWorld;
let env: Record<string, string>;
let managerEmail: string;
let repEmail: string;

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 12, repCount: 1 });
  await decide(db.db, world.items, 'accept');
  env = { DATABASE_URL: db.url, BOOKRUN_AUTONOMY_POLICY: POLICY_ENV };
  managerEmail = `manager-${world.book.bookId.slice(0, 8)}@example.test`;
  const [rep] = await db.sql<Array<{ email: string }>>`select email from reps where id = ${world.items[0]?.ownerRepId ?? ''}`;
  repEmail = rep?.email ?? '';
}, 60_000);
afterAll(async () => db?.drop());

type Evaluated = { workflows: Array<{ workflow: string; action: string; proposalId: string | null; level: string }> };

describe('when a manager works through the proposals', () => {
  let proposalId: string;

  it('evaluate --json files one proposal per workflow and prints its id', async () => {
    const cli = await runCli(['autonomy', 'evaluate', '--json'], env);
    expect(cli.code).toBe(0);
    const out = JSON.parse(cli.stdout[0] ?? '{}') as Evaluated;
    expect(out.workflows.map((w) => [w.workflow, w.action])).toEqual([
      ['research', 'proposed'],
      ['prioritization', 'proposed'],
      ['drafting', 'proposed'],
    ]);
    proposalId = out.workflows[2]?.proposalId ?? '';
    const human = await runCli(['autonomy', 'evaluate'], env);
    expect(human.code).toBe(0);
    expect(human.stdout.join('\n')).toContain(`proposal ${proposalId}`);
    expect(human.stdout.join('\n')).toContain(`bookrun autonomy approve ${proposalId} --by EMAIL`);
    const status = await runCli(['autonomy', 'status', '--json'], env);
    const drafting = (JSON.parse(status.stdout[0] ?? '{}') as { workflows: Array<{ workflow: string; proposal: { id: string } | null }> }).workflows[2];
    expect(drafting?.proposal?.id).toBe(proposalId);
  });

  it('refuses bad usage with exit 2, an unknown email and a plain rep with exit 1', async () => {
    expect((await runCli(['autonomy', 'approve', 'not-a-uuid', '--by', managerEmail], env)).code).toBe(2);
    expect((await runCli(['autonomy', 'approve', proposalId], env)).code).toBe(2);
    expect((await runCli(['autonomy', 'set', 'drafting', 'turbo', '--by', managerEmail, '--reason', 'x'], env)).code).toBe(2);
    expect((await runCli(['autonomy', 'history', '--workflow', 'sales'], env)).code).toBe(2);

    const unknown = await runCli(['autonomy', 'approve', proposalId, '--by', 'nobody@example.test'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.join('\n')).toMatch(/no rep with email nobody@example.test/);
    const rep = await runCli(['autonomy', 'approve', proposalId, '--by', repEmail], env);
    expect(rep.code).toBe(1);
    expect(rep.stderr.join('\n')).toMatch(/only managers may approve/);
  });

  it('approve --json raises the level; a second approval exits 1 with who decided', async () => {
    const cli = await runCli(['autonomy', 'approve', proposalId, '--by', managerEmail, '--note', 'ok', '--json'], env);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout[0] ?? '{}')).toMatchObject({ proposalId, workflow: 'drafting', from: 'gated', to: 'spot_check', approvedBy: managerEmail });
    const again = await runCli(['autonomy', 'approve', proposalId, '--by', managerEmail], env);
    expect(again.code).toBe(1);
    expect(again.stderr.join('\n')).toMatch(new RegExp(`already approved by ${managerEmail}`));
  });

  it('decline needs a reason; set refuses to switch autonomy on but lowers; history lists it all', async () => {
    const status = JSON.parse((await runCli(['autonomy', 'status', '--json'], env)).stdout[0] ?? '{}') as { workflows: Array<{ proposal: { id: string } | null }> };
    const researchProposal = status.workflows[0]?.proposal?.id ?? '';
    expect((await runCli(['autonomy', 'decline', researchProposal, '--by', managerEmail], env)).code).toBe(2);
    const declined = await runCli(['autonomy', 'decline', researchProposal, '--by', managerEmail, '--reason', 'not yet', '--json'], env);
    expect(declined.code).toBe(0);
    expect(JSON.parse(declined.stdout[0] ?? '{}')).toMatchObject({ workflow: 'research', declinedBy: managerEmail });

    const raise = await runCli(['autonomy', 'set', 'drafting', 'autonomous', '--by', managerEmail, '--reason', 'trust me'], env);
    expect(raise.code).toBe(1);
    expect(raise.stderr.join('\n')).toMatch(/autonomy is earned from reviews, never switched on/);
    const lower = await runCli(['autonomy', 'set', 'drafting', 'gated', '--by', managerEmail, '--reason', 'audit month', '--json'], env);
    expect(lower.code).toBe(0);
    expect(JSON.parse(lower.stdout[0] ?? '{}')).toMatchObject({ workflow: 'drafting', from: 'spot_check', to: 'gated', outcome: 'lowered' });

    const history = await runCli(['autonomy', 'history', '--workflow', 'drafting', '--json'], env);
    expect(history.code).toBe(0);
    const { transitions } = JSON.parse(history.stdout[0] ?? '{}') as { transitions: Array<{ kind: string; actor: string }> };
    expect(transitions.map((t) => [t.kind, t.actor])).toEqual([
      ['set', managerEmail],
      ['promote', managerEmail],
    ]);
    const human = await runCli(['autonomy', 'history'], env);
    expect(human.code).toBe(0);
    expect(human.stdout.join('\n')).toMatch(/drafting\s+set\s+spot_check → gated\s+by /);
  });
});
