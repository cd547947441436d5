/**
 * Helpers the finishers share for turning a bad answer into readable problems.
 */
import type { z } from 'zod';

/** zod issues as `path: message` lines. */
export function outputProblems(error: z.ZodError): string[] {
  return error.issues.slice(0, 8).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Fact ids (`F12`) mentioned in prose that are not in `known` (keys upper-cased). */
export function unknownIdMentions(texts: readonly string[], known: ReadonlyMap<string, unknown>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/\bF\d{1,3}\b/g)) if (!known.has(m[0])) out.add(m[0]);
  }
  return [...out];
}
