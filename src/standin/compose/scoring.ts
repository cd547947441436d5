/**
 * The stand-in's priority score: a transparent formula over the facts, so a rationale can name
 * exactly what the score rests on and tests can predict it.
 *
 *   base 40; +10 per usable buying signal (max +30); ARR ≥ $1M +15, ≥ $250k +10, ≥ $50k +5;
 *   late stage +10, early/active stage +5, lost/churned −20; a reachable contact +5, contacts that
 *   are all do-not-contact −10; 1,000+ employees +5; clamped to 0–100.
 *   Tier: A ≥ 75, B ≥ 55, C ≥ 35, else D.
 * A score or tier already stated in the prompt wins (a stated tier pulls the score into its band).
 */
import type { Facts } from './facts.ts';
import { formatMoney } from './text-util.ts';

/** A–D. */
export type Tier = 'A' | 'B' | 'C' | 'D';

/** Score, tier and what they rest on. */
export type Assessment = {
  score: number;
  tier: Tier;
  /** Human-readable terms of the formula that applied, e.g. "stage Negotiation (+10)". */
  reasons: string[];
  /** 0–1, grows with the number of known facts. */
  confidence: number;
  level: 'low' | 'medium' | 'high';
};

const BANDS: Record<Tier, [number, number]> = { A: [75, 100], B: [55, 74], C: [35, 54], D: [0, 34] };

/** Tier for a 0–100 score. */
function tierFor(score: number): Tier {
  return score >= 75 ? 'A' : score >= 55 ? 'B' : score >= 35 ? 'C' : 'D';
}

/** Scores the account from its (already filtered) facts; `override` comes from obedient directives. */
export function assess(facts: Facts, signals: readonly string[], override: { tier?: Tier; score?: number } = {}): Assessment {
  const reasons: string[] = [];
  let score = 40;
  const signalPoints = Math.min(30, 10 * signals.length);
  if (signalPoints > 0) {
    score += signalPoints;
    reasons.push(`${signals.length} buying signal${signals.length === 1 ? '' : 's'} (+${signalPoints})`);
  }
  if (facts.arr !== undefined) {
    const points = facts.arr >= 1_000_000 ? 15 : facts.arr >= 250_000 ? 10 : facts.arr >= 50_000 ? 5 : 0;
    score += points;
    reasons.push(`ARR ${facts.arrText ?? formatMoney(facts.arr)} (+${points})`);
  }
  const stagePoints = stageBonus(facts.stage);
  if (facts.stage !== undefined) {
    score += stagePoints;
    reasons.push(`stage ${facts.stage} (${stagePoints >= 0 ? '+' : ''}${stagePoints})`);
  }
  if (facts.contacts.some((c) => !c.doNotContact)) {
    score += 5;
    reasons.push('a reachable contact (+5)');
  } else if (facts.contacts.length > 0) {
    score -= 10;
    reasons.push('every known contact is do-not-contact (-10)');
  }
  if ((facts.employees ?? 0) >= 1000) {
    score += 5;
    reasons.push(`${facts.employees} employees (+5)`);
  }
  score = Math.max(0, Math.min(100, score));
  let tier = tierFor(score);

  const statedScore = facts.score === undefined ? undefined : facts.score <= 1 ? Math.round(facts.score * 100) : Math.min(100, Math.round(facts.score));
  if (statedScore !== undefined) {
    score = statedScore;
    tier = tierFor(score);
    reasons.unshift(`the score of ${statedScore} stated in the prompt`);
  }
  if (facts.tier !== undefined) {
    tier = facts.tier;
    const [lo, hi] = BANDS[tier];
    score = Math.max(lo, Math.min(hi, score));
    reasons.unshift(`the tier ${tier} stated in the prompt`);
  }
  if (override.score !== undefined) score = Math.max(0, Math.min(100, override.score));
  if (override.tier !== undefined) tier = override.tier;
  else if (override.score !== undefined) tier = tierFor(score);

  const known = [facts.industry, facts.stage, facts.arr, facts.employees, facts.region, facts.website].filter((v) => v !== undefined).length;
  const evidence = known + Math.min(5, signals.length) + Math.min(5, facts.facts.length) + (facts.contacts.length > 0 ? 1 : 0);
  const confidence = Math.min(0.95, Math.round((0.3 + 0.05 * evidence) * 100) / 100);
  const level = confidence < 0.5 ? 'low' : confidence < 0.75 ? 'medium' : 'high';
  return { score, tier, reasons, confidence, level };
}

function stageBonus(stage: string | undefined): number {
  if (stage === undefined) return 0;
  const s = stage.toLowerCase();
  if (/lost|churn|disqualif|dead|unqualified/.test(s)) return -20;
  if (/negotiat|proposal|commit|contract|verbal|closing/.test(s)) return 10;
  if (/evaluat|discovery|qualif|demo|trial|pilot|poc|engaged|opportunity/.test(s)) return 5;
  return 0;
}
