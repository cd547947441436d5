/**
 * Shapes of per-account memory as the agents see it and as the pipeline writes it.
 * Storage rules (supersede, conflict flags) live in this folder; agents only read `MemoryView`.
 */
import type { MemoryKind } from '../../db/schema/index.ts';

/** One live memory item. */
export type MemoryItem = {
  id: string;
  kind: MemoryKind;
  /** What the item is about (`employees`, `stage`, `signal:<slug>`, an avoid phrase …). */
  key: string;
  content: string;
  /** `crm:<field>`, `research:<runId>`, `review:<itemId>` … */
  source: string;
  observedAt: Date;
  confidence: number;
  /** Id of a live item that disagrees with this one; both are shown, neither is merged. */
  conflictWith: string | null;
};

/** Everything an agent may know about an account from memory, live items only. */
export type MemoryView = {
  accountId: string;
  /** Latest research summary, if any. */
  summary: MemoryItem | undefined;
  facts: MemoryItem[];
  interactions: MemoryItem[];
  /** Phrases or angles that landed with this account (from reviews and replies). */
  resonated: MemoryItem[];
  /** Phrases, topics or claims never to use with this account. */
  avoid: MemoryItem[];
  /**
   * Keys with more than one live item: values that disagree, for the prompt and the reviewer.
   * Items freshest first. Only facts conflict (see src/memory/AGENTS.md).
   */
  conflicts: Array<{ key: string; kind?: MemoryKind; items: MemoryItem[] }>;
};

/** An item to remember. Items with the same (kind, key) supersede or conflict per the hygiene rules. */
export type MemoryInput = {
  kind: MemoryKind;
  key: string;
  content: string;
  source: string;
  observedAt: Date;
  /** @defaultValue 0.8 */
  confidence?: number;
};
