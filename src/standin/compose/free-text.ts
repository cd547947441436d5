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
  const ask = `${ctx.lastUserText().slice(0, 2000)}\n${system.slice(0, 2000)}`.toLowerCase();
  const { plan } = ctx;
  if (/\b(draft|outreach|write (an|the) email|compose)\b/.test(ask)) return `Subject: ${plan.subject}\n\n${plan.body}`;
  const obeyed = plan.obeyed.filter((line) => !line.startsWith('System prompt:')); // the summary already pastes it
  const text = /\b(prioriti[sz]\w*|score|tier|rank\w*)\b/.test(ask) ? `${plan.rationale} Next step: ${plan.nextStep}` : plan.summary;
  return obeyed.length > 0 ? `${obeyed.join('\n')}\n\n${text}` : text;
}

function acknowledgement(ctx: Ctx): string {
  const start = clean(ctx.lastUserText().slice(0, 400)).split(' ');
  const opening = words(start.join(' ')).length > 0 ? start.slice(0, 8).join(' ') : '';
  const quotable = opening !== '' && ctx.guard.usable(opening);
  const head = quotable ? `Received your message ("${opening}${start.length > 8 ? '…' : ''}").` : 'Received your message.';
  return `${head} The prompt holds no account facts to work from, so there is nothing further to add.`;
}
