/**
 * A fixed, deterministic token heuristic. The stand-in is not a tokenizer; what matters is that
 * counts are stable, grow with the text, and agree between count_tokens and messages.
 * Roughly 4 characters a token, as for English prose on Claude models.
 */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.ceil(text.length / 4);
}

/** Tokens of any JSON value as the model would see it serialized. */
export function countJsonTokens(value: unknown): number {
  return countTextTokens(JSON.stringify(value) ?? '');
}

/** Per-message framing (role markers); per-request framing. */
export const MESSAGE_OVERHEAD = 4;
export const REQUEST_OVERHEAD = 3;
/** The hidden tool-use system prompt the API adds when tools are present. */
export const TOOLS_OVERHEAD = 300;
/** Structured-output framing when output_config.format is set. */
export const FORMAT_OVERHEAD = 50;
/** Images and documents are charged a flat amount; the stand-in does not decode them. */
export const MEDIA_TOKENS = 1_500;
