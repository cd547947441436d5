/**
 * What the pages show of an item's artifacts. Artifact content is jsonb written by earlier
 * versions of the pipeline and by test fixtures, so every field is read on its own and a missing
 * or malformed field is simply absent: a page never fails because a brief has no facts.
 */
import { z } from 'zod';
import type { ReviewQueueArtifact } from '../review/index.ts';
import { toDate } from './format.ts';

const text = z.string().trim().min(1).optional().catch(undefined);
const list = z.array(z.unknown()).catch([]);

export type FactView = { id: string | null; text: string; source: string | null; observedAt: Date | null };
export type BriefView = { summary: string | null; facts: FactView[]; keyPoints: string[] };
export type TierView = { tier: string | null; score: number | null; rationale: string | null };
export type CitationView = { claim: string; factId: string | null; fact: FactView | null };
export type DraftView = { to: string | null; recipientName: string | null; subject: string; body: string; citations: CitationView[]; riskFlags: string[] };

const Fact = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional().catch(undefined),
  text: z.string().trim().min(1),
  source: text,
  observedAt: z.unknown().optional(),
});

function readFacts(values: unknown[]): FactView[] {
  const facts: FactView[] = [];
  for (const value of values) {
    const parsed = Fact.safeParse(value);
    if (parsed.success) facts.push({ id: parsed.data.id ?? null, text: parsed.data.text, source: parsed.data.source ?? null, observedAt: toDate(parsed.data.observedAt) });
  }
  return facts;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

const Brief = z.object({ summary: text, facts: list, keyPoints: list });

/** The research brief; facts from the brief, else the artifact's cited facts. */
export function briefView(artifact: ReviewQueueArtifact | undefined): BriefView | null {
  if (!artifact) return null;
  const content = Brief.parse(objectOf(artifact.content));
  const facts = readFacts(content.facts);
  return {
    summary: content.summary ?? null,
    facts: facts.length > 0 ? facts : readFacts(Array.isArray(artifact.citedFacts) ? artifact.citedFacts : []),
    keyPoints: strings(content.keyPoints),
  };
}

const Tier = z.object({
  tier: z.enum(['A', 'B', 'C', 'D']).optional().catch(undefined),
  score: z.number().finite().optional().catch(undefined),
  rationale: text,
});

export function tierView(artifact: ReviewQueueArtifact | undefined, itemTier: string | null): TierView | null {
  if (!artifact && !itemTier) return null;
  const content = Tier.parse(objectOf(artifact?.content));
  return { tier: itemTier ?? content.tier ?? null, score: content.score ?? null, rationale: content.rationale ?? artifact?.rationale ?? null };
}

const Draft = z.object({
  to: text,
  recipientName: text,
  subject: z.string().optional().catch(undefined),
  body: z.string().optional().catch(undefined),
  citations: list,
  riskFlags: list,
});
const Citation = z.object({ claim: z.string().trim().min(1), factId: z.union([z.string(), z.number()]).transform(String).optional().catch(undefined) });

/** The draft, with each citation resolved to the brief's fact it names (null when it names none). */
export function draftView(artifact: ReviewQueueArtifact | undefined, brief: BriefView | null): DraftView | null {
  if (!artifact) return null;
  const content = Draft.parse(objectOf(artifact.content));
  const byId = new Map((brief?.facts ?? []).filter((f) => f.id !== null).map((f) => [f.id, f]));
  const citations: CitationView[] = [];
  for (const value of content.citations) {
    const parsed = Citation.safeParse(value);
    if (parsed.success) citations.push({ claim: parsed.data.claim, factId: parsed.data.factId ?? null, fact: (parsed.data.factId && byId.get(parsed.data.factId)) || null });
  }
  return {
    to: content.to ?? null,
    recipientName: content.recipientName ?? null,
    subject: content.subject ?? '',
    body: content.body ?? '',
    citations,
    riskFlags: [...new Set([...strings(content.riskFlags), ...(Array.isArray(artifact.riskFlags) ? strings(artifact.riskFlags) : [])])],
  };
}

/** Risk flags of every artifact of an item, once each. */
export function riskFlagsOf(artifacts: Partial<Record<string, ReviewQueueArtifact>>): string[] {
  const flags = new Set<string>();
  for (const artifact of Object.values(artifacts)) {
    if (!artifact) continue;
    for (const flag of Array.isArray(artifact.riskFlags) ? strings(artifact.riskFlags) : []) flags.add(flag);
    const own = (artifact.content as { riskFlags?: unknown } | null)?.riskFlags;
    if (Array.isArray(own)) for (const flag of strings(own)) flags.add(flag);
  }
  return [...flags];
}

/** One line for a queue row: the draft's subject, else the brief's summary. */
export function headlineOf(artifacts: Partial<Record<string, ReviewQueueArtifact>>): string {
  const draft = artifacts['drafting'];
  if (draft) {
    const subject = Draft.parse(objectOf(draft.content)).subject;
    if (subject?.trim()) return subject;
  }
  const brief = artifacts['research'];
  if (brief) {
    const summary = Brief.parse(objectOf(brief.content)).summary;
    if (summary) return summary;
  }
  return '';
}
