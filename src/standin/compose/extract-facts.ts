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
import { forEachJsonSource } from './json-scan.ts';
import { TextMemo } from '../text-memo.ts';

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
  const system: FactsBuilder = { ...b, addNote: ignoreNote };
  for (const { text, origin } of texts) {
    if (origin === 'system') {
      replay(systemOps(text), system);
      continue;
    }
    scan(text, b);
  }
  return b.done();
}

function ignoreNote(): void {}

function scan(text: string, target: FactsBuilder): void {
  const body = stripExamples(text);
  forEachJsonSource(body, (source) => {
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      return false;
    }
    readJsonFacts(value, target);
    return true;
  });
  readLineFacts(body, target);
  readDates(body, target);
}

/** One recorded builder call; `shared` args are all primitives, so a replay may pass them as they are. */
type BuilderOp = { method: keyof FactsBuilder; args: unknown[]; shared: boolean };

/**
 * Scans are recorded as the builder calls they make and replayed, which gives the same facts in
 * the same order as scanning again (a scan only calls the builder, it never reads it back).
 *
 * A system prompt is usually identical across thousands of requests (that is what makes it
 * cacheable), and scanning it dominated the stand-in's CPU. Keyed without hashing the whole
 * text: see TextMemo (a Map lookup hashed all 10+ KB per call).
 */
const systemScans = new TextMemo<BuilderOp[]>(64, 16 * 1024 * 1024);

function systemOps(text: string): BuilderOp[] {
  let ops = systemScans.get(text);
  if (!ops) {
    ops = record((recorder) => scan(text, recorder));
    systemScans.set(text, ops);
  }
  return ops;
}

/** Where the recorder appends; swapped per recording. */
let recording: BuilderOp[] = [];

/** A builder that only records its calls, one method per builder method. */
const RECORDER = Object.fromEntries(
  (Object.keys(createFactsBuilder()) as (keyof FactsBuilder)[]).map((method) => [
    method,
    (...args: unknown[]) => {
      if (method === 'done') throw new Error('a scan never finishes the builder');
      const shared = args.every((a) => typeof a !== 'object' || a === null);
      recording.push({ method, args: shared ? args : args.map(copyArg), shared });
    },
  ]),
) as FactsBuilder;

function record(run: (recorder: FactsBuilder) => void): BuilderOp[] {
  const outer = recording;
  const ops: BuilderOp[] = [];
  recording = ops;
  try {
    run(RECORDER);
  } finally {
    recording = outer;
  }
  return ops;
}

function replay(ops: readonly BuilderOp[], target: FactsBuilder): void {
  for (const op of ops) {
    const fn = target[op.method] as (...args: unknown[]) => unknown;
    // Builders may keep argument objects; each replay gets its own copy (primitives need none,
    // and cloning them was most of the replay's cost).
    fn(...(op.shared ? op.args : op.args.map(copyArg)));
  }
}

/** A replay's own copy of a recorded argument: flat records (contacts) by spreading, the rest cloned. */
function copyArg(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null) return arg;
  if (Array.isArray(arg) || Object.values(arg).some((v) => typeof v === 'object' && v !== null)) return structuredClone(arg);
  return { ...arg };
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
