/**
 * Per-model list prices and the cost of one call's usage.
 *
 * Sources (see reference/claude-api.md §5, §9): the platform.claude.com model pages unless an entry
 * says otherwise. Cache-read multipliers are per model on purpose — they are not a constant
 * (0.025× on the Fable line, 0.05× on Opus 5.5, 0.1× elsewhere).
 */
import type { TokenUsage } from './usage.ts';

/** Prices in USD per million tokens for one price tier. */
export type PriceTier = { inputPerMTok: number; outputPerMTok: number };

/** One model's price entry. */
export type ModelPrice = PriceTier & {
  /** Cache read price as a multiple of the input price. */
  cacheReadMultiplier: number;
  /** Higher tier applied to the whole request once its prompt exceeds `thresholdTokens`. */
  longContext?: PriceTier & { thresholdTokens: number };
  /**
   * Where the numbers come from. `docs`: the model's page on platform.claude.com.
   * `docs, read assumed`: base prices from the docs, cache read assumed at the usual 0.1×.
   * `third-party`: only third-party mirrors of the list price were found.
   */
  source: 'docs' | 'docs, read assumed' | 'third-party';
};

/** 5-minute cache writes cost 1.25× the input price. */
export const CACHE_WRITE_5M_MULTIPLIER = 1.25;
/** 1-hour cache writes cost 2× the input price. */
export const CACHE_WRITE_1H_MULTIPLIER = 2;
/** The Message Batches API bills every token class at 50%. */
export const BATCH_DISCOUNT = 0.5;

const p = (
  inputPerMTok: number,
  outputPerMTok: number,
  cacheReadMultiplier: number,
  source: ModelPrice['source'] = 'docs',
): ModelPrice => ({ inputPerMTok, outputPerMTok, cacheReadMultiplier, source });

/** Price table keyed by base model id (no date suffix). */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // Current lineup.
  'claude-fable-5-2': p(8, 40, 0.025), // read price from third-party mirrors (claude-api.md §18)
  'claude-opus-5-5': p(4, 20, 0.05),
  'claude-sonnet-5-5': p(2, 10, 0.1),
  'claude-haiku-5-5': {
    ...p(0.1, 0.5, 0.1),
    longContext: { thresholdTokens: 100_000, inputPerMTok: 0.5, outputPerMTok: 2.5 },
  },
  // Legacy models still callable.
  'claude-fable-5-1': p(10, 50, 0.025),
  'claude-opus-5': p(5, 25, 0.1),
  'claude-sonnet-5': p(2, 10, 0.1),
  'claude-fable-5': p(10, 50, 0.1, 'third-party'), // base from docs; read $1 from a third-party tracker
  'claude-mythos-5': p(10, 50, 0.1, 'third-party'), // docs: "shares Claude Fable 5's pricing"
  'claude-opus-4-8': p(5, 25, 0.1, 'docs, read assumed'),
  'claude-opus-4-7': p(5, 25, 0.1, 'third-party'),
  'claude-opus-4-6': p(5, 25, 0.1, 'docs, read assumed'),
  'claude-opus-4-5': p(5, 25, 0.1),
  'claude-sonnet-4-6': p(3, 15, 0.1, 'docs, read assumed'),
  'claude-sonnet-4-5': p(3, 15, 0.1, 'docs, read assumed'),
  'claude-haiku-4-5': p(1, 5, 0.1, 'docs, read assumed'),
};

/**
 * Model ids the SDK knows but whose prices were not found. They resolve to no price (cost
 * `undefined`), exactly like an unknown id; the list exists so the gap is visible in code.
 */
export const UNPRICED_MODELS: readonly string[] = ['claude-mythos-5-2', 'claude-mythos-5-1', 'claude-mythos-preview'];

const DATE_SUFFIX = /-\d{8}$/;

/** `claude-haiku-4-5-20251001` → `claude-haiku-4-5`; other ids unchanged. */
export function baseModelId(model: string): string {
  return model.replace(DATE_SUFFIX, '');
}

/** The price entry for a model id (dated ids resolve to their base), or `undefined` if unpriced. */
export function priceFor(model: string): ModelPrice | undefined {
  return MODEL_PRICES[baseModelId(model)];
}

/** Options for {@link costUsd}. */
export type CostOptions = {
  /** Price at the Batch API discount. @defaultValue `usage.serviceTier === 'batch'` */
  batch?: boolean;
  /**
   * Whether the batch discount also applies to cache reads and writes. Unverified (earlier
   * pricing docs said the discounts stack; current model pages only say "input and output").
   * @defaultValue true
   */
  batchDiscountStacksWithCache?: boolean;
};

/**
 * Cost of one call in USD, or `undefined` when the model has no known price — never a silent 0,
 * so a ledger can tell "free" from "unknown".
 */
export function costUsd(model: string, usage: TokenUsage, options: CostOptions = {}): number | undefined {
  const price = priceFor(model);
  if (!price) return undefined;
  const batch = options.batch ?? usage.serviceTier === 'batch';
  const stacks = options.batchDiscountStacksWithCache ?? true;

  // The long-context tier is decided by the whole prompt, cached parts included.
  const prompt = usage.input + usage.cacheRead + usage.cacheWrite;
  const tier: PriceTier =
    price.longContext && prompt > price.longContext.thresholdTokens ? price.longContext : price;

  const plainFactor = batch ? BATCH_DISCOUNT : 1;
  const cacheFactor = batch && stacks ? BATCH_DISCOUNT : 1;
  const inRate = tier.inputPerMTok;

  const dollars =
    usage.input * inRate * plainFactor +
    usage.output * tier.outputPerMTok * plainFactor +
    (usage.cacheRead * inRate * price.cacheReadMultiplier +
      usage.cacheWrite5m * inRate * CACHE_WRITE_5M_MULTIPLIER +
      usage.cacheWrite1h * inRate * CACHE_WRITE_1H_MULTIPLIER) *
      cacheFactor;
  return dollars / 1_000_000;
}

/** Thrown by {@link requireCostUsd} when a model has no price. */
export class UnknownModelPriceError extends Error {
  constructor(readonly model: string) {
    super(`no price known for model "${model}"; add it to MODEL_PRICES in src/llm/pricing.ts`);
    this.name = 'UnknownModelPriceError';
  }
}

/** {@link costUsd} for callers that must have a number (forecasts): throws on an unpriced model. */
export function requireCostUsd(model: string, usage: TokenUsage, options: CostOptions = {}): number {
  const cost = costUsd(model, usage, options);
  if (cost === undefined) throw new UnknownModelPriceError(model);
  return cost;
}
