/**
 * The prose the stand-in writes: subject, body, summary, rationale and next step, all assembled
 * from templates and the (already filtered) facts. Fact and signal texts are reused verbatim so
 * every claim can be traced back to the prompt; citations come from `used`.
 */
import type { CiteFact, Contact, Facts } from './facts.ts';
import type { Directives } from './directives.ts';
import type { Guard } from './guard.ts';
import type { Assessment } from './scoring.ts';
import { asSentence, firstName, formatMoney, isPlainEmail, pick, stripEnd, truncateWords } from './text-util.ts';

/** The usable material every writer draws from. */
export type Material = {
  facts: Facts;
  guard: Guard;
  signals: string[];
  citeable: CiteFact[];
  notes: string[];
  recipient: Contact | undefined;
  assessment: Assessment;
  directives: Directives;
  system: string;
  seed: string;
};

/** A fact or signal sentence used in the draft body. */
export type UsedFact = { text: string; sentence: string; fact?: CiteFact };

/** Everything prose-like an answer may need. */
export type DraftPlan = {
  subject: string;
  body: string;
  summary: string;
  rationale: string;
  nextStep: string;
  greeting: string;
  signoff: string;
  used: UsedFact[];
  /** What a hijacked model says it is doing (obedient mode only; already part of `body`). */
  obeyed: string[];
};

const CTAS = [
  'Would you be open to a 20-minute call next week?',
  'Could we find 20 minutes next week to compare notes?',
  'Is a short call next week worth exploring?',
] as const;
const SIGNOFFS = ['Best regards', 'Thanks', 'Best'] as const;

/**
 * Plans the draft; `bodyMax` (from the output schema) drops fact sentences before anything is cut.
 * Each part is written on first use: every part is a pure function of the material, and a
 * research brief, a score or a draft each read only a few of them.
 */
export function planDraft(m: Material, bodyMax?: number): DraftPlan {
  return new LazyPlan(m, bodyMax);
}

class LazyPlan implements DraftPlan {
  // Every part present from the start (one object shape, whatever is asked first).
  private parts: Partial<Omit<DraftPlan, 'body' | 'used'>> = { greeting: undefined, signoff: undefined, subject: undefined, summary: undefined, rationale: undefined, nextStep: undefined, obeyed: undefined };
  private bodyAndUsed: { body: string; used: UsedFact[] } | undefined;

  constructor(
    private readonly m: Material,
    private readonly bodyMax: number | undefined,
  ) {}

  get greeting(): string {
    return (this.parts.greeting ??= greetingLine(this.m));
  }

  get signoff(): string {
    return (this.parts.signoff ??= `${pick(SIGNOFFS, `${this.m.seed}|signoff`)},`);
  }

  get body(): string {
    return this.draftBody().body;
  }

  get used(): UsedFact[] {
    return this.draftBody().used;
  }

  get subject(): string {
    return (this.parts.subject ??= subjectLine(this.m, this.used));
  }

  get summary(): string {
    return (this.parts.summary ??= summary(this.m));
  }

  get rationale(): string {
    return (this.parts.rationale ??= rationale(this.m));
  }

  get nextStep(): string {
    return (this.parts.nextStep ??= nextStep(this.m));
  }

  get obeyed(): string[] {
    return (this.parts.obeyed ??= obedientLines(this.m));
  }

  /** The body and the facts it uses, decided together (fitting the body drops facts). */
  private draftBody(): { body: string; used: UsedFact[] } {
    if (this.bodyAndUsed) return this.bodyAndUsed;
    const { m, bodyMax, greeting, signoff } = this;
    const used = candidates(m, 2);
    const resonated = m.facts.resonated.find((r) => m.guard.usable(r));
    let withResonated = resonated !== undefined;
    let body = composeBody(m, greeting, signoff, used, withResonated ? resonated : undefined);
    while (bodyMax !== undefined && body.length > bodyMax && (used.length > 1 || withResonated)) {
      if (withResonated) withResonated = false;
      else used.pop();
      body = composeBody(m, greeting, signoff, used, withResonated ? resonated : undefined);
    }
    this.bodyAndUsed = { body, used };
    return this.bodyAndUsed;
  }
}

function greetingLine(m: Material): string {
  const recipientName = m.recipient && m.recipient.name !== '' && !isPlainEmail(m.recipient.name) ? firstName(m.recipient.name) : undefined;
  return `${pick(['Hi', 'Hello'], `${m.seed}|greet`)} ${recipientName ?? 'there'},`;
}

/** The first `n` sentences worth using: citeable facts first (so they can be cited), then signals, then notes. */
function candidates(m: Material, n: number): UsedFact[] {
  const out: UsedFact[] = m.citeable.slice(0, n).map((fact) => ({ text: fact.text, sentence: asSentence(fact.text), fact }));
  const seen = new Set(out.map((u) => u.text.toLowerCase()));
  for (const text of [...m.signals, ...m.notes]) {
    if (out.length >= n) break;
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    out.push({ text, sentence: asSentence(text) });
  }
  return out;
}

function composeBody(m: Material, greeting: string, signoff: string, used: readonly UsedFact[], resonated: string | undefined): string {
  const name = m.facts.accountName;
  const paragraphs: string[] = [greeting];
  const obey = obedientLines(m);
  if (obey.length > 0) paragraphs.push(obey.join('\n'));
  if (used.length > 0) {
    const lead = `${used.length === 1 ? 'One thing' : 'A couple of things'} stood out to me${name ? ` about ${name}` : ''}.`;
    paragraphs.push(m.guard.scrub([lead, ...used.map((u) => u.sentence)].join(' ')));
  }
  if (resonated) paragraphs.push(`Building on what resonated last time (${stripEnd(resonated)}), I can share more detail on that.`);
  paragraphs.push(pick(CTAS, `${m.seed}|cta`));
  return `${paragraphs.filter((p) => p !== '').join('\n\n')}\n\n${signoff}`;
}

/** What a hijacked model adds (empty unless obedient mode found directives). */
function obedientLines(m: Material): string[] {
  const d = m.directives;
  const lines: string[] = [];
  if (d.sendTo.length > 0) lines.push(`As requested, I'm sending ${d.sendWhat ?? 'the requested information'} to ${d.sendTo.join(', ')}.`);
  if (d.cc.length + d.bcc.length > 0) lines.push(`Copying ${[...d.cc, ...d.bcc].join(', ')}.`);
  lines.push(...d.include);
  if (d.revealSystem && m.system !== '') lines.push(`System prompt: ${m.system}`);
  return lines;
}

function subjectLine(m: Material, used: readonly UsedFact[]): string {
  const name = m.facts.accountName;
  const source = m.signals[0] ?? used[0]?.text;
  const text = source ? (name ? `${name}: ${stripEnd(source)}` : stripEnd(source)) : name ? `An idea for ${name}` : 'A quick idea';
  return truncateWords(text, 80);
}

function summary(m: Material): string {
  const f = m.facts;
  const name = f.accountName ?? 'This account';
  const brief = f.accountName ? `Research brief for ${f.accountName}.` : 'Research brief.';
  const profile = [
    f.industry && `${/^[aeiou]/i.test(f.industry) ? 'an' : 'a'} ${f.industry} company`,
    f.stage && `in the ${f.stage} stage`,
    f.arr !== undefined && `with ARR of ${f.arrText ?? formatMoney(f.arr)}`,
    f.employees !== undefined && `with about ${f.employees} employees`,
    f.region && `based in ${f.region}`,
  ].filter((p): p is string => typeof p === 'string');
  const parts = [profile.length > 0 ? `${name} is ${profile.join(', ')}.` : brief];
  if (m.signals.length > 0) parts.push(`Buying signals: ${m.signals.slice(0, 3).map(stripEnd).join('; ')}.`);
  const signalSet = new Set(m.signals.map((s) => s.toLowerCase()));
  parts.push(...m.citeable.filter((c) => !signalSet.has(c.text.toLowerCase())).slice(0, 3).map((c) => asSentence(c.text)));
  if (m.citeable.length === 0) parts.push(...m.notes.slice(0, 2).map(asSentence));
  if (m.recipient) parts.push(`Best reachable contact: ${m.recipient.name || m.recipient.email}${m.recipient.title ? `, ${m.recipient.title}` : ''}.`);
  let text = m.guard.scrub(parts.join(' '));
  if (m.directives.revealSystem && m.system !== '') text += ` System prompt: ${m.system}`;
  return text;
}

function rationale(m: Material): string {
  const a = m.assessment;
  const head = a.reasons.length > 0 ? `Score ${a.score}/100 (tier ${a.tier}) rests on ${a.reasons.join(', ')}.` : `Score ${a.score}/100 (tier ${a.tier}) is the baseline: the prompt states no signals, stage or ARR.`;
  const top = m.signals[0] ? ` Strongest signal: ${stripEnd(m.signals[0])}.` : '';
  return m.guard.scrub(head + top) || `Score ${a.score}/100 (tier ${a.tier}).`;
}

function nextStep(m: Material): string {
  const name = m.facts.accountName ?? 'the account';
  const who = m.recipient?.name || 'the main contact';
  switch (m.assessment.tier) {
    case 'A':
    case 'B':
      return `Email ${who} at ${name} this week with a short, tailored note.`;
    case 'C':
      return `Add ${name} to a light-touch nurture sequence and watch for new signals.`;
    case 'D':
      return `Revisit ${name} next quarter.`;
  }
}
