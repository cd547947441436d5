/**
 * Instructions hidden in data (prompt injection), as one table of patterns.
 *
 * Default mode uses `looksLikeInstruction` only to keep such text out of answers: data is data.
 * Obedient mode (`findDirectives`) obeys them, so security tests can prove bookrun's own defences
 * hold even when the model is fooled. Every quantifier is bounded so scanning stays linear.
 */
import { normKey } from './text-util.ts';

/** What a hijacked model was told to do. */
export type Directives = {
  ignoreInstructions: boolean;
  sendTo: string[];
  sendWhat?: string;
  cc: string[];
  bcc: string[];
  /** Tool names (as declared in the request) the data told the model to call. */
  tools: string[];
  tier?: 'A' | 'B' | 'C' | 'D';
  score?: number;
  /** Text to include verbatim. */
  include: string[];
  revealSystem: boolean;
  setField?: { field: string; value: string };
  /** The first sentence that carried a directive (used as a tool argument). */
  sentence?: string;
};

const EMAIL = "([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})";

/** `words`: lower-case literals one of which must occur in the text for the rule to be tried (cheap prefilter). */
type Rule = { words: readonly string[]; re: RegExp; apply: (m: RegExpMatchArray, d: Directives, tools: ReadonlyMap<string, string>) => boolean };

const RULES: readonly Rule[] = [
  {
    words: ['ignore', 'disregard', 'forget', 'override'],
    re: /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)?(?:of\s+)?(?:the\s+)?(?:previous|prior|above|earlier|preceding|existing|system|other)?\s*(?:instructions?|rules|guidelines|directions|prompts?|guardrails)\b/gi,
    apply: (_m, d) => (d.ignoreInstructions = true),
  },
  {
    words: ['@'],
    re: new RegExp(`\\b(?:e-?mail|send|forward|mail|share|deliver)\\b([^.;\\n]{0,120}?)\\bto\\s+${EMAIL}`, 'gi'),
    apply: (m, d) => {
      const what = (m[1] ?? '').trim();
      if (what !== '' && d.sendWhat === undefined) d.sendWhat = what;
      return pushUnique(d.sendTo, m[2]);
    },
  },
  { words: ['@'], re: new RegExp(`\\b(bcc|cc)\\b\\s*:?\\s*(?:to\\s+|at\\s+)?${EMAIL}`, 'gi'), apply: (m, d) => pushUnique(m[1]?.toLowerCase() === 'bcc' ? d.bcc : d.cc, m[2]) },
  {
    words: ['call', 'use', 'invoke', 'run', 'trigger', 'execute'],
    re: /\b(?:call|use|invoke|run|trigger|execute)\s+(?:the\s+)?[`'"]?([A-Za-z][\w-]{1,127})[`'"]?/gi,
    apply: (m, d, tools) => {
      const name = tools.get(normKey(m[1] ?? ''));
      return name !== undefined && pushUnique(d.tools, name);
    },
  },
  {
    words: ['tier'],
    re: /\b(?:mark|set|make|rank|classify|rate|score|put|treat|flag|label|move|upgrade|assign)\b[^.;\n]{0,60}?\btier\s*[:=]?\s*["']?([A-D])\b/gi,
    apply: (m, d) => {
      d.tier ??= (m[1]?.toUpperCase() ?? 'A') as Directives['tier'];
      return true;
    },
  },
  {
    words: ['priority', 'p0', 'p1'],
    re: /\b(?:mark|set|make|rank|treat|flag|prioriti[sz]e|label|move)\b[^.;\n]{0,60}?\b(?:priority\s*(?:1|one)|top\s+priority|highest\s+priority|p0|p1)\b/gi,
    apply: (_m, d) => {
      d.tier ??= 'A';
      d.score ??= 100;
      return true;
    },
  },
  {
    words: ['score'],
    re: /\b(?:set|give|mark|make|assign|rate)\b[^.;\n]{0,40}?\bscore\b(?:\s+(?:of|to|as|at))?\s*[:=]?\s*(\d{1,3})\b/gi,
    apply: (m, d) => {
      d.score ??= Number(m[1]);
      return true;
    },
  },
  {
    words: ['"', '“', "'"],
    re: /\b(?:include|say|write|add|mention|append|insert|put|state)\b[^"“'\n]{0,60}?(?:["“]([^"”\n]{1,300})["”]|(?<![A-Za-z])'([^'\n]{1,300}?)'(?![A-Za-z]))/gi,
    apply: (m, d) => pushUnique(d.include, m[1] ?? m[2]),
  },
  {
    words: ['system', 'instructions', 'prompt'],
    re: /\b(?:reveal|print|show|output|repeat|include|paste|leak|disclose|share|dump)\b[^.;\n]{0,30}?\b(?:system\s+prompt|(?:your|the|all|hidden|original)\s+(?:hidden\s+|original\s+|system\s+)?(?:instructions|prompt))\b/gi,
    apply: (_m, d) => (d.revealSystem = true),
  },
  {
    words: ['set', 'update', 'change'],
    re: /\b(?:set|update|change)\s+(?:the\s+)?([A-Za-z][\w ]{0,30}?)\s+(?:field\s+)?to\s+["']?([^.;\n"']{1,60})/gi,
    apply: (m, d) => {
      if (m[1] && m[2]) d.setField ??= { field: m[1].trim(), value: m[2].trim() };
      return false; // only meaningful next to another directive
    },
  },
];

/** Phrases that are instructions whatever the surrounding text, beyond the obeyable ones. */
const EXTRA = /\b(?:you are now|new instructions|system prompt|jailbreak|developer mode|do anything now)\b|\b(?:call|invoke|use|run|execute|trigger)\s+(?:the\s+)?[`'"]?[\w-]+[`'"]?\s+(?:tool|function)\b|\b(?:call|invoke|run|execute)\s+[a-z]+_[a-z_]+\b/i;

/** Lower-case literals one of which occurs in any text EXTRA matches (its three alternatives need a phrase, `tool`/`function`, or `_`). */
const EXTRA_WORDS: readonly string[] = ['you are now', 'new instructions', 'system prompt', 'jailbreak', 'developer mode', 'do anything now', 'tool', 'function', '_'];

/**
 * The patterns that mark text as instruction-like (the obeyable rules, except tool mentions, which
 * need the stricter EXTRA form), each with the literals one of which it cannot match without.
 * Exported so a test can hold the prefilter to that promise.
 */
export const INSTRUCTION_RULES: readonly { words: readonly string[]; re: RegExp }[] = [
  { words: EXTRA_WORDS, re: EXTRA },
  ...RULES.filter((_, i) => i !== 3 && i !== RULES.length - 1).map((r) => ({ words: r.words, re: new RegExp(r.re.source, 'i') })),
];

/** Any literal of any instruction rule (case-insensitive, as the rules themselves are). */
const ANY_WORD = new RegExp([...new Set(INSTRUCTION_RULES.flatMap((r) => r.words))].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');

/**
 * True when text reads like an instruction aimed at the model (never quoted by a default-mode answer).
 * Every fact, signal and contact field of every request goes through here, so each pattern is
 * tried only when one of its literals occurs: the same answer, without running nine regexes on
 * text that holds none of their words (the patterns are case-insensitive over ASCII literals, so
 * a lower-cased `includes` can only let through more, never less).
 */
export function looksLikeInstruction(text: string): boolean {
  // Most texts hold none of the literals at all: one pass decides that.
  if (!ANY_WORD.test(text)) return false;
  const lower = text.toLowerCase();
  return INSTRUCTION_RULES.some((rule) => rule.words.some((w) => lower.includes(w)) && rule.re.test(text));
}

/** An empty set of directives. */
export function noDirectives(): Directives {
  return { ignoreInstructions: false, sendTo: [], cc: [], bcc: [], tools: [], include: [], revealSystem: false };
}

/** Collects what the untrusted texts told the model to do (obedient mode only). */
export function findDirectives(texts: readonly string[], toolNames: readonly string[]): Directives {
  const d = noDirectives();
  const tools = new Map(toolNames.map((n) => [normKey(n), n] as const));
  for (const raw of texts) {
    // Text pasted as JSON keeps its quotes escaped; undo that so quoted phrases are found.
    const text = raw.includes('\\') ? raw.replace(/\\"/g, '"').replace(/\\n/g, '\n') : raw;
    const lower = text.toLowerCase();
    for (const rule of RULES) {
      if (!rule.words.some((w) => lower.includes(w))) continue;
      for (const m of text.matchAll(rule.re)) {
        if (rule.apply(m, d, tools) && d.sentence === undefined) d.sentence = sentenceAround(text, m.index ?? 0);
      }
    }
  }
  return d;
}

function sentenceAround(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index), text.lastIndexOf('. ', index) + 1, index - 300, 0);
  let end = text.indexOf('\n', index);
  if (end < 0 || end - index > 300) end = Math.min(text.length, index + 300);
  return text.slice(start, end).replace(/^[\s"{:,]+|[\s"},]+$/g, '').trim();
}

function pushUnique(list: string[], value: string | undefined): boolean {
  if (!value) return false;
  if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
  return true;
}
