/**
 * Inline guardrails on a draft that passed the hard checks: risk flags for the reviewer (and for
 * spot-check sampling). Flags never change the draft; they say where to look.
 *
 * - `no_citations`: the draft cites no fact.
 * - `unverified_claim`: a number in the subject or body appears in no cited fact (meeting
 *   lengths such as "20-minute" are not claims and are ignored).
 * - `stale_fact`: a cited fact is older than {@link STALE_FACT_DAYS} days.
 * - `injection_in_data`: the account's data contains text aimed at an automated reader.
 * - `recipient_changed`: the draft goes to a reachable contact other than the intended one.
 * - `foreign_email_in_body`: the body contains an email address other than the recipient's.
 * - `mentions_do_not_contact`: the body names a contact marked do-not-contact.
 * - `unfilled_placeholder`: "[Your name]", "{{company}}" and the like.
 * - `internal_data`: tiers, scores, ARR, "our CRM" or a fact id such as `(F3)` in the email.
 */
import { instructionLikeData } from './injection.ts';
import { pickRecipient } from './recipient.ts';
import { ageInDays, EMAIL_IN_TEXT, emailKey } from './text.ts';
import type { AccountContext, CitedFact } from './types.ts';

/** A cited fact older than this many days is flagged `stale_fact` (skills/research/references/sources.md). */
export const STALE_FACT_DAYS = 180;
/** At most this many model-supplied flags are kept. */
const MAX_MODEL_FLAGS = 10;

/** What the flags are computed from. */
export type FlagInput = {
  ctx: AccountContext;
  to: string;
  subject: string;
  body: string;
  cited: readonly CitedFact[];
};

const PLACEHOLDER = /\[(?:your|my|first|last|full|company|contact|recipient|insert|name|title)\b[^\]\n]{0,40}\]|\{\{[^}\n]{1,40}\}\}|<(?:first[ _]?name|company|name)>/i;
const INTERNAL: readonly RegExp[] = [
  /\b[Tt]ier [A-D]\b/,
  /\bARR\b/,
  /\b(?:(?:priority|lead|account) score|our CRM|(?:in|according to|per) our (?:records|CRM|system))\b/i,
  // Fact ids belong in citations, never in the email itself.
  /[([]F\d{1,3}[\])]/,
];
const DURATION = /\b\d+(?:\.\d+)?\s*-?\s*(?:minutes?|mins?|hours?|hrs?)\b/gi;

/** The guardrail flags for a draft, in a fixed order. */
export function guardrailFlags({ ctx, to, subject, body, cited }: FlagInput): string[] {
  const flags: string[] = [];
  if (cited.length === 0) flags.push('no_citations');

  const known = new Set(cited.flatMap((f) => numbersIn(f.text)));
  if (numbersIn(`${subject}\n${body}`).some((n) => !known.has(n))) flags.push('unverified_claim');

  if (cited.some((f) => ageInDays(new Date(f.observedAt), ctx.now) > STALE_FACT_DAYS)) flags.push('stale_fact');
  if (instructionLikeData(ctx).length > 0) flags.push('injection_in_data');

  const intended = pickRecipient(ctx);
  if (intended && emailKey(intended.email) !== emailKey(to)) flags.push('recipient_changed');

  const addresses = body.match(EMAIL_IN_TEXT) ?? [];
  if (addresses.some((a) => emailKey(a) !== emailKey(to))) flags.push('foreign_email_in_body');

  const lowerBody = body.toLowerCase();
  const dnc = ctx.contacts.filter((c) => c.doNotContact);
  if (dnc.some((c) => (c.name.trim().length > 3 && lowerBody.includes(c.name.trim().toLowerCase())) || (c.email && lowerBody.includes(emailKey(c.email))))) {
    flags.push('mentions_do_not_contact');
  }

  if (PLACEHOLDER.test(subject) || PLACEHOLDER.test(body)) flags.push('unfilled_placeholder');
  if (INTERNAL.some((re) => re.test(subject) || re.test(body))) flags.push('internal_data');
  return flags;
}

/** Our flags first, then the model's (trimmed, de-duplicated, capped). */
export function mergeFlags(ours: readonly string[], model: readonly string[]): string[] {
  const out = [...ours];
  let kept = 0;
  for (const raw of model) {
    const flag = raw.trim().slice(0, 80);
    if (flag === '' || out.includes(flag)) continue;
    if (kept++ >= MAX_MODEL_FLAGS) break;
    out.push(flag);
  }
  return out;
}

/** Numbers in text, normalised (`1,200` → `1200`, `02` → `2`), meeting lengths and fact ids excluded. */
export function numbersIn(text: string): string[] {
  // Fact ids (`F3`) are references, not numbers; `internal_data` catches them in an email.
  const stripped = text.replace(DURATION, ' ').replace(/\bF\d{1,3}\b/g, ' ');
  return (stripped.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => {
    const plain = n.replace(/,(?=\d{3}\b)/g, '').replace(/,/g, '.');
    return plain.replace(/^0+(?=\d)/, '').replace(/\.0+$/, '');
  });
}
