/**
 * Input-token estimates for reservations without a `count_tokens` round trip per call (which
 * would double the requests a night makes and has its own rate limit).
 *
 * The estimate is the request's characters times a tokens-per-character ratio. It starts
 * conservative (one token per two characters; English prose and JSON run at three to four) and
 * is calibrated per skill from settled calls: the highest ratio seen, plus a margin. Prompts of
 * one skill share their layout, so the highest ratio seen bounds the next one well; a call that
 * still exceeds its estimate is reported by `observe` so the ledger can show it.
 */
import { z } from 'zod';
import type { MessageRequest } from '../llm/types.ts';

/** Before any call has settled: ½ token per character, about twice the usual rate. */
const START_RATIO = 0.5;
/** Calibrated ratios get this headroom over the highest ratio observed. */
const MARGIN = 1.25;
/** Framing the API adds per request (role markers, the structured-output preamble). */
const FRAMING_TOKENS = 400;

/** Characters of everything a request sends that the model reads. */
export function requestChars(req: MessageRequest & { schema?: z.ZodType }): number {
  let chars = 0;
  if (typeof req.system === 'string') chars += req.system.length;
  else if (req.system) for (const block of req.system) chars += block.text.length;
  for (const message of req.messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else chars += JSON.stringify(message.content).length;
  }
  if (req.tools?.length) chars += JSON.stringify(req.tools).length;
  if (req.schema) chars += schemaChars(req.schema);
  return chars;
}

const schemaSizes = new WeakMap<object, number>();
function schemaChars(schema: z.ZodType): number {
  let size = schemaSizes.get(schema);
  if (size === undefined) {
    size = JSON.stringify(z.toJSONSchema(schema)).length;
    schemaSizes.set(schema, size);
  }
  return size;
}

export class InputEstimator {
  private readonly ratios = new Map<string, number>();
  /** Settled calls per skill: [units spent, units reserved]. */
  private readonly costs = new Map<string, [number, number]>();

  /**
   * Upper-bound estimate of the input tokens (cached or not) of a request of `chars` characters.
   * A skill not seen yet borrows the highest ratio calibrated for another (prompts share a layout).
   */
  estimate(skill: string, chars: number): number {
    const ratio = this.ratios.get(skill) ?? (this.ratios.size > 0 ? Math.max(...this.ratios.values()) : START_RATIO);
    return Math.ceil(chars * ratio) + FRAMING_TOKENS;
  }

  /**
   * What a call of `skill` is expected to cost as a share of its reservation — an expectation,
   * not a bound, for keeping budget aside for work still to come. From the skill's own settled
   * calls, else every skill's, else one half.
   */
  expectedShare(skill: string): number {
    const own = this.costs.get(skill);
    if (own && own[1] > 0) return own[0] / own[1];
    let actual = 0;
    let reserved = 0;
    for (const [a, r] of this.costs.values()) {
      actual += a;
      reserved += r;
    }
    return reserved > 0 ? actual / reserved : 0.5;
  }

  /** Learns what a settled call cost against what was reserved for it (both in budget units). */
  observeCost(skill: string, reservedUnits: number, actualUnits: number): void {
    if (reservedUnits <= 0) return;
    const seen = this.costs.get(skill) ?? [0, 0];
    seen[0] += actualUnits;
    seen[1] += reservedUnits;
    this.costs.set(skill, seen);
  }

  /**
   * Learns from a settled call. Returns true when the call's input exceeded what was estimated
   * for it (the reservation was not an upper bound).
   */
  observe(skill: string, chars: number, estimated: number, actualInput: number): boolean {
    if (chars > 0 && actualInput > 0) {
      const seen = (actualInput / chars) * MARGIN;
      const current = this.ratios.get(skill);
      // The first observation replaces the conservative start; later ones only raise the ratio.
      if (current === undefined || seen > current) this.ratios.set(skill, Math.min(START_RATIO * 2, seen));
    }
    return actualInput > estimated;
  }
}
