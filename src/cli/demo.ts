/**
 * `bookrun demo` — runs the LLM layer end to end on built-in sample accounts, offline by default.
 * (The full nightly book run replaces this tour when the pipeline lands.)
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { runLlmTour, type TourSummary } from '../demo/llm-tour.ts';
import { clientFor, connectLlm, describeEndpoint } from '../llm/connect.ts';
import type { CliContext } from './context.ts';

export function configureDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('run the demo on built-in sample accounts (offline unless ANTHROPIC_API_KEY is set)')
    .description(
      [
        'Researches (through a CRM tool loop), scores and drafts outreach for five sample accounts with',
        'structured output, then sends the drafts again as one message batch, and prints tiers, tokens',
        'and cost. Without ANTHROPIC_API_KEY it starts the offline stand-in in-process.',
      ].join('\n'),
    )
    .option('--json', 'print one JSON object on stdout instead of the table')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const endpoint = await connectLlm(config);
      ctx.stderr(`bookrun demo: model calls go to ${describeEndpoint(endpoint)}`);
      try {
        const summary = await runLlmTour(clientFor(config, endpoint), { progress: ctx.stderr });
        if (flags.json) ctx.stdout(JSON.stringify(summary));
        else printSummary(summary, ctx.stdout);
      } finally {
        await endpoint.close();
      }
    });
}

function printSummary(s: TourSummary, out: (line: string) => void): void {
  out('');
  out(`${'account'.padEnd(22)} ${'tier'.padEnd(4)} ${'score'.padStart(5)}  ${'to'.padEnd(36)} subject`);
  for (const r of s.results) {
    out(`${r.name.padEnd(22)} ${r.tier.padEnd(4)} ${String(r.score).padStart(5)}  ${r.to.padEnd(36)} ${r.subject}`);
    for (const problem of r.checks) out(`  ! ${problem}`);
  }
  out('');
  out(`accounts ${s.accounts} · tiers A ${s.tiers.A} / B ${s.tiers.B} / C ${s.tiers.C} / D ${s.tiers.D} · ${s.llmCalls} model calls in ${s.seconds.toFixed(2)} s`);
  out(`tokens: input ${s.tokens.input} · output ${s.tokens.output} · cache read ${s.tokens.cacheRead} · cache write ${s.tokens.cacheWrite} · cost $${s.costUsd.toFixed(4)}`);
  out(`batch ${s.batch.id}: ${s.batch.succeeded} drafts for $${s.batch.costUsd.toFixed(4)} (the same drafts in realtime: $${s.batch.realtimeCostUsd.toFixed(4)})`);
  const failing = s.results.filter((r) => r.checks.length > 0).length;
  out(failing === 0 ? 'draft checks: every draft goes to an allowed contact, cites only known facts, avoids listed topics' : `draft checks: ${failing} draft(s) failed, see "!" lines`);
}
