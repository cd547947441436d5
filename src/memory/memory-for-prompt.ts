/** Renders a memory view as the plain JSON agents put into a prompt. Pure. */
import type { MemoryView } from './types.ts';

export type MemoryPromptFact = {
  key: string;
  content: string;
  source: string;
  /** `YYYY-MM-DD`. */
  observedAt: string;
  /** True when another live value of this key disagrees: present both as uncertain. */
  conflict: boolean;
};

export type MemoryPrompt = {
  summary: string | null;
  facts: MemoryPromptFact[];
  /** Phrases never to use with this account (the stand-in reads this array too). */
  avoid: string[];
  resonated: string[];
  lastInteraction: { content: string; observedAt: string } | null;
};

export type MemoryForPromptOptions = {
  /** @defaultValue 30 */
  maxFacts?: number;
  /** Per list (avoid, resonated). @defaultValue 20 */
  maxPhrases?: number;
};

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Freshest first and capped, so a long-lived account cannot grow its prompt without bound.
 * Facts carry no `id`: memory is context, never something a draft may cite (only candidate facts
 * built from the CRM are citeable).
 */
export function memoryForPrompt(view: MemoryView, options: MemoryForPromptOptions = {}): MemoryPrompt {
  const maxFacts = options.maxFacts ?? 30;
  const maxPhrases = options.maxPhrases ?? 20;
  const conflicted = new Set(view.conflicts.filter((c) => (c.kind ?? 'fact') === 'fact').map((c) => c.key));
  const last = view.interactions[0];
  return {
    summary: view.summary?.content ?? null,
    facts: view.facts.slice(0, maxFacts).map((f) => ({
      key: f.key,
      content: f.content,
      source: f.source,
      observedAt: day(f.observedAt),
      conflict: conflicted.has(f.key),
    })),
    avoid: view.avoid.slice(0, maxPhrases).map((i) => i.content),
    resonated: view.resonated.slice(0, maxPhrases).map((i) => i.content),
    lastInteraction: last ? { content: last.content, observedAt: day(last.observedAt) } : null,
  };
}
