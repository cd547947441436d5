/**
 * Drafting step: account + brief + prioritization → one outreach email, checked before it can
 * become an artifact. A draft that fails a hard check throws `AgentOutputError` and is never
 * stored; softer concerns become risk flags for the reviewer.
 */
import { z } from 'zod';
import type { StructuredRequest } from '../llm/types.ts';
import type { Skill } from '../skills/types.ts';
import { avoidPhrases, findAvoidHits } from './avoid.ts';
import { guardrailFlags, mergeFlags } from './draft-flags.ts';
import { AgentInputError, AgentOutputError } from './errors.ts';
import { isOutreachFactKey } from './facts.ts';
import { outputProblems } from './output.ts';
import { accountData, assertSkill, factData, memoryData, systemBlocks, todayLine, userMessage, type PromptOptions } from './prompt.ts';
import { doNotContactEmails, pickRecipient } from './recipient.ts';
import { emailKey, isEmailAddress } from './text.ts';
import type { AccountContext, CitedFact, Draft, Prioritization, ResearchBrief } from './types.ts';

/** Output budget of a drafting call; thinking models spend part of it before the answer. */
export const DRAFT_MAX_TOKENS = 2048;
/** Longest subject accepted. */
export const MAX_SUBJECT_LENGTH = 120;
/** Longest body accepted (about 300 words; the skill asks for 60–150). */
export const MAX_BODY_LENGTH = 2000;

/** What the drafting model must return. */
export const DraftOutput = z.object({
  to: z.string().describe("the intended recipient's email address, exactly as in <account>"),
  subject: z.string().max(MAX_SUBJECT_LENGTH).describe('one line, specific to the account'),
  body: z.string().max(MAX_BODY_LENGTH).describe('plain text, 60 to 150 words, short paragraphs'),
  citations: z
    .array(z.object({ claim: z.string().describe('the sentence or clause from the body'), factId: z.string().describe('an id from <facts>') }))
    .max(12)
    .describe('one entry per claim about the account'),
  riskFlags: z.array(z.string()).max(10).describe('snake_case labels for the reviewer; empty when none'),
});
export type DraftOutput = z.infer<typeof DraftOutput>;

/**
 * The brief's facts that may be cited in outreach: all of them except internal sales data (stage,
 * ARR) and facts that touch the account's avoid list. Withholding them from the drafting prompt
 * is cheaper and surer than asking the model to skip them. Relies on `brief.factKeys` being
 * parallel to `brief.facts`.
 */
export function outreachFacts(brief: ResearchBrief, ctx: AccountContext): CitedFact[] {
  const phrases = avoidPhrases(ctx.memory.avoid.map((item) => item.content));
  return brief.facts.filter((f, i) => isOutreachFactKey(brief.factKeys[i] ?? '') && findAvoidHits(f.text, phrases).length === 0);
}

/**
 * The drafting request. Throws `AgentInputError` (`no_reachable_contact`) when the account has no
 * contact that may be written to: such accounts are skipped, not drafted.
 */
export function buildDraftRequest(
  skill: Skill,
  ctx: AccountContext,
  brief: ResearchBrief,
  prioritization: Prioritization,
  options: PromptOptions = {},
): StructuredRequest<DraftOutput> {
  assertSkill(skill, 'drafting');
  const recipient = pickRecipient(ctx);
  if (!recipient) {
    throw new AgentInputError('no_reachable_contact', `${ctx.account.name} has no contact with an email address who is not marked do-not-contact`);
  }
  const who = `${recipient.name}${recipient.title ? ` (${recipient.title})` : ''}, ${recipient.email}`;
  const content = userMessage(
    [
      `Draft one outreach email for the account ${ctx.account.name}, following your instructions. ${todayLine(ctx)}`,
      `The intended recipient is ${who}.`,
    ],
    [
      { tag: 'account', value: accountData(ctx) },
      { tag: 'memory', value: memoryData(ctx) },
      { tag: 'brief', value: { summary: brief.summary, keyPoints: brief.keyPoints } },
      { tag: 'tier', value: { tier: prioritization.tier, score: prioritization.score, rationale: prioritization.rationale } },
      { tag: 'facts', value: outreachFacts(brief, ctx).map(factData) },
    ],
    'Return the email as JSON matching the output schema, addressed to the intended recipient. Cite facts only by the ids listed in <facts>.',
  );
  return {
    skill: skill.name,
    name: 'outreach draft',
    system: systemBlocks(skill, options),
    messages: [{ role: 'user', content }],
    maxTokens: DRAFT_MAX_TOKENS,
    schema: DraftOutput,
  };
}

/**
 * Validates a draft against the account and the brief and returns it with guardrail flags merged
 * into the model's. Throws `AgentOutputError` listing every problem when:
 * - `to` is not an email address, not one of the account's contacts (case-insensitive), or marked
 *   do-not-contact on any contact record;
 * - the subject is empty, longer than {@link MAX_SUBJECT_LENGTH} or not one line; the body is empty
 *   or longer than {@link MAX_BODY_LENGTH};
 * - a citation has an empty claim, cites an id not in the brief, cites internal data (stage, ARR)
 *   or cites a fact that touches the avoid list;
 * - the subject or body uses an avoid-list phrase or an obvious variant of it (see avoid.ts).
 */
export function finishDraft(output: DraftOutput, ctx: AccountContext, brief: ResearchBrief): Draft {
  const parsed = DraftOutput.safeParse(output);
  if (!parsed.success) throw new AgentOutputError('drafting', outputProblems(parsed.error));
  const data = parsed.data;
  const problems: string[] = [];

  const to = data.to.trim();
  const contact = ctx.contacts.find((c) => c.email !== null && emailKey(c.email) === emailKey(to));
  if (!isEmailAddress(to)) problems.push(`recipient "${to}" is not an email address`);
  else if (!contact) problems.push(`recipient ${to} is not a contact of ${ctx.account.name}`);
  else if (doNotContactEmails(ctx).has(emailKey(to))) problems.push(`recipient ${to} is marked do-not-contact`);

  const subject = data.subject.trim();
  if (subject === '') problems.push('subject is empty');
  else if (subject.length > MAX_SUBJECT_LENGTH) problems.push(`subject is ${subject.length} characters (at most ${MAX_SUBJECT_LENGTH})`);
  else if (/[\r\n]/.test(subject)) problems.push('subject must be one line');
  const body = data.body.trim();
  if (body === '') problems.push('body is empty');
  else if (body.length > MAX_BODY_LENGTH) problems.push(`body is ${body.length} characters (at most ${MAX_BODY_LENGTH})`);

  const phrases = avoidPhrases(ctx.memory.avoid.map((item) => item.content));
  const byId = new Map(brief.facts.map((f, i) => [f.id.toUpperCase(), { fact: f, key: brief.factKeys[i] ?? '' }]));
  const citations: Draft['citations'] = [];
  const cited: CitedFact[] = [];
  data.citations.forEach((c, i) => {
    const claim = c.claim.trim();
    const entry = byId.get(c.factId.trim().toUpperCase());
    const avoided = entry ? findAvoidHits(entry.fact.text, phrases) : [];
    if (claim === '') problems.push(`citation ${i + 1} has an empty claim`);
    if (!entry) problems.push(`citation ${i + 1} cites "${c.factId}", which is not a fact of the brief`);
    else if (!isOutreachFactKey(entry.key)) problems.push(`citation ${i + 1} cites ${entry.fact.id} (${entry.key}), internal data that is never cited in outreach`);
    else if (avoided.length > 0) problems.push(`citation ${i + 1} cites ${entry.fact.id}, which touches "${avoided[0]}" on the account's avoid list`);
    else if (claim !== '') {
      if (!citations.some((x) => x.claim === claim && x.factId === entry.fact.id)) citations.push({ claim, factId: entry.fact.id });
      if (!cited.includes(entry.fact)) cited.push(entry.fact);
    }
  });

  for (const hit of findAvoidHits(subject, phrases)) problems.push(`subject uses "${hit}", which is on the account's avoid list`);
  for (const hit of findAvoidHits(body, phrases)) problems.push(`body uses "${hit}", which is on the account's avoid list`);

  if (problems.length > 0 || !contact?.email) throw new AgentOutputError('drafting', problems);

  const flags = guardrailFlags({ ctx, to, subject, body, cited });
  return {
    // The CRM's spelling of the address, not the model's casing of it.
    to: contact.email.trim(),
    recipientName: contact.name,
    subject,
    body,
    citations,
    riskFlags: mergeFlags(flags, data.riskFlags),
  };
}
