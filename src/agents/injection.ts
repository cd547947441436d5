/**
 * Recognises text in account data that addresses an automated reader ("ignore previous
 * instructions…"). Such text is never a fact: it is kept out of the candidate facts, and a draft
 * for an account that carries it is flagged for the reviewer. The model is still told that all
 * data is data; this is a second, deterministic line of defence, not the only one.
 */
import type { AccountContext } from './types.ts';

// Bounded quantifiers only, so scanning stays linear on hostile input.
const PATTERNS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|my|of|these|those)\s+){0,3}(?:(?:previous|prior|above|earlier|preceding|existing|system|other|original)\s+){0,2}(?:instructions?|rules|guidelines|directions|prompts?|guardrails|rubric)\b/i,
  /\b(?:you are now|new instructions|system prompt|developer mode|jailbreak|as an ai (?:model|assistant)|as a language model)\b/i,
  /\b(?:e-?mail|send|forward|cc|bcc)\b[^.\n]{0,60}\b(?:everyone|every contact|all (?:the )?contacts|the (?:whole|entire|full) (?:team|contact list|list))\b/i,
  /\b(?:e-?mail|send|forward|share)\b[^.\n]{0,80}\bto\s+[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b[^.\n]{0,40}\b(?:immediately|instead|now|as well)\b/i,
  /\b(?:mark|set|make|rank|classify|rate|treat|label|move|upgrade|assign)\b[^.\n]{0,60}\b(?:tier\s*[:=]?\s*["']?[A-D]\b|top priority|highest priority|priority\s*(?:1|one)\b)/i,
  /\b(?:set|give|assign)\b[^.\n]{0,40}\bscore\b(?:\s+(?:of|to|as|at))?\s*[:=]?\s*\d{1,3}\b/i,
  /\b(?:reveal|print|show|output|repeat|leak|disclose|dump)\b[^.\n]{0,30}\b(?:system prompt|your (?:hidden |original )?(?:instructions|prompt))\b/i,
];

/** True when the text reads like an instruction aimed at the model rather than information. */
export function looksLikeInstruction(text: string): boolean {
  return PATTERNS.some((re) => re.test(text));
}

/** Every piece of account data (notes, signals, activities, memory) that reads like an instruction. */
export function instructionLikeData(ctx: AccountContext): string[] {
  const texts = [
    ctx.account.notes ?? '',
    ctx.account.name,
    ...ctx.account.signals,
    ...ctx.activities.map((a) => a.summary),
    ...ctx.contacts.flatMap((c) => [c.name, c.title ?? '']),
    ctx.memory.summary?.content ?? '',
    ...ctx.memory.facts.map((m) => m.content),
    ...ctx.memory.interactions.map((m) => m.content),
    ...ctx.memory.resonated.map((m) => m.content),
  ];
  return texts.filter((t) => t !== '' && looksLikeInstruction(t));
}
