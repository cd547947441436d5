/**
 * The answer when there is no output schema and no tool call: a short paragraph from the facts,
 * shaped by what the prompt asks for (a draft, a prioritization, otherwise a research summary).
 * With no facts at all, a brief acknowledgement that quotes the start of the last user message.
 */
import type { Ctx } from './context.ts';
import { clean, words } from './text-util.ts';

/** Never empty. */
export function freeText(ctx: Ctx, system: string): string {
  if (!ctx.hasFacts) return acknowledgement(ctx);
  const ask = `${ctx.lastUserText.slice(0, 2000)}\n${system.slice(0, 2000)}`.toLowerCase();
  const { plan } = ctx;
  if (/\b(draft|outreach|write (an|the) email|compose)\b/.test(ask)) return `Subject: ${plan.subject}\n\n${plan.body}`;
  if (/\b(prioriti[sz]\w*|score|tier|rank\w*)\b/.test(ask)) return `${plan.rationale} Next step: ${plan.nextStep}`;
  return plan.summary;
}

function acknowledgement(ctx: Ctx): string {
  const opening = words(ctx.lastUserText).length > 0 ? clean(ctx.lastUserText).split(' ').slice(0, 8).join(' ') : '';
  const quotable = opening !== '' && ctx.guard.usable(opening);
  const head = quotable ? `Received your message ("${opening}${clean(ctx.lastUserText).split(' ').length > 8 ? '…' : ''}").` : 'Received your message.';
  return `${head} The prompt holds no account facts to work from, so there is nothing further to add.`;
}
