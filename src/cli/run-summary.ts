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
    `  cost       $${s.costUsd.toFixed(4)}${budgetText(s)}${unitText(s)}`,
  ];
  if (s.deferral) {
    const d = s.deferral;
    const steps = [`${n(d.byStep.research)} before research`, `${n(d.byStep.prioritize)} before prioritization`, `${n(d.byStep.draft)} before drafting`];
    const finish = d.costToFinishUsd === null ? 'cost to finish unknown until each step has run once' : `about $${d.costToFinishUsd.toFixed(2)} more to finish`;
    lines.push(`  deferred   ${n(s.deferred)} accounts for budget (${steps.join(', ')}); ${finish}`);
    lines.push(`             finish with: bookrun runs resume ${s.runId} ${resumeFlag(s)}`);
  }
  if (s.failures.length) {
    lines.push('  failures:');
    for (const f of s.failures) lines.push(`    ${f.account} (${f.accountId}) at ${f.step ?? 'unknown step'}: ${f.error}`);
    if (s.failed > s.failures.length) lines.push(`    … and ${n(s.failed - s.failures.length)} more (bookrun runs show ${s.runId} --json)`);
  }
  return lines;
}

function budgetText(s: RunSummary): string {
  if (s.budget.limitUsd !== null) return ` (budget $${s.budget.limitUsd.toFixed(2)}, ${Math.round((s.budget.spentUsd / s.budget.limitUsd) * 100)}% spent)`;
  if (s.budget.limitTokens !== null) return ` (budget ${n(s.budget.spentTokens)} of ${n(s.budget.limitTokens)} tokens)`;
  return '';
}

function unitText(s: RunSummary): string {
  const u = s.unitCosts;
  const parts = [u.perAccountUsd === null ? '' : `$${u.perAccountUsd.toFixed(4)}/account`, u.perDraftUsd === null ? '' : `$${u.perDraftUsd.toFixed(4)}/draft`].filter(Boolean);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

/** A resume flag with room for what is left: the cap plus the estimated cost to finish, rounded up. */
function resumeFlag(s: RunSummary): string {
  const more = s.deferral?.costToFinishUsd ?? null;
  if (s.budget.limitUsd !== null) return `--budget-usd ${more === null ? '<more than ' + s.budget.limitUsd.toFixed(2) + '>' : Math.ceil((s.budget.spentUsd + more) * 1.1)}`;
  return `--budget-tokens <more than ${n(s.budget.limitTokens ?? 0)}>`;
}
