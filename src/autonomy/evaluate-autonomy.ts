/**
 * Whether a workflow's evidence moves it on the autonomy ladder (deliverables 2–3). Pure: the
 * caller applies demotions and resets, stores proposals for a manager, and records the evidence.
 *
 * Precedence, first match wins:
 * 1. versionChanged → `reset`: to gated; to at most spot_check when the eval suite passed (a
 *    passing eval never promotes: gated stays gated). Old evidence says nothing about the new
 *    version, so nothing else is judged.
 * 2. incidents > 0 at spot_check / autonomous → `demote` straight to gated: one wrong fact sent or
 *    wrong person outweighs any accept rate.
 * 3. at spot_check / autonomous, reviewed ≥ that level's minSample and lowerBound < its
 *    minLowerBound → `demote` one level (the next evaluation judges the lower level's bar).
 * 4. reviewed ≥ next level's minSample, lowerBound ≥ its minLowerBound and no incidents →
 *    `propose` the next level (one level at a time; never applied here).
 * 5. otherwise `hold`, with the reasons promotion is not (yet) possible.
 * Boundaries are inclusive: exactly minSample reviews and a bound exactly at minLowerBound pass.
 */
import { formatPair, plural } from './internal.ts';
import { AUTONOMY_LEVELS, type AutonomyDecision, type AutonomyEvidence, type AutonomyLevel, type AutonomyPolicy, type AutonomyThreshold, type EvaluateAutonomyInput } from './types.ts';

/**
 * The decision for one workflow at its current level, given its windowed stats and incidents.
 * Reasons are sentences a manager can read, with the numbers
 * ("lower bound 0.84 ≥ 0.80 over 212 reviews in 30 days").
 */
export function evaluateAutonomy(input: EvaluateAutonomyInput): AutonomyDecision {
  const { workflow, level, stats, incidents, policy, versionChanged } = input;
  const window = policy.windowDays;
  const evidence = (threshold?: AutonomyThreshold): AutonomyEvidence => ({
    reviewed: stats.reviewed,
    successes: stats.successes,
    lowerBound: stats.lowerBound,
    window,
    incidents,
    ...(threshold ? { threshold } : {}),
  });
  const decide = (kind: AutonomyDecision['kind'], to: AutonomyLevel, reasons: string[], threshold?: AutonomyThreshold): AutonomyDecision => ({
    kind,
    from: level,
    to,
    reasons,
    evidence: evidence(threshold),
    workflow,
  });
  const over = `over ${plural(stats.reviewed, 'review')} in ${plural(window, 'day')}`;

  if (versionChanged) {
    if (!versionChanged.evalPassed) return decide('reset', 'gated', [`a new skill version or model without a passing eval suite: back to gated (${level} evidence was for the previous version)`]);
    const to = lower(level, 'spot_check');
    const outcome = to === level ? `stays ${level}` : `capped at ${to}`;
    return decide('reset', to, [`a new skill version or model passed its eval suite: ${outcome} (at most spot_check until its own reviews clear the bar)`]);
  }

  // The level whose bar the workflow must keep (none at gated: nothing to lose).
  const kept = level === 'gated' ? null : level;
  const current = kept ? thresholdOf(kept, policy) : null;
  const incidentText = `${plural(incidents, 'incident')} (${policy.incidentReasons.join(' or ')}) in ${plural(window, 'day')}`;

  if (current && incidents > 0) return decide('demote', 'gated', [`${incidentText}: back to gated`], current);

  if (kept && current && stats.reviewed >= current.minSample && stats.lowerBound !== null && stats.lowerBound < current.minLowerBound) {
    const to = below(kept);
    const [lb, bar] = formatPair(stats.lowerBound, current.minLowerBound);
    return decide('demote', to, [`lower bound ${lb} < ${bar} required for ${level} ${over}: down to ${to}`], current);
  }

  const reasons: string[] = [];
  if (current) reasons.push(keepsLevelReason(level, current, stats.reviewed, stats.lowerBound, over));

  const next = above(level);
  if (!next) return decide('hold', level, reasons, current ?? undefined);

  const bar = thresholdOf(next, policy);
  const sampleOk = stats.reviewed >= bar.minSample;
  const boundOk = stats.lowerBound !== null && stats.lowerBound >= bar.minLowerBound;
  if (sampleOk && boundOk && incidents === 0) {
    const [lb, min] = formatPair(stats.lowerBound ?? 0, bar.minLowerBound);
    reasons.push(`lower bound ${lb} ≥ ${min} ${over} (at least ${bar.minSample} needed), no incidents: propose ${next} for a manager to approve or decline`);
    return decide('propose', next, reasons, bar);
  }
  if (!sampleOk) reasons.push(`only ${plural(stats.reviewed, 'review')} in ${plural(window, 'day')}; ${next} needs at least ${bar.minSample}`);
  if (stats.lowerBound === null) reasons.push(`no lower bound yet; ${next} needs ${bar.minLowerBound.toFixed(2)}`);
  else if (!boundOk) {
    const [lb, min] = formatPair(stats.lowerBound, bar.minLowerBound);
    reasons.push(`lower bound ${lb} < ${min} required for ${next} ${over}`);
  }
  if (incidents > 0) reasons.push(`${incidentText} blocks promotion`);
  return decide('hold', level, reasons, bar);
}

function keepsLevelReason(level: AutonomyLevel, bar: AutonomyThreshold, reviewed: number, lowerBound: number | null, over: string): string {
  if (reviewed < bar.minSample || lowerBound === null) return `${level} holds: ${plural(reviewed, 'review')} so far, its bar is judged from ${bar.minSample}`;
  const [lb, min] = formatPair(lowerBound, bar.minLowerBound);
  return `${level} holds: lower bound ${lb} ≥ ${min} ${over}`;
}

function thresholdOf(level: Exclude<AutonomyLevel, 'gated'>, policy: AutonomyPolicy): AutonomyThreshold {
  const { minSample, minLowerBound } = policy.levels[level];
  return { minSample, minLowerBound };
}

function above(level: AutonomyLevel): Exclude<AutonomyLevel, 'gated'> | null {
  return level === 'gated' ? 'spot_check' : level === 'spot_check' ? 'autonomous' : null;
}

function below(level: Exclude<AutonomyLevel, 'gated'>): AutonomyLevel {
  return level === 'autonomous' ? 'spot_check' : 'gated';
}

/** The lower of two levels. */
function lower(a: AutonomyLevel, b: AutonomyLevel): AutonomyLevel {
  return AUTONOMY_LEVELS.indexOf(a) <= AUTONOMY_LEVELS.indexOf(b) ? a : b;
}
