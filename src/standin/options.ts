import { z } from 'zod';

/** Kinds of injected faults, each answered the way the real API answers them. */
export const FaultKind = z.enum(['429', '529', '500']);
export type FaultKind = z.infer<typeof FaultKind>;

/**
 * Every knob of the offline stand-in. The CLI flags and the `BOOKRUN_STANDIN_*` environment
 * variables both parse through this one schema, so they cannot drift apart.
 */
export const StandinOptions = z.object({
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Fixed latency added to every model call, in ms. */
  latencyMs: z.number().min(0).default(0),
  /** Extra latency per generated output token, in ms (streams pace their deltas by it). */
  tokenLatencyMs: z.number().min(0).default(0),
  /** Share of model calls (0–1) answered with an injected fault instead of a result. */
  faultRate: z.number().min(0).max(1).default(0),
  /** Which faults to inject, chosen in turn by a seeded generator. */
  faultKinds: z.array(FaultKind).min(1).default(['429', '529', '500']),
  /** Requests per minute (continuously refilling bucket). */
  rpm: z.number().int().positive().default(20_000),
  /** Uncached input tokens per minute (cache reads do not count, as on current models). */
  itpm: z.number().int().positive().default(20_000_000),
  /** Output tokens per minute. */
  otpm: z.number().int().positive().default(4_000_000),
  /** Follow instructions found in untrusted data (worst-case hijacked model for security tests). */
  obedient: z.boolean().default(false),
  /** Seed for the fault generator and for ids, so runs repeat. */
  seed: z.number().int().default(1),
  /** Time a message batch stays `in_progress` before its requests are processed, in ms. */
  batchDelayMs: z.number().int().min(0).default(250),
  /** When set, only this API key is accepted; otherwise any non-empty key is. */
  apiKey: z.string().min(1).optional(),
});
export type StandinOptions = z.infer<typeof StandinOptions>;
export type StandinOptionsInput = z.input<typeof StandinOptions>;
