/**
 * The cheap pre-score: orders a run's accounts before any token is spent, so the most promising
 * accounts are served first (and, under a budget, are the ones that get served). No LLM; only
 * CRM fields. 0–100; higher first.
 */
export type PreScoreInput = {
  arrUsd: number | null;
  stage: string | null;
  lastActivityAt: Date | null;
  signals: readonly string[];
};

const STAGE_POINTS: ReadonlyArray<[RegExp, number]> = [
  [/negotiat|proposal|contract|commit/i, 25],
  [/evaluat|trial|pilot|poc|demo/i, 20],
  [/discover|qualif|meeting|engaged|opportunit/i, 15],
  [/customer|renewal|expan|won/i, 12],
  [/prospect|lead|new|cold|target/i, 8],
  [/churn|lost|dead|disqualif|unqualif/i, 0],
];

export function preScore(input: PreScoreInput, now: Date): number {
  // ARR: up to 35 points, log-scaled so $2M isn't worth 40× $50k.
  const arr = input.arrUsd && input.arrUsd > 0 ? Math.min(35, (Math.log10(input.arrUsd) - 3) * 10) : 0;
  const stage = input.stage ? (STAGE_POINTS.find(([re]) => re.test(input.stage ?? ''))?.[1] ?? 5) : 5;
  let recency = 0;
  if (input.lastActivityAt) {
    const days = (now.getTime() - input.lastActivityAt.getTime()) / 86_400_000;
    recency = days <= 30 ? 20 : days <= 90 ? 12 : days <= 365 ? 5 : 0;
  }
  const signals = Math.min(4, input.signals.length) * 5;
  return Math.round(Math.max(0, arr) + stage + recency + signals);
}
