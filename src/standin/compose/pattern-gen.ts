/**
 * Best-effort `pattern` support: test a candidate against the pattern, and when it fails build the
 * shortest string a simple regex accepts (literals, escapes, classes, groups, alternation,
 * quantifiers). Lookarounds and backreferences are skipped; the result is always re-tested.
 */

const compiled = new Map<string, RegExp | null>();

/** The pattern compiled once (null when it is not a valid ECMAScript regex). */
function regexFor(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** True when `text` matches, or when the pattern cannot be compiled (nothing to honour). */
export function matchesPattern(pattern: string, text: string): boolean {
  const re = regexFor(pattern);
  return re === null || re.test(text);
}

/** A string accepted by `pattern`, or undefined when this generator cannot produce one. */
export function sampleForPattern(pattern: string, preferred = ''): string | undefined {
  let out: string;
  try {
    out = new Gen(pattern, preferred).alternation();
  } catch {
    return undefined;
  }
  return matchesPattern(pattern, out) ? out : undefined;
}

class Gen {
  private i = 0;
  private letters: string;
  constructor(
    private readonly src: string,
    preferred: string,
  ) {
    this.letters = preferred.replace(/[^A-Za-z0-9]/g, '') || 'a';
  }

  alternation(): string {
    const first = this.sequence();
    while (this.src[this.i] === '|') {
      this.i++;
      this.sequence(); // later alternatives are parsed and dropped
    }
    return first;
  }

  private sequence(): string {
    let out = '';
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      out += this.repeat(atom);
    }
    return out;
  }

  private atom(): string {
    const c = this.src[this.i++] ?? '';
    switch (c) {
      case '^':
      case '$':
        return '';
      case '.':
        return this.letter();
      case '[':
        return this.charClass();
      case '(': {
        let skip = false;
        if (this.src[this.i] === '?') {
          const kind = this.src.slice(this.i, this.i + 3);
          skip = kind.startsWith('?=') || kind.startsWith('?!') || kind.startsWith('?<=') || kind.startsWith('?<!');
          if (kind.startsWith('?<') && !skip) this.i = this.src.indexOf('>', this.i) + 1;
          else this.i += skip ? (kind.startsWith('?<') ? 3 : 2) : 2;
        }
        const inner = this.alternation();
        if (this.src[this.i] !== ')') throw new Error('unbalanced');
        this.i++;
        return skip ? '' : inner;
      }
      case '\\':
        return this.escape(this.src[this.i++] ?? '');
      default:
        return c;
    }
  }

  private repeat(atom: string): string {
    const q = this.src[this.i];
    let min = 1;
    if (q === '*' || q === '?') {
      min = 0;
      this.i++;
    } else if (q === '+') this.i++;
    else if (q === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i));
      if (m?.[1]) {
        min = Number(m[1]);
        this.i += m[0].length;
      }
    } else return atom;
    if (this.src[this.i] === '?') this.i++;
    return atom.repeat(Math.min(min, 256));
  }

  private escape(c: string): string {
    switch (c) {
      case 'd':
        return '0';
      case 'w':
        return this.letter();
      case 's':
        return ' ';
      case 'D':
      case 'W':
      case 'S':
        return c === 'D' ? 'a' : c === 'W' ? '-' : 'a';
      case 'b':
      case 'B':
        return '';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      default:
        return c;
    }
  }

  private charClass(): string {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const members: string[] = [];
    while (this.i < this.src.length && (this.src[this.i] !== ']' || members.length === 0)) {
      let c = this.src[this.i++] ?? '';
      if (c === '\\') c = this.escape(this.src[this.i++] ?? '');
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let hi = this.src[this.i++] ?? c;
        if (hi === '\\') hi = this.src[this.i++] ?? c;
        members.push(`${c}-${hi}`);
      } else members.push(c);
    }
    this.i++;
    if (!negated) {
      const first = members[0] ?? 'a';
      return first.length === 3 && first[1] === '-' ? (first[0] ?? 'a') : first;
    }
    for (const candidate of ['a', 'x', '0', ' ', '_']) {
      if (!members.some((m) => (m.length === 3 && m[1] === '-' ? candidate >= (m[0] ?? '') && candidate <= (m[2] ?? '') : m === candidate))) return candidate;
    }
    return '~';
  }

  private letter(): string {
    return this.letters[0] ?? 'a';
  }
}
