/**
 * The stats of one set of reviewed outcomes (deliverable 1). Pure. The numbers that gate autonomy
 * are `successes` and `lowerBound`: an artifact the rep had to rewrite heavily was approved, but
 * the workflow did not do the job, so it counts against acceptance.
 */
import { mean, median, rate } from './internal.ts';
import type { ComputeStatsOptions, ReviewOutcome, WorkflowStats } from './types.ts';
import { wilsonLowerBound } from './wilson-lower-bound.ts';

/** `rejectByReason` key of heavy edits. */
export const HEAVY_EDIT_REASON = 'heavy_edit';
/** `rejectByReason` key of rejections that carry no reason. */
export const UNSPECIFIED_REASON = 'unspecified';

/**
 * Stats of `outcomes` (no filtering: window and grouping are the caller's, see withinWindow and
 * groupStats).
 * - An `edited` outcome is heavy when its `editRatio` is strictly above `heavyEditRatio` ("more
 *   than 30% changed"); an edit without a ratio is light (only drafts carry one).
 * - acceptedAsIs + acceptedWithEdits + heavyEdits + rejected = reviewed; successes = as-is + light.
 * - Time to review runs from the first view, or from filing when the item was never viewed or
 *   first viewed only after the decision (a manager decided before the owner opened it).
 * @defaultValue z 1.96
 */
export function computeStats(outcomes: readonly ReviewOutcome[], options: ComputeStatsOptions): WorkflowStats {
  const { heavyEditRatio, z = 1.96 } = options;
  let acceptedAsIs = 0;
  let acceptedWithEdits = 0;
  let heavyEdits = 0;
  let rejected = 0;
  const rejectByReason: Record<string, number> = {};
  const editDistances: number[] = [];
  const editRatios: number[] = [];
  const reviewTimes: number[] = [];
  const queueWaits: number[] = [];
  const bump = (reason: string) => {
    rejectByReason[reason] = (rejectByReason[reason] ?? 0) + 1;
  };

  for (const o of outcomes) {
    switch (o.status) {
      case 'accepted':
        acceptedAsIs++;
        break;
      case 'edited':
        if (o.editRatio !== null && o.editRatio > heavyEditRatio) {
          heavyEdits++;
          bump(HEAVY_EDIT_REASON);
        } else {
          acceptedWithEdits++;
        }
        if (o.editDistance !== null) editDistances.push(o.editDistance);
        if (o.editRatio !== null) editRatios.push(o.editRatio);
        break;
      case 'rejected':
        rejected++;
        bump(o.verdictReason ?? UNSPECIFIED_REASON);
        break;
    }
    const decided = o.decidedAt.getTime();
    const viewed = o.firstViewedAt?.getTime();
    const reviewStart = viewed !== undefined && viewed <= decided ? viewed : o.filedAt.getTime();
    reviewTimes.push(Math.max(0, decided - reviewStart));
    queueWaits.push(Math.max(0, decided - o.filedAt.getTime()));
  }

  const reviewed = outcomes.length;
  const successes = acceptedAsIs + acceptedWithEdits;
  return {
    reviewed,
    acceptedAsIs,
    acceptedWithEdits,
    heavyEdits,
    rejected,
    acceptRate: rate(acceptedAsIs, reviewed),
    acceptWithEditsRate: rate(acceptedWithEdits, reviewed),
    successes,
    successRate: rate(successes, reviewed),
    lowerBound: wilsonLowerBound(successes, reviewed, z),
    rejectRate: rate(rejected, reviewed),
    rejectByReason,
    meanEditDistance: mean(editDistances),
    meanEditRatio: mean(editRatios),
    medianTimeToReviewMs: median(reviewTimes),
    medianQueueWaitMs: median(queueWaits),
  };
}
