/**
 * `bookrun autonomy status | evaluate | approve | decline | set | history` — per workflow: the
 * level, what the reviews in the policy's window say (accept rates, edits, rejections by reason,
 * the Wilson lower bound) and what the evidence supports next, with its numbers; the nightly
 * evaluation that demotes, resets and proposes; and a manager's approval, decline or lowering.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { checkDatabase, createDb } from '../../db/client.ts';
import {
  AUTONOMY_LEVELS,
  approveProposal,
  autonomyStatus,
  declineProposal,
  evaluateWorkflows,
  findRepByEmail,
  listTransitions,
  setAutonomyLevel,
  type AutonomyLevel,
  type StatsKeyField,
  type WorkflowEvaluation,
  type WorkflowStats,
  type WorkflowStatus,
} from '../autonomy/index.ts';
import { loadConfig } from '../config.ts';
import { WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit.ts';
import { prose } from './prose.ts';
import { withDb } from './with-db.ts';
import { positiveInt } from './run.ts';

const BY: Record<string, StatsKeyField> = { 'skill-version': 'skillVersion', model: 'model', rep: 'repId', skill: 'skillName' };

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const bound = (v: number | null) => (v === null ? '–' : v.toFixed(3));

function statsLine(s: WorkflowStats): string {
  const reasons = Object.entries(s.rejectByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    `as-is ${pct(s.acceptRate)}`,
    `light edits ${pct(s.acceptWithEditsRate)}`,
    `heavy edits ${s.heavyEdits}`,
    `rejected ${pct(s.rejectRate)}${reasons ? ` (${reasons})` : ''}`,
    s.meanEditRatio === null ? null : `mean edit ${(s.meanEditRatio * 100).toFixed(0)}% (${s.meanEditDistance?.toFixed(0)} chars)`,
    s.medianTimeToReviewMs === null ? null : `median time to review ${(s.medianTimeToReviewMs / 1000).toFixed(0)} s`,
  ]
    .filter(Boolean)
    .join(' · ');
}

function humanLines(w: WorkflowStatus): string[] {
  return [
    `${w.workflow.padEnd(15)} ${w.level.padEnd(11)} ${String(w.reviewed).padStart(6)} reviewed   accepted ${pct(w.stats.successRate).padStart(6)}   lower bound ${bound(w.lowerBound)}`,
    `  ${statsLine(w.stats)}`,
    `  ${w.decision.kind === 'propose' ? `supports: ${w.decision.from} → ${w.decision.to}` : w.decision.kind === 'hold' ? 'holds' : `${w.decision.kind}: ${w.decision.from} → ${w.decision.to}`}: ${w.decision.reasons.join('; ')}`,
    ...(w.proposal ? [`  PENDING PROPOSAL ${w.proposal.id}: ${w.proposal.from} → ${w.proposal.to}`, approveHint(w.proposal.id)] : []),
    ...(w.groups ?? []).map((g) => `    ${Object.values(g.key).map((v) => v ?? '–').join(' / ')}: ${g.stats.reviewed} reviewed, accepted ${pct(g.stats.successRate)}, lower bound ${bound(g.stats.lowerBound)}`),
  ];
}

const approveHint = (id: string) => `    approve: bookrun autonomy approve ${id} --by EMAIL   decline: bookrun autonomy decline ${id} --by EMAIL --reason TEXT`;

function proposalIdArg(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new UsageError(`PROPOSAL_ID must be a proposal id (a UUID, as autonomy status or evaluate print it), not "${id}"`);
  return id;
}

function workflowArg(value: string): Workflow {
  const parsed = z.enum(WORKFLOWS).safeParse(value);
  if (!parsed.success) throw new UsageError(`WORKFLOW must be ${WORKFLOWS.join(', ')}; not "${value}"`);
  return parsed.data;
}

function levelArg(value: string): AutonomyLevel {
  const parsed = z.enum(AUTONOMY_LEVELS).safeParse(value);
  if (!parsed.success) throw new UsageError(`LEVEL must be ${AUTONOMY_LEVELS.join(', ')}; not "${value}"`);
  return parsed.data;
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !value.trim()) throw new UsageError(`${flag} is empty`);
  return value;
}

function evaluationLine(e: WorkflowEvaluation): string[] {
  const { decision } = e;
  const head = `${e.workflow.padEnd(15)} ${e.level.padEnd(11)} ${String(e.stats.reviewed).padStart(6)} reviewed   lower bound ${bound(e.stats.lowerBound)}`;
  const what: Record<WorkflowEvaluation['action'], string> = {
    held: 'holds',
    proposed: `PROPOSED ${decision.from} → ${decision.to} (proposal ${e.proposalId ?? ''})`,
    already_proposed: `still pending: ${decision.from} → ${decision.to} (proposal ${e.proposalId ?? ''})`,
    demoted: `DEMOTED ${decision.from} → ${decision.to}`,
    reset: `RESET ${decision.from} → ${decision.to}`,
  };
  return [
    head,
    `  ${what[e.action]}: ${decision.reasons.join('; ')}`,
    ...(e.proposalId ? [approveHint(e.proposalId)] : []),
    ...(e.supersededProposalId ? [`  superseded proposal ${e.supersededProposalId}: the evidence no longer supports it`] : []),
  ];
}

export function configureAutonomyCommand(program: Command, ctx: CliContext): void {
  const autonomy = program
    .command('autonomy')
    .summary('per-workflow accept rates, lower bounds and the autonomy they earn')
    .description(
      prose([
        'bookrun earns autonomy per workflow (research, prioritization, drafting) from measured review outcomes, never by a switch.',
        'A workflow climbs gated → spot_check → autonomous one level at a time, when enough reviews in the window (BOOKRUN_AUTONOMY_POLICY windowDays, 30 by default) give a Wilson 95% lower bound of the accept rate at or above the next level’s bar; heavy edits (over heavyEditRatio, 30% by default) count against acceptance.',
        'Promotions are proposed with their evidence for a manager to approve; demotions are automatic.',
      ]),
    );
  autonomy
    .command('status')
    .summary('each workflow: level, accept rates, lower bound, and the proposal the evidence supports')
    .option('--by <fields>', 'also split the stats by skill-version, model, rep or skill (comma-separated)')
    .option('--window-days <n>', 'evidence window in days (default from the policy: 30)', positiveInt)
    .option('--json', 'print one JSON object on stdout: {window, workflows: [{workflow, level, reviewed, acceptRate, lowerBound, proposal, decision, stats}]}')
    .action(async (flags: { by?: string; windowDays?: number; json?: boolean }) => {
      const by = (flags.by ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
        .map((f) => {
          const field = BY[f];
          if (!field) throw new UsageError(`--by takes ${Object.keys(BY).join(', ')}; not "${f}"`);
          return field;
        });
      const config = loadConfig();
      const policy = flags.windowDays ? { ...config.autonomy, windowDays: flags.windowDays } : config.autonomy;
      const handle = createDb(config.databaseUrl, { max: 2 });
      try {
        await checkDatabase(handle, config.databaseUrl);
        const status = await autonomyStatus(handle.db, { policy, by });
        if (flags.json) return ctx.stdout(JSON.stringify(status));
        ctx.stdout(`reviews decided in the last ${status.window.days} days (since ${status.window.since.slice(0, 16).replace('T', ' ')} UTC):`);
        ctx.stdout(`${'workflow'.padEnd(15)} ${'level'.padEnd(11)} ${'count'.padStart(6)}`);
        for (const w of status.workflows) for (const line of humanLines(w)) ctx.stdout(line);
      } finally {
        await handle.close();
      }
    });
  autonomy
    .command('evaluate')
    .summary('apply demotions and resets, and propose promotions for a manager (run nightly)')
    .description(
      prose([
        'Judges each workflow at its stored level on the reviews in the window (only those of the skill version and model it runs now).',
        'Demotions and resets (a new skill version or model: back to gated) are applied at once and recorded with their evidence; a promotion the evidence supports becomes a pending proposal for a manager — once: evaluating again does not file it twice.',
        'A pending proposal the evidence no longer supports is superseded.',
      ]),
    )
    .option('--window-days <n>', 'evidence window in days (default from the policy: 30)', positiveInt)
    .option('--json', 'print one JSON object on stdout: {window, workflows: [{workflow, action, level, proposalId, supersededProposalId, transitionId, decision, stats}]}')
    .action(async (flags: { windowDays?: number; json?: boolean }) => {
      const result = await withDb((db, config) => evaluateWorkflows(db, { policy: flags.windowDays ? { ...config.autonomy, windowDays: flags.windowDays } : config.autonomy }));
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(`reviews decided in the last ${result.window.days} days:`);
      for (const e of result.workflows) for (const line of evaluationLine(e)) ctx.stdout(line);
    });
  autonomy
    .command('approve')
    .summary('approve a pending promotion (managers only)')
    .description(prose(['Raises the workflow one level, as the proposal says, if it is still pending and the workflow still at its starting level; recorded with the evidence and your email.']))
    .argument('<PROPOSAL_ID>', 'the proposal id that autonomy status or evaluate printed')
    .requiredOption('--by <email>', 'your email: you must be a manager (bookrun reps add --role manager)')
    .option('--note <text>', 'why you approve (kept with the transition)')
    .option('--json', 'print one JSON object on stdout: {proposalId, workflow, from, to, approvedBy, transitionId}')
    .action(async (id: string, flags: { by: string; note?: string; json?: boolean }) => {
      const proposalId = proposalIdArg(id);
      const note = nonEmpty('--note', flags.note);
      const result = await withDb(async (db) => {
        const rep = await findRepByEmail(db, flags.by);
        return approveProposal(db, { proposalId, managerRepId: rep.id, ...(note ? { note } : {}) });
      });
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(`approved: ${result.workflow} is now ${result.to} (was ${result.from}), approved by ${result.approvedBy}`);
    });
  autonomy
    .command('decline')
    .summary('decline a pending promotion, saying why (managers only)')
    .argument('<PROPOSAL_ID>', 'the proposal id that autonomy status or evaluate printed')
    .requiredOption('--by <email>', 'your email: you must be a manager')
    .requiredOption('--reason <text>', 'why the workflow should not move up yet')
    .option('--json', 'print one JSON object on stdout: {proposalId, workflow, from, to, declinedBy}')
    .action(async (id: string, flags: { by: string; reason: string; json?: boolean }) => {
      const proposalId = proposalIdArg(id);
      const reason = nonEmpty('--reason', flags.reason) ?? '';
      const result = await withDb(async (db) => {
        const rep = await findRepByEmail(db, flags.by);
        return declineProposal(db, { proposalId, managerRepId: rep.id, reason });
      });
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(`declined: ${result.workflow} stays ${result.from} (proposal ${result.proposalId} to ${result.to}), declined by ${result.declinedBy}`);
    });
  autonomy
    .command('set')
    .summary('lower a workflow’s level, or raise it to the target of its pending proposal (managers only)')
    .description(
      prose([
        'Lowering is always allowed: more review is never unsafe.',
        'Raising is allowed only to the level a pending proposal asks for, and then approves that proposal: autonomy is earned from reviews, never switched on.',
      ]),
    )
    .argument('<WORKFLOW>', WORKFLOWS.join(' | '))
    .argument('<LEVEL>', AUTONOMY_LEVELS.join(' | '))
    .requiredOption('--by <email>', 'your email: you must be a manager')
    .requiredOption('--reason <text>', 'why (kept with the transition and in the audit log)')
    .option('--json', 'print one JSON object on stdout: {workflow, from, to, outcome, proposalId, transitionId}')
    .action(async (w: string, l: string, flags: { by: string; reason: string; json?: boolean }) => {
      const workflow = workflowArg(w);
      const level = levelArg(l);
      const reason = nonEmpty('--reason', flags.reason) ?? '';
      const result = await withDb(async (db) => {
        const rep = await findRepByEmail(db, flags.by);
        return setAutonomyLevel(db, { workflow, level, managerRepId: rep.id, reason });
      });
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      if (result.outcome === 'unchanged') return ctx.stdout(`${workflow} already is ${level}; nothing changed`);
      ctx.stdout(`${workflow}: ${result.from} → ${result.to}${result.outcome === 'approved' ? ` (approved proposal ${result.proposalId ?? ''})` : ''}`);
    });
  autonomy
    .command('history')
    .summary('every change of level: promotions, demotions, resets, manual changes, newest first')
    .option('--workflow <workflow>', `only this workflow (${WORKFLOWS.join(', ')})`)
    .option('--limit <n>', 'at most this many (default 50)', positiveInt)
    .option('--json', 'print one JSON object on stdout: {transitions: [{id, workflow, from, to, kind, reasons, evidence, actor, proposalId, at}]}')
    .action(async (flags: { workflow?: string; limit?: number; json?: boolean }) => {
      const workflow = flags.workflow === undefined ? undefined : workflowArg(flags.workflow);
      const transitions = await withDb((db) => listTransitions(db, { ...(workflow ? { workflow } : {}), limit: flags.limit ?? 50 }));
      if (flags.json) return ctx.stdout(JSON.stringify({ transitions }));
      if (transitions.length === 0) return ctx.stdout('no autonomy changes yet: every workflow is gated until a manager approves a proposal');
      for (const t of transitions) {
        ctx.stdout(`${t.at.toISOString().slice(0, 16).replace('T', ' ')}  ${t.workflow.padEnd(15)} ${t.kind.padEnd(8)} ${t.from} → ${t.to}  by ${t.actor}`);
        ctx.stdout(`  ${t.reasons.join('; ')}`);
      }
    });
}
