/** The human-readable run summary (the `--json` form is the RunSummary object itself). */
import type { RunSummary } from '../run/summary.ts';

const n = (v: number) => v.toLocaleString('en-US');

export function formatRunSummary(s: RunSummary): string[] {
  const lines = [
    `run ${s.runId} on book "${s.book}": ${s.status} in ${s.seconds}s`,
    `  accounts   ${n(s.accounts)}: ${n(s.completed)} done, ${n(s.failed)} failed, ${n(s.deferred)} deferred${s.pending ? `, ${n(s.pending)} unfinished` : ''}`,
    `  tiers      A ${n(s.tiers.A)} · B ${n(s.tiers.B)} · C ${n(s.tiers.C)} · D ${n(s.tiers.D)}`,
    `  drafts     ${n(s.drafts)}`,
    `  review     ${n(s.reviewItems.drafted + s.reviewItems.sampled)} items (${n(s.reviewItems.drafted)} drafted, ${n(s.reviewItems.sampled)} sampled briefs/tiers)`,
    `  llm calls  ${n(s.llmCalls)}${s.failedCalls ? ` (${n(s.failedCalls)} failed and retried)` : ''}`,
    `  tokens     input ${n(s.tokens.input)} · output ${n(s.tokens.output)} · cache read ${n(s.tokens.cacheRead)} · cache write ${n(s.tokens.cacheWrite)}`,
    `  cost       $${s.costUsd.toFixed(4)}${s.budget.limitTokens ? ` (budget ${n(s.budget.spentTokens)} of ${n(s.budget.limitTokens)} tokens)` : ''}`,
  ];
  if (s.failures.length) {
    lines.push('  failures:');
    for (const f of s.failures) lines.push(`    ${f.account} (${f.accountId}) at ${f.step ?? 'unknown step'}: ${f.error}`);
    if (s.failed > s.failures.length) lines.push(`    … and ${n(s.failed - s.failures.length)} more (bookrun runs show ${s.runId} --json)`);
  }
  return lines;
}
