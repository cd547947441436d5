/**
 * Turns a prompt into `Facts`: every text (messages in order, then the system prompt) is scanned
 * for embedded JSON and for prose lines. Messages come first so that account data outranks
 * anything the system prompt happens to say; `<example>…</example>` blocks are skipped because
 * example output is not a fact about this account.
 */
import type { ComposeRequest } from './types.ts';
import { createFactsBuilder, type Facts, type FactsBuilder } from './facts.ts';
import { readJsonFacts } from './extract-json.ts';
import { readDates, readLineFacts } from './extract-lines.ts';
import { findJsonValues } from './json-scan.ts';

/** One piece of prompt text and who wrote it (`tool` = a tool result, i.e. untrusted data). */
export type PromptText = { text: string; origin: 'system' | 'user' | 'assistant' | 'tool' };

/** All prompt text in scan order: messages first, then the system prompt. */
export function promptTexts(req: ComposeRequest): PromptText[] {
  const texts: PromptText[] = [];
  for (const message of req.messages) {
    for (const block of message.content) {
      if (block.type === 'text') texts.push({ text: block.text, origin: message.role });
      else if (block.type === 'tool_result') texts.push({ text: block.content, origin: 'tool' });
    }
  }
  if (req.system !== '') texts.push({ text: req.system, origin: 'system' });
  return texts;
}

/** Extracts the facts from the given texts (linear in their total size). */
export function extractFacts(texts: readonly PromptText[]): Facts {
  const b = createFactsBuilder();
  // `Note:` lines in the system prompt are instructions, not account notes.
  const system: FactsBuilder = { ...b, addNote: () => undefined };
  for (const { text, origin } of texts) {
    const body = stripExamples(text);
    const target = origin === 'system' ? system : b;
    for (const value of findJsonValues(body)) readJsonFacts(value, target);
    readLineFacts(body, target);
    readDates(body, target);
  }
  return b.done();
}

/** Removes `<example>…</example>` and `<examples>…</examples>` blocks. */
function stripExamples(text: string): string {
  if (!/<examples?[\s>]/i.test(text)) return text;
  const lower = text.toLowerCase();
  let out = '';
  let from = 0;
  for (;;) {
    const open = lower.indexOf('<example', from);
    if (open < 0) break;
    const tagEnd = lower.indexOf('>', open);
    const name = lower.slice(open + 1, tagEnd).startsWith('examples') ? 'examples' : 'example';
    const close = tagEnd < 0 ? -1 : lower.indexOf(`</${name}>`, tagEnd);
    if (close < 0) break;
    out += text.slice(from, open);
    from = close + name.length + 3;
  }
  return out + text.slice(from);
}
