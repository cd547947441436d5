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
    if (origin === 'system') {
      replay(systemOps(text), system);
      continue;
    }
    scan(text, b);
  }
  return b.done();
}

function scan(text: string, target: FactsBuilder): void {
  const body = stripExamples(text);
  for (const value of findJsonValues(body)) readJsonFacts(value, target);
  readLineFacts(body, target);
  readDates(body, target);
}

type BuilderOp = { method: keyof FactsBuilder; args: unknown[] };

/**
 * A system prompt is usually identical across thousands of requests (that is what makes it
 * cacheable), and scanning it dominated the stand-in's CPU. Its scan is recorded once as the
 * builder calls it makes and replayed per request, which gives the same facts in the same order.
 */
const systemScans = new Map<string, BuilderOp[]>();
const MAX_SYSTEM_SCANS = 64;

function systemOps(text: string): BuilderOp[] {
  const cached = systemScans.get(text);
  if (cached) return cached;
  const ops: BuilderOp[] = [];
  const recorder = new Proxy({} as FactsBuilder, {
    get: (_target, method: string) => (...args: unknown[]) => {
      if (method === 'done') throw new Error('a scan never finishes the builder');
      ops.push({ method: method as keyof FactsBuilder, args: structuredClone(args) });
    },
  });
  scan(text, recorder);
  if (systemScans.size >= MAX_SYSTEM_SCANS) systemScans.clear();
  systemScans.set(text, ops);
  return ops;
}

function replay(ops: readonly BuilderOp[], target: FactsBuilder): void {
  for (const op of ops) {
    const fn = target[op.method] as (...args: unknown[]) => unknown;
    // Builders may keep argument objects; each replay gets its own copy.
    fn(...structuredClone(op.args));
  }
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
