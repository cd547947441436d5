/**
 * `bookrun autonomy status` — per workflow: the level, what the reviews in the policy's window say
 * (accept rates, edits, rejections by reason, the Wilson lower bound) and what the evidence
 * supports next, with its numbers.
 */
import type { Command } from 'commander';
import { checkDatabase, createDb } from '../../db/client.ts';
import { autonomyStatus, type WorkflowStatus } from '../autonomy/autonomy-status.ts';
import type { StatsKeyField, WorkflowStats } from '../autonomy/types.ts';
import { loadConfig } from '../config.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit.ts';
import { prose } from './prose.ts';
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
    `  ${w.decision.kind === 'propose' ? `PROPOSAL: ${w.decision.from} → ${w.decision.to}` : w.decision.kind === 'hold' ? 'holds' : `${w.decision.kind}: ${w.decision.from} → ${w.decision.to}`}: ${w.decision.reasons.join('; ')}`,
    ...(w.groups ?? []).map((g) => `    ${Object.values(g.key).map((v) => v ?? '–').join(' / ')}: ${g.stats.reviewed} reviewed, accepted ${pct(g.stats.successRate)}, lower bound ${bound(g.stats.lowerBound)}`),
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
}
