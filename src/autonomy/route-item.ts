/**
 * Where one item goes at its workflow's autonomy level (deliverable 2 and routing): to a rep's
 * review or auto-approved. Deterministic per item id (itemDraw), so any route can be audited.
 *
 * - gated: every item is reviewed.
 * - spot_check: reviewed when it carries a risk flag, its tier is in `risk.reviewTiers`, its
 *   confidence is below `risk.minConfidence`, or its draw < `sampleRate`; otherwise auto-approved.
 * - autonomous: reviewed when it carries a risk flag or its draw < `auditRate`; otherwise
 *   auto-approved.
 *
 * Why tier and confidence stop mattering at autonomous: a risk flag is the agent naming a concrete
 * problem with this item, so a human always looks. Top tier and low confidence are priors, used at
 * spot_check to spend the reviews where a mistake costs most while the evidence is still thin.
 * Autonomous is granted only after ≥ minSample reviews with a lower bound ≥ the autonomous bar
 * (those risky items included, and approved by a manager); still sending every top-tier or
 * low-confidence item to review there would keep a fixed, large slice of the book gated for good
 * and make the audit sample a biased one. A team that wants every A account read keeps the
 * workflow at spot_check.
 *
 * Order of `why` when several apply: risk_flag, top_tier, low_confidence, then the sample.
 */
import { itemDraw } from './item-draw.ts';
import type { ItemRoute, RouteItemInput } from './types.ts';

/** The route of one item; `why: 'policy'` = auto-approved by the policy at `level`. */
export function routeItem(input: RouteItemInput): ItemRoute {
  const { itemId, level, riskFlags, tier, confidence, policy } = input;
  const draw = itemDraw(itemId);
  const review = (why: ItemRoute['why']): ItemRoute => ({ route: 'review', why, level, draw });
  const autoApprove: ItemRoute = { route: 'auto_approve', why: 'policy', level, draw };

  switch (level) {
    case 'gated':
      return review('gated');
    case 'spot_check':
      if (riskFlags.length > 0) return review('risk_flag');
      if (tier !== null && policy.risk.reviewTiers.includes(tier)) return review('top_tier');
      // No confidence given is not low confidence: the agent's output schema decides whether it reports one.
      if (confidence !== null && confidence < policy.risk.minConfidence) return review('low_confidence');
      return draw < policy.levels.spot_check.sampleRate ? review('spot_check_sample') : autoApprove;
    case 'autonomous':
      if (riskFlags.length > 0) return review('risk_flag');
      return draw < policy.levels.autonomous.auditRate ? review('audit_sample') : autoApprove;
  }
}
