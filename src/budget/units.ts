/**
 * Budget units and reservation estimates. A budget is kept in whole units: tokens for a token
 * budget, micro-dollars for a USD budget, so the Lua script does exact integer arithmetic.
 *
 * A reservation must be an upper bound of what the call can cost, or a hard cap is not hard:
 * output is bounded by `max_tokens` exactly; input is estimated from the request's size with a
 * calibrated characters-per-token ratio that errs high (./input-estimator.ts). USD estimates
 * price every input token at the dearest rate it could be billed at (a cache write).
 */
import { z } from 'zod';
import { BATCH_DISCOUNT, CACHE_WRITE_1H_MULTIPLIER, CACHE_WRITE_5M_MULTIPLIER, costUsd, priceFor } from '../llm/pricing.ts';
import type { TokenUsage } from '../llm/usage.ts';
import { AppError } from '../errors.ts';

export const BudgetLimit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tokens'), tokens: z.number().int().positive() }),
  z.object({ kind: z.literal('usd'), usd: z.number().positive().max(1e9) }),
]);
export type BudgetLimit = z.infer<typeof BudgetLimit>;
export type BudgetKind = BudgetLimit['kind'];

const MICRO = 1_000_000;

export function limitUnits(limit: BudgetLimit): number {
  return limit.kind === 'tokens' ? limit.tokens : Math.floor(limit.usd * MICRO);
}

/** Units back to the budget's own measure (tokens, or dollars). */
export function fromUnits(kind: BudgetKind, units: number): number {
  return kind === 'tokens' ? units : units / MICRO;
}

export function describeLimit(limit: BudgetLimit): string {
  return limit.kind === 'tokens' ? `${limit.tokens.toLocaleString('en-US')} tokens` : `$${limit.usd.toFixed(2)}`;
}

/** What a finished call spent, in units. A USD budget needs a priced model. */
export function usageUnits(kind: BudgetKind, model: string, usage: TokenUsage, cost: number | undefined): number {
  if (kind === 'tokens') return usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
  const dollars = cost ?? costUsd(model, usage);
  if (dollars === undefined) throw unpriced(model);
  // Rounded as the ledger's numeric(14, 6) rounds it, so Redis and a rebuild from the ledger agree.
  return Math.round(dollars * MICRO);
}

export type CallEstimate = { inputTokens: number; maxTokens: number; cacheTtl?: '5m' | '1h' | undefined; batch?: boolean };

/** The reservation of one call, in units: an upper bound of what it can cost. */
export function estimateUnits(kind: BudgetKind, model: string, call: CallEstimate): number {
  if (kind === 'tokens') return call.inputTokens + call.maxTokens;
  const price = priceFor(model);
  if (!price) throw unpriced(model);
  const tier = price.longContext && call.inputTokens > price.longContext.thresholdTokens ? price.longContext : price;
  const writeMultiplier = call.cacheTtl === '1h' ? CACHE_WRITE_1H_MULTIPLIER : CACHE_WRITE_5M_MULTIPLIER;
  const factor = call.batch ? BATCH_DISCOUNT : 1;
  // Tokens × dollars per million tokens = micro-dollars.
  const micro = (call.inputTokens * tier.inputPerMTok * Math.max(1, writeMultiplier) + call.maxTokens * tier.outputPerMTok) * factor;
  return Math.ceil(micro);
}

/** The estimate in dollars, for the ledger's `est_cost_usd` (USD budgets) — `undefined` for token budgets. */
export function unitsToUsd(kind: BudgetKind, units: number): number | undefined {
  return kind === 'usd' ? units / MICRO : undefined;
}

function unpriced(model: string): AppError {
  return new AppError('validation', `model "${model}" has no known price, so a USD budget cannot be enforced for it; use --budget-tokens, or add its price to src/llm/pricing.ts`);
}
