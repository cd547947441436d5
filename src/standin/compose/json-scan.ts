/**
 * Finds JSON values embedded in free text (tool results, `<data>` blocks, prompts that paste records).
 *
 * One pass pairs brackets while tracking JSON strings; candidates are then parsed outermost first
 * (in order of their opening bracket, skipping whatever a parsed value contains).
 * A raw newline inside a string cannot be JSON, so it resets the scan: a stray quote in prose only
 * costs the rest of its line. The bytes handed to `JSON.parse` are capped at a small multiple of the
 * text length, which keeps the whole scan linear even for deeply nested non-JSON brackets.
 */

/** Every top-level JSON object or array found in `text`, in order of appearance. */
export function findJsonValues(text: string): unknown[] {
  const found: unknown[] = [];
  forEachJsonSource(text, (source) => {
    try {
      found.push(JSON.parse(source) as unknown);
      return true;
    } catch {
      return false;
    }
  });
  return found;
}

/**
 * Offers every candidate `{…}` / `[…]` span of `text` to `accept`, outermost first, in order of
 * appearance. `accept` answers whether the span is JSON (it parsed it, or knows its parse); a
 * span that is JSON is consumed whole, one that is not leaves the pairs inside it their chance.
 */
export function forEachJsonSource(text: string, accept: (source: string) => boolean): void {
  if (!text.includes('{') && !text.includes('[')) return;
  // The shared scratch arrays are only lent to one scan at a time; a nested scan gets its own.
  const shared = !scratchInUse;
  const pairs = bracketPairs(text, shared ? scratch : newScratch(64));
  if (shared) scratchInUse = true;
  try {
    let budget = 4 * text.length + 65_536;
    let consumedTo = -1;
    for (let k = 0; k < pairs.count; k++) {
      const start = pairs.opens[k] ?? 0;
      const end = (pairs.ends[k] ?? 0) - 1; // stored +1 so that 0 means "never closed"
      if (start <= consumedTo || end - start < 2) continue;
      const length = end - start + 1;
      if (length > budget) continue;
      budget -= length;
      if (accept(text.slice(start, end + 1))) consumedTo = end; // skip everything inside the parsed value
    }
  } finally {
    if (shared) scratchInUse = false;
  }
}

/**
 * Opening brackets in order of position (`opens`), each with its matching end + 1 (`ends`, 0 when
 * it never closed), and a stack of indices into them. Kept per opening bracket rather than per
 * character, and reused across scans: allocating arrays the size of every prompt text cost more
 * than the scan. Grown on demand; at most SCRATCH_MAX brackets are kept between scans.
 */
type Scratch = { opens: Int32Array; ends: Int32Array; stack: Int32Array; count: number };
const SCRATCH_MAX = 64 * 1024;
let scratch = newScratch(1024);
let scratchInUse = false;

function newScratch(size: number): Scratch {
  return { opens: new Int32Array(size), ends: new Int32Array(size), stack: new Int32Array(size), count: 0 };
}

/**
 * Pairs the brackets of `text` (brackets inside strings ignored) into `into`, grown as needed.
 *
 * Works by jumps rather than a `charCodeAt` per character: outside brackets only an opening
 * bracket matters, and a string is skipped to its closing quote with `indexOf`. (Besides being
 * fewer steps, this avoids `charCodeAt`, which V8 stops inlining once any module subclasses
 * String; the CLI process that serves `bookrun standin` loads one, ioredis, and the per-character
 * scan then cost several times more.)
 */
function bracketPairs(text: string, into: Scratch): Scratch {
  const n = text.length;
  let pairs = into;
  let count = 0;
  let depth = 0;
  // Next occurrence at or after the current position, found lazily and reused: linear overall.
  let nextObject = -1;
  let nextArray = -1;
  let nextBackslash = -1;
  let nextNewline = -1;
  const find = (ch: string, from: number): number => {
    const at = text.indexOf(ch, from);
    return at < 0 ? n : at;
  };
  let i = 0;
  while (i < n) {
    if (depth === 0) {
      // Outside brackets quotes are prose and closers unmatched: go to the next opener.
      if (nextObject < i) nextObject = find('{', i);
      if (nextArray < i) nextArray = find('[', i);
      i = Math.min(nextObject, nextArray);
      if (i >= n) break;
    }
    const c = text[i];
    if (c === '"') {
      // A JSON string: ends at an unescaped quote; a raw newline ends it too and resets the scan.
      let j = i + 1;
      for (;;) {
        const quote = find('"', j);
        if (nextBackslash < j) nextBackslash = find('\\', j);
        if (nextNewline < j) nextNewline = find('\n', j);
        const stop = Math.min(quote, nextBackslash, nextNewline);
        if (stop >= n) {
          j = n;
          break;
        }
        if (stop === nextBackslash) {
          j = stop + 2; // the escaped character, whatever it is
          continue;
        }
        if (stop === nextNewline) depth = 0;
        j = stop + 1;
        break;
      }
      i = j;
      continue;
    }
    if (c === '{' || c === '[') {
      if (count === pairs.opens.length) pairs = grow(pairs, count);
      pairs.opens[count] = i;
      pairs.ends[count] = 0;
      pairs.stack[depth++] = count++;
    } else if (c === '}' || c === ']') {
      const k = pairs.stack[--depth] ?? 0;
      if (text[pairs.opens[k] ?? 0] !== (c === '}' ? '{' : '[')) depth = 0;
      else pairs.ends[k] = i + 1;
    }
    i++;
  }
  pairs.count = count;
  if (into === scratch && pairs !== into && pairs.opens.length <= SCRATCH_MAX) scratch = pairs;
  return pairs;
}

function grow(pairs: Scratch, count: number): Scratch {
  const bigger = newScratch(pairs.opens.length * 2);
  bigger.opens.set(pairs.opens.subarray(0, count));
  bigger.ends.set(pairs.ends.subarray(0, count));
  bigger.stack.set(pairs.stack);
  return bigger;
}
