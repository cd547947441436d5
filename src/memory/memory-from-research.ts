/** Turns a research brief into memory items. Pure: the finalize step calls it and then `rememberItems`. */
import type { ResearchBrief } from '../agents/types.ts';
import type { MemoryInput } from './types.ts';

export type MemoryFromResearchArgs = {
  brief: ResearchBrief;
  runId: string;
  /** When the research ran; the summary's date and the fallback for facts without a valid date. */
  observedAt: Date;
};

/**
 * The brief's summary (key `summary`, source `research:<runId>`) plus every cited fact under its
 * fact key, with the fact's own source and date. Those come from the pipeline's candidate facts,
 * never from the model, so the same CRM value cited night after night refreshes one row. Facts
 * without a key are skipped: prompt-local ids (`F1`) are not stable enough to remember under.
 */
export function memoryFromResearch({ brief, runId, observedAt }: MemoryFromResearchArgs): MemoryInput[] {
  const items: MemoryInput[] = [];
  const summary = brief.summary.trim();
  if (summary) items.push({ kind: 'summary', key: 'summary', content: summary, source: `research:${runId}`, observedAt });
  brief.facts.forEach((fact, index) => {
    const key = brief.factKeys[index]?.trim();
    const content = fact.text.trim();
    if (!key || !content) return;
    // Facts the brief took from memory are already remembered under their own kind and key;
    // storing them again as facts would duplicate them (an interaction copied into a fact).
    if (fact.source.startsWith('memory:')) return;
    const stated = new Date(fact.observedAt);
    items.push({
      kind: 'fact',
      key,
      content,
      source: fact.source.trim() || `research:${runId}`,
      observedAt: Number.isNaN(stated.getTime()) ? observedAt : stated,
    });
  });
  return items;
}
