/** Turns a draft into an interaction memory item. Pure. */
import type { Draft } from '../agents/types.ts';
import type { MemoryInput } from './types.ts';

export type MemoryFromDraftArgs = {
  draft: Draft;
  runId: string;
  /** When the draft was written. */
  observedAt: Date;
};

/**
 * One `interaction` item, key `draft:<YYYY-MM-DD>`: "Drafted outreach to <name> about "<subject>"".
 * Remembered even before review so the next night's agents know which angle was just tried and
 * do not draft the same email again; the review verdict adds avoid/resonated items later
 * (memoryFromReview). Recipient email stays out of memory: contacts hold it.
 */
export function memoryFromDraft({ draft, runId, observedAt }: MemoryFromDraftArgs): MemoryInput[] {
  const subject = draft.subject.trim();
  if (!subject) return [];
  const who = draft.recipientName.trim() || 'the account';
  return [
    {
      kind: 'interaction',
      key: `draft:${observedAt.toISOString().slice(0, 10)}`,
      content: `Drafted outreach to ${who} about "${subject}"`,
      source: `draft:${runId}`,
      observedAt,
    },
  ];
}
