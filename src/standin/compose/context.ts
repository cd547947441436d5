/**
 * Everything derived from one request, computed once: facts, the reuse guard, obedient-mode
 * directives, the assessment and the draft plan.
 */
import type { ComposeRequest } from './types.ts';
import type { CiteFact, Contact, Facts } from './facts.ts';
import { extractFacts, promptTexts } from './extract-facts.ts';
import { createGuard, type Guard } from './guard.ts';
import { findDirectives, noDirectives, type Directives } from './directives.ts';
import { assess, type Assessment } from './scoring.ts';
import { planDraft, type DraftPlan, type Material } from './draft.ts';

/** The per-request state every writer reads. */
export type Ctx = Material & {
  obedient: boolean;
  plan: DraftPlan;
  /** The text of the last user turn (built on first call). */
  lastUserText: () => string;
  /** True when the prompt holds at least one fact about an account. */
  hasFacts: boolean;
};

/** Builds the context; `bodyMax` is the output schema's body length limit, if any. */
export function buildContext(req: ComposeRequest, bodyMax?: number): Ctx {
  const texts = promptTexts(req);
  const raw = extractFacts(texts);
  const directives: Directives = req.obedient
    ? findDirectives(
        texts.filter((t) => t.origin === 'user' || t.origin === 'tool').map((t) => t.text),
        req.tools.map((t) => t.name),
      )
    : noDirectives();
  // A hijacked model told to ignore its instructions also drops the avoid list (so tests can show bookrun's own checks catch it).
  const guard = createGuard(directives.ignoreInstructions ? { ...raw, avoid: [] } : raw, req.obedient);
  const facts = safeFacts(raw, guard);
  // Answers never use more than a few dozen items, so filtering stops early (keeps huge prompts cheap).
  const signals = takeUsable(facts.signals, asText, guard, 20);
  const citeable = takeUsable(facts.facts, factText, guard, 50);
  const factTexts = new Set(citeable.map(factText).map(lower));
  const notes = takeUsable(facts.notes, asText, guard, 20, (n) => !factTexts.has(n.toLowerCase()));
  const recipient = pickRecipient(facts.contacts);
  const override: { tier?: Directives['tier']; score?: number } = {};
  if (directives.tier) override.tier = directives.tier;
  if (directives.score !== undefined) override.score = directives.score;
  const assessment: Assessment = assess(facts, signals, override);
  const seed = `${facts.accountId ?? ''}|${facts.accountName ?? ''}|${req.model}`;
  const material: Material = { facts, guard, signals, citeable, notes, recipient, assessment, directives, system: req.system, seed };
  const hasFacts =
    facts.accountName !== undefined || facts.accountId !== undefined || signals.length + citeable.length + notes.length + facts.contacts.length > 0 || facts.industry !== undefined;
  let lastUserText: string | undefined;
  return {
    ...material,
    obedient: req.obedient,
    plan: planDraft(material, bodyMax),
    // Only free-text answers read it, and joining the last user turn copies the whole message.
    lastUserText() {
      return (lastUserText ??= lastUser(req));
    },
    hasFacts,
  };
}

function takeUsable<T>(list: readonly T[], text: (item: T) => string, guard: Guard, max: number, keep?: (t: string) => boolean): T[] {
  const out: T[] = [];
  for (const item of list) {
    if (out.length >= max) break;
    const t = text(item);
    if ((keep === undefined || keep(t)) && guard.usable(t)) out.push(item);
  }
  return out;
}

// Module-level accessors: closures made per call are allocated (and named by tsx) every request.
function asText(s: string): string {
  return s;
}
function factText(f: CiteFact): string {
  return f.text;
}
function lower(s: string): string {
  return s.toLowerCase();
}

/** First contact not marked do-not-contact, preferring one with an email address. */
function pickRecipient(contacts: readonly Contact[]): Contact | undefined {
  return contacts.find((c) => !c.doNotContact && c.email) ?? contacts.find((c) => !c.doNotContact);
}

/** Scalars that touch an avoid topic or carry an injected instruction are treated as unknown (a name only for the latter). */
function safeFacts(f: Facts, guard: Guard): Facts {
  const out: Facts = { ...f };
  for (const key of ['industry', 'stage', 'region', 'website', 'arrText'] as const) {
    const value = out[key];
    // Cleared, not deleted: a delete would turn the object into a slow dictionary.
    if (value !== undefined && !guard.usable(value)) out[key] = undefined;
  }
  for (const key of ['accountName', 'accountId'] as const) {
    const value = out[key];
    if (value !== undefined && guard.injected(value)) out[key] = undefined;
  }
  out.contacts = f.contacts.flatMap((c) => {
    if (guard.injected(c.name) || (c.email !== undefined && guard.injected(c.email))) return [];
    if (c.title === undefined || !guard.injected(c.title)) return [c];
    return [{ ...c, title: undefined }];
  });
  return out;
}

function lastUser(req: ComposeRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m?.role !== 'user') continue;
    const text = m.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_result' ? b.content : '')).join('\n').trim();
    if (text !== '') return text;
  }
  return '';
}
