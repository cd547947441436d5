/**
 * Who a draft may go to. A contact is reachable when it has a plausible email address and neither
 * it nor any other contact record with the same address is marked do-not-contact (a mark from any
 * source wins).
 */
import { emailKey, isEmailAddress } from './text.ts';
import type { AccountContext, ContactSnapshot } from './types.ts';

/** A contact known to have a usable email address. */
export type ReachableContact = ContactSnapshot & { email: string };

// Checked in order; the first match decides. Junior words first so "Assistant to the CEO" is junior.
const SENIORITY: ReadonlyArray<readonly [RegExp, number]> = [
  [/\b(?:assistant|intern|trainee|coordinator|associate|apprentice)\b/i, 1],
  [/\b(?:chief|ceo|cto|cfo|coo|cio|ciso|cmo|cro|cpo|president|founder|co-founder|owner|managing director|general manager)\b/i, 5],
  [/\b(?:svp|evp|vp|vice[- ]president|head)\b/i, 4],
  [/\bdirector\b/i, 3],
  [/\b(?:manager|lead|principal|supervisor)\b/i, 2],
];

/** 0 (no title) to 5 (C-level, founder, president). */
export function seniorityOf(title: string | null): number {
  if (!title || title.trim() === '') return 0;
  for (const [re, level] of SENIORITY) if (re.test(title)) return level;
  return 1;
}

/** Lower-cased addresses marked do-not-contact on any contact record of the account. */
export function doNotContactEmails(ctx: AccountContext): Set<string> {
  return new Set(ctx.contacts.flatMap((c) => (c.doNotContact && c.email ? [emailKey(c.email)] : [])));
}

/** True when the contact may receive a draft. */
export function isReachable(contact: ContactSnapshot, blocked: ReadonlySet<string>): contact is ReachableContact {
  if (contact.doNotContact || !contact.email) return false;
  const email = contact.email.trim();
  return isEmailAddress(email) && !blocked.has(emailKey(email));
}

/**
 * The best reachable contact: the most senior title wins (C-level > VP/Head > Director > Manager >
 * other > no title), ties keep CRM order. `undefined` when nobody is reachable: the account is not
 * drafted this cycle.
 */
export function pickRecipient(ctx: AccountContext): ReachableContact | undefined {
  const blocked = doNotContactEmails(ctx);
  let best: ReachableContact | undefined;
  for (const contact of ctx.contacts) {
    if (!isReachable(contact, blocked)) continue;
    if (!best || seniorityOf(contact.title) > seniorityOf(best.title)) best = { ...contact, email: contact.email.trim() };
  }
  return best;
}

/**
 * Contacts in prompt order: the intended recipient first, then other reachable contacts by
 * seniority, then the unreachable ones. Putting the recipient first is also what makes a model
 * that "picks the first reachable contact" (the offline stand-in) agree with `pickRecipient`.
 */
export function orderContacts(ctx: AccountContext): ContactSnapshot[] {
  const blocked = doNotContactEmails(ctx);
  const recipient = pickRecipient(ctx);
  const score = (c: ContactSnapshot): number =>
    (recipient && c.id === recipient.id ? 100 : 0) + (isReachable(c, blocked) ? 10 + seniorityOf(c.title) : 0);
  return ctx.contacts
    .map((c, i) => ({ c, i }))
    .sort((a, b) => score(b.c) - score(a.c) || a.i - b.i)
    .map(({ c }) => c);
}
