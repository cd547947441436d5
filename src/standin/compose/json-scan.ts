/**
 * Finds JSON values embedded in free text (tool results, `<data>` blocks, prompts that paste records).
 *
 * One pass pairs brackets while tracking JSON strings; candidates are then parsed outermost first
 * (in order of their opening bracket, skipping whatever a parsed value contains).
 * A raw newline inside a string cannot be JSON, so it resets the scan: a stray quote in prose only
 * costs the rest of its line. The bytes handed to `JSON.parse` are capped at a small multiple of the
 * text length, which keeps the whole scan linear even for deeply nested non-JSON brackets.
 */

const OPEN_OBJ = 123; // {
const CLOSE_OBJ = 125; // }
const OPEN_ARR = 91; // [
const CLOSE_ARR = 93; // ]
const QUOTE = 34; // "
const BACKSLASH = 92;
const NEWLINE = 10;

/** Every top-level JSON object or array found in `text`, in order of appearance. */
export function findJsonValues(text: string): unknown[] {
  const endAt = bracketPairs(text);
  if (endAt === undefined) return [];
  const found: unknown[] = [];
  let budget = 4 * text.length + 65_536;
  for (let start = 0; start < text.length; start++) {
    const end = (endAt[start] ?? 0) - 1; // stored +1 so that 0 means "no pair starts here"
    if (end - start < 2) continue;
    const length = end - start + 1;
    if (length > budget) continue;
    budget -= length;
    try {
      found.push(JSON.parse(text.slice(start, end + 1)) as unknown);
      start = end; // skip everything inside the parsed value
    } catch {
      // Not JSON: pairs inside it still get their chance.
    }
  }
  return found;
}

/** For each position that opens a matched `{…}` / `[…]` span, its end + 1 (brackets inside strings ignored). */
function bracketPairs(text: string): Int32Array | undefined {
  if (!text.includes('{') && !text.includes('[')) return undefined;
  const endAt = new Int32Array(text.length);
  const stack = new Int32Array(text.length + 1);
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      else if (c === NEWLINE) {
        inString = false;
        depth = 0;
      }
      continue;
    }
    if (c === QUOTE) {
      // Quotes only open strings inside brackets; at depth 0 they are prose.
      if (depth > 0) inString = true;
    } else if (c === OPEN_OBJ || c === OPEN_ARR) {
      stack[depth++] = i;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      if (depth === 0) continue;
      const open = stack[--depth] ?? 0;
      if (text.charCodeAt(open) !== (c === CLOSE_OBJ ? OPEN_OBJ : OPEN_ARR)) {
        depth = 0;
        continue;
      }
      endAt[open] = i + 1;
    }
  }
  return endAt;
}
