/**
 * What the sub-agents read and return. Pure data: the pipeline (jobs/) loads an `AccountContext`
 * from Postgres, the agents turn it into a model request and validate the answer.
 */
import type { MemoryView } from '../memory/types.ts';

export type AccountSnapshot = {
  id: string;
  externalId: string;
  name: string;
  domain: string | null;
  industry: string | null;
  employees: number | null;
  arrUsd: number | null;
  stage: string | null;
  region: string | null;
  signals: string[];
  notes: string | null;
  lastActivityAt: Date | null;
  /** Values that disagreed in the CRM export: shown to the model as uncertain, never as facts. */
  conflicts: Array<{ field: string; values: string[] }>;
};

export type ContactSnapshot = {
  id: string;
  name: string;
  title: string | null;
  email: string | null;
  doNotContact: boolean;
};

export type ActivitySnapshot = {
  kind: 'email' | 'call' | 'meeting' | 'note' | 'other';
  occurredAt: Date | null;
  summary: string;
};

export type AccountContext = {
  account: AccountSnapshot;
  contacts: ContactSnapshot[];
  activities: ActivitySnapshot[];
  memory: MemoryView;
  /** The run's reference time (dates in prompts are relative to it). */
  now: Date;
};

/**
 * A fact the model may cite, built by the pipeline from CRM data and memory before the call.
 * The model cites it by `id`; `source` and `observedAt` come from here, never from the model.
 */
export type CandidateFact = {
  /** `F1`, `F2` … unique within one account's prompt. */
  id: string;
  /** Memory key the fact is remembered under (`employees`, `signal:<slug>` …). */
  key: string;
  text: string;
  source: string;
  observedAt: Date;
};

/** A fact as stored on an artifact and shown to a reviewer. */
export type CitedFact = { id: string; text: string; source: string; observedAt: string };

export type ResearchBrief = {
  summary: string;
  /** The facts the brief rests on, each with its source (subset of the candidates). */
  facts: CitedFact[];
  /** Keys of the facts above, parallel array, so memory can store them under stable keys. */
  factKeys: string[];
  keyPoints: string[];
};

export type Tier = 'A' | 'B' | 'C' | 'D';

export type Prioritization = { score: number; tier: Tier; rationale: string };

export type Draft = {
  /** Recipient email: a known contact of the account, never one marked do-not-contact. */
  to: string;
  recipientName: string;
  subject: string;
  body: string;
  citations: Array<{ claim: string; factId: string }>;
  riskFlags: string[];
};
