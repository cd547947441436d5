/**
 * The score (and so the tier) an account is likely to get, from its data alone: the additive
 * terms of the prioritization skill's rubric (skills/prioritization/references/rubric.md),
 * without its judgement adjustment of at most ±10. The run's pre-score (src/run/pre-score.ts) orders accounts
 * but is on another scale: on a generated 200-account book its bands put 7% of the accounts in
 * tiers A–B where the model put 66%, so it cannot tell how many accounts will be drafted.
 *
 * Keep the terms in step with rubric.md, as src/agents/prioritize.ts does with the bands; a drift
 * only affects forecasts without history (a past run's tiers replace this guess).
 */
import type { AccountContext, CandidateFact } from '../agents/types.ts';

const LATE_STAGE = /proposal|negotiat|contract|verbal|commit|closing/i;
const EARLY_STAGE = /discover|qualif|evaluat|demo|trial|pilot|proof of concept|\bpoc\b/i;
// Checked first: "disqualified" also contains "qualif".
const LOST_STAGE = /lost|churn|disqualif/i;

/** The rubric's score without judgement: base 40 and every term the account's data settles. */
export function rubricScore(ctx: AccountContext, facts: readonly CandidateFact[]): number {
  const { account, contacts } = ctx;
  let score = 40;
  // Signals that survived the candidate-fact filters (current, not instruction-like), once each.
  const signals = new Set(facts.filter((f) => f.key.startsWith('signal:')).map((f) => f.key)).size;
  score += Math.min(30, 10 * signals);
  const arr = account.arrUsd;
  if (arr !== null) score += arr >= 1_000_000 ? 15 : arr >= 250_000 ? 10 : arr >= 50_000 ? 5 : 0;
  const stage = account.stage ?? '';
  if (LOST_STAGE.test(stage)) score -= 20;
  else if (LATE_STAGE.test(stage)) score += 10;
  else if (EARLY_STAGE.test(stage)) score += 5;
  if (contacts.some((c) => !c.doNotContact)) score += 5;
  else if (contacts.length > 0) score -= 10;
  if ((account.employees ?? 0) >= 1_000) score += 5;
  return Math.max(0, Math.min(100, score));
}
