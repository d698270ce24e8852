// Go regular expressions (RE2 syntax, regexp.Compile) for resourcesPolicy.targetContainersNameRegex,
// translated to an equivalent JavaScript RegExp (always compiled with the `u` flag). Kruise
// matches unanchored (MatchString), which is what RegExp.test does.
//
// Supported, with Go's meaning: literals; escapes \a \f \t \n \r \v, octal \123, \x7F, \x{10FFFF},
// any escaped ASCII punctuation, \Q...\E; . ^ $ \A \z \b \B; classes [...] [^...] with ranges,
// POSIX [:name:] / [:^name:], \d \D \s \S \w \W (ASCII, as in Go: \s is [\t\n\f\r ]) and \pX /
// \p{Name} / \P{...} (Go's general categories, scripts and Any); groups (...), (?:...),
// (?P<name>...), (?<name>...); flags (?imsU) and (?imsU:...) including scoped and negated ones;
// * + ? {n} {n,} {n,m} with a lazy `?`, and Go's limits (counts up to 1000, also when nested).
// Go's syntax errors are reported with Go's wording ("error parsing regexp: ...").
// Differences that remain: case-insensitive matching folds ASCII letters (plus ſ and the Kelvin
// sign) only, and \p tables follow the JavaScript engine's Unicode version; neither matters for
// container names, which are ASCII DNS labels. Go's size limit for huge patterns is not checked.
import { SidecarsetError } from '../errors.js';

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** A translated piece and the repeat budget Go's repeatIsValid needs for it. */
interface Atom {
  src: string;
  need: number;
}

interface Frame {
  saved: Flags;
  alternatives: Atom[][];
  seq: Atom[];
}

/** A character class: code-point ranges plus JavaScript property escapes, already case-folded where Go folds. */
interface CharClass {
  ranges: [number, number][];
  props: string[];
  negated?: boolean;
}

const MAX_RUNE = 0x10ffff;
const MAX_REPEAT = 1000;

const PERL_CLASSES: Record<string, [number, number][]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX_CLASSES: Record<string, [number, number][]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

// Go's unicode.Categories keys (Go 1.23).
const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

/** Compiles a Go regexp as a JavaScript RegExp with the same matches. Throws SidecarsetError with Go's message. */
export function compileGoRegexp(pattern: string): RegExp {
  const source = new Translator(pattern).translate();
  try {
    return new RegExp(source, 'u');
  } catch (e) {
    throw new SidecarsetError(`error parsing regexp: unsupported expression: \`${pattern}\` (${(e as Error).message})`);
  }
}

function goError(code: string, expr: string): SidecarsetError {
  return new SidecarsetError(`error parsing regexp: ${code}: \`${expr}\``);
}

class Translator {
  private pos = 0;
  private flags: Flags = { i: false, m: false, s: false, U: false };
  private readonly stack: Frame[];

  constructor(private readonly re: string) {
    this.stack = [{ saved: this.flags, alternatives: [], seq: [] }];
  }

  translate(): string {
    let lastRepeat = -1;
    while (this.pos < this.re.length) {
      const start = this.pos;
      let repeated = false;
      const c = this.re[this.pos];
      switch (c) {
        case '(':
          this.openGroup();
          break;
        case '|':
          this.pos++;
          this.frame.alternatives.push(this.frame.seq);
          this.frame.seq = [];
          break;
        case ')':
          this.closeGroup();
          break;
        case '^':
          this.pos++;
          this.push(this.flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])');
          break;
        case '$':
          this.pos++;
          this.push(this.flags.m ? '(?![^\\n])' : '(?![\\s\\S])');
          break;
        case '.':
          this.pos++;
          this.push(this.flags.s ? '[\\s\\S]' : '[^\\n]');
          break;
        case '[':
          this.push(classSource(this.parseClass()));
          break;
        case '*':
        case '+':
        case '?':
          this.pos++;
          this.repeat(c, start, lastRepeat, -1, -1);
          repeated = true;
          break;
        case '{': {
          const counts = this.parseRepeatCounts();
          if (!counts) {
            this.pos++;
            this.literal(0x7b);
            break;
          }
          const [min, max] = counts;
          if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw goError('invalid repeat count', this.re.slice(start, this.pos));
          }
          this.repeat('{', start, lastRepeat, min, max);
          repeated = true;
          break;
        }
        case '\\':
          this.escape();
          break;
        default: {
          const cp = this.re.codePointAt(this.pos)!;
          this.pos += cp > 0xffff ? 2 : 1;
          this.literal(cp);
        }
      }
      lastRepeat = repeated ? start : -1;
    }
    if (this.stack.length !== 1) throw goError('missing closing )', this.re);
    return this.alternation(this.frame).src;
  }

  private get frame(): Frame {
    return this.stack[this.stack.length - 1];
  }

  private push(src: string, need = 0): void {
    this.frame.seq.push({ src, need });
  }

  private literal(cp: number): void {
    if (this.flags.i) this.push(classSource({ ranges: this.folded([[cp, cp]]), props: [] }));
    else this.push(escapeCodePoint(cp));
  }

  /** Ranges plus, under (?i), their case-fold partners (Go's appendFoldedRange). */
  private folded(ranges: [number, number][]): [number, number][] {
    if (!this.flags.i) return ranges;
    return [...ranges, ...foldPartners((cp) => ranges.some(([lo, hi]) => lo <= cp && cp <= hi))];
  }

  /** A Perl or POSIX group: folded first, then negated, as Go's appendGroup does. */
  private group(ranges: [number, number][], negate: boolean): [number, number][] {
    const base = this.folded(ranges);
    return negate ? negateRanges(base) : base;
  }

  private alternation(frame: Frame): Atom {
    const alts = [...frame.alternatives, frame.seq];
    const src = alts.map((seq) => seq.map((a) => a.src).join('')).join('|');
    const need = Math.max(0, ...alts.flat().map((a) => a.need));
    return { src, need };
  }

  private openGroup(): void {
    const rest = this.re.slice(this.pos);
    if (!rest.startsWith('(?')) {
      this.pos++;
      this.stack.push({ saved: this.flags, alternatives: [], seq: [] });
      return;
    }
    const named = (rest.length > 4 && rest.startsWith('(?P<')) || (rest.length > 3 && rest.startsWith('(?<'));
    if (named) {
      const end = rest.indexOf('>');
      if (end < 0) throw goError('invalid named capture', rest);
      const name = rest.slice(rest[2] === 'P' ? 4 : 3, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw goError('invalid named capture', rest.slice(0, end + 1));
      this.pos += end + 1;
      this.stack.push({ saved: this.flags, alternatives: [], seq: [] });
      return;
    }
    // flags, and maybe a non-capturing group
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    let j = 2;
    while (j < rest.length) {
      const c = rest[j++];
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        flags[c] = !negate;
        sawFlag = true;
      } else if (c === '-' && !negate) {
        negate = true;
        sawFlag = false;
      } else if ((c === ':' || c === ')') && !(negate && !sawFlag)) {
        this.pos += j;
        if (c === ':') this.stack.push({ saved: this.flags, alternatives: [], seq: [] });
        this.flags = flags;
        return;
      } else break;
    }
    throw goError('invalid or unsupported Perl syntax', rest.slice(0, j));
  }

  private closeGroup(): void {
    if (this.stack.length < 2) throw goError('unexpected )', this.re);
    this.pos++;
    const frame = this.stack.pop()!;
    const inner = this.alternation(frame);
    this.flags = frame.saved;
    this.push(`(?:${inner.src})`, inner.need);
  }

  /** {n} {n,} {n,m} with Go's parseInt (no leading zeros; too big gives -1), or undefined for a literal `{`. */
  private parseRepeatCounts(): [number, number] | undefined {
    const m = /^\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}/.exec(this.re.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    const num = (s: string): number => (s.length > 9 || Number(s) >= 1e9 ? -1 : Number(s));
    let min = num(m[1]);
    let max = m[2] === undefined ? min : m[3] === undefined ? -1 : num(m[3]);
    if (m[3] !== undefined && max < 0) min = -1;
    if (m[2] === undefined && min < 0) max = -1;
    return [min, max];
  }

  private repeat(op: string, start: number, lastRepeat: number, min: number, max: number): void {
    let lazy = false;
    if (this.re[this.pos] === '?') {
      this.pos++;
      lazy = true;
    }
    if (lastRepeat >= 0) throw goError('invalid nested repetition operator', this.re.slice(lastRepeat, this.pos));
    const seq = this.frame.seq;
    if (seq.length === 0) throw goError('missing argument to repetition operator', this.re.slice(start, this.pos));
    const atom = seq.pop()!;
    let quantifier = op;
    let need = atom.need;
    if (op === '{') {
      quantifier = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
      // Go bounds the product of nested counts (repeatIsValid), not only each count
      const m = max < 0 ? min : max;
      if (max === 0) need = 0;
      else if (m > 0) need = m * Math.max(1, atom.need);
      if ((min >= 2 || max >= 2) && need > MAX_REPEAT) {
        throw goError('invalid repeat count', this.re.slice(start, this.pos));
      }
    }
    seq.push({ src: `(?:${atom.src})${quantifier}${lazy !== this.flags.U ? '?' : ''}`, need });
  }

  private escape(): void {
    const next = this.re[this.pos + 1];
    switch (next) {
      case 'A':
        this.pos += 2;
        return this.push('(?<![\\s\\S])');
      case 'z':
        this.pos += 2;
        return this.push('(?![\\s\\S])');
      case 'b':
        this.pos += 2;
        return this.push('\\b');
      case 'B':
        this.pos += 2;
        return this.push('\\B');
      case 'C':
        throw goError('invalid escape sequence', '\\C');
      case 'Q': {
        const end = this.re.indexOf('\\E', this.pos + 2);
        const text = this.re.slice(this.pos + 2, end < 0 ? this.re.length : end);
        this.pos = end < 0 ? this.re.length : end + 2;
        for (const ch of text) this.literal(ch.codePointAt(0)!);
        return;
      }
    }
    const cls = this.classEscape();
    if (cls) return this.push(classSource(cls));
    this.literal(this.parseEscape());
  }

  /** \p{...} \P{...} \pX and \d \D \s \S \w \W at pos, as a class; undefined when none is there. */
  private classEscape(): CharClass | undefined {
    const next = this.re[this.pos + 1];
    if (next === 'p' || next === 'P') return this.unicodeClass();
    if (next !== undefined && 'dDsSwW'.includes(next)) {
      this.pos += 2;
      return { ranges: this.group(PERL_CLASSES[next.toLowerCase()], next === next.toUpperCase()), props: [] };
    }
    return undefined;
  }

  private unicodeClass(): CharClass {
    const start = this.pos;
    let negated = this.re[this.pos + 1] === 'P';
    let name: string;
    if (this.re[this.pos + 2] === '{') {
      const end = this.re.indexOf('}', this.pos);
      if (end < 0) throw goError('invalid character class range', this.re.slice(start));
      name = this.re.slice(this.pos + 3, end);
      this.pos = end + 1;
    } else {
      const cp = this.re.codePointAt(this.pos + 2);
      name = cp === undefined ? '' : String.fromCodePoint(cp);
      this.pos += 2 + name.length;
    }
    const seq = this.re.slice(start, this.pos);
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    let body: string;
    if (name === 'Any') body = 'Any';
    else if (CATEGORIES.has(name)) body = name;
    else body = `Script=${name}`;
    const prop = `\\${negated ? 'P' : 'p'}{${body}}`;
    if (!/^[A-Za-z_=]+$/.test(body) || !isValidJsProperty(prop)) throw goError('invalid character class range', seq);
    if (!this.flags.i) return { ranges: [], props: [prop] };
    // Go folds the table before negating it, which a JavaScript class cannot express
    if (negated) throw goError('unsupported by this tool: negated Unicode class under (?i)', seq);
    const re = new RegExp(`^${prop}$`, 'u');
    return { ranges: foldPartners((cp) => re.test(String.fromCodePoint(cp))), props: [prop] };
  }

  /** Go's parseEscape: one escaped character. */
  private parseEscape(): number {
    const start = this.pos;
    this.pos++;
    if (this.pos >= this.re.length) throw goError('trailing backslash at end of expression', '');
    const c = this.re.codePointAt(this.pos)!;
    this.pos += c > 0xffff ? 2 : 1;
    const fail = (): never => {
      throw goError('invalid escape sequence', this.re.slice(start, this.pos));
    };
    const octal = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '7';
    if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCharCode(c))) return c;
    const ch = String.fromCodePoint(c);
    if ((ch >= '1' && ch <= '7' && octal(this.re[this.pos])) || ch === '0') {
      let r = c - 0x30;
      for (let k = 1; k < 3 && octal(this.re[this.pos]); k++) r = r * 8 + (this.re.charCodeAt(this.pos++) - 0x30);
      return r;
    }
    if (ch === 'x') {
      if (this.re[this.pos] === '{') {
        // any number of hex digits in braces, at least one, up to the largest code point
        this.pos++;
        let r = 0;
        let digits = 0;
        for (;;) {
          if (this.pos >= this.re.length) return fail();
          const h = this.re[this.pos++];
          if (h === '}') break;
          if (!/[0-9A-Fa-f]/.test(h)) return fail();
          r = r * 16 + parseInt(h, 16);
          if (r > MAX_RUNE) return fail();
          digits++;
        }
        return digits === 0 ? fail() : r;
      }
      const m = /^[0-9A-Fa-f]{2}/.exec(this.re.slice(this.pos));
      if (!m) {
        this.pos = Math.min(this.re.length, this.pos + 2);
        return fail();
      }
      this.pos += 2;
      return parseInt(m[0], 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (ch in simple) return simple[ch];
    return fail();
  }

  private parseClass(): CharClass {
    const classStart = this.pos;
    this.pos++;
    let negated = false;
    if (this.re[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const cls: CharClass = { ranges: [], props: [] };
    let first = true;
    while (first || this.re[this.pos] !== ']') {
      first = false;
      if (this.pos >= this.re.length) throw goError('missing closing ]', this.re.slice(classStart));
      const rest = this.re.slice(this.pos);
      if (rest.length > 2 && rest.startsWith('[:')) {
        const end = rest.indexOf(':]', 2);
        if (end >= 0) {
          const name = rest.slice(0, end + 2);
          const inner = name.slice(2, -2);
          const ranges = POSIX_CLASSES[inner.replace(/^\^/, '')];
          if (!ranges) throw goError('invalid character class range', name);
          cls.ranges.push(...this.group(ranges, inner.startsWith('^')));
          this.pos += name.length;
          continue;
        }
      }
      const escaped = rest.startsWith('\\') ? this.classEscape() : undefined;
      if (escaped) {
        cls.ranges.push(...escaped.ranges);
        cls.props.push(...escaped.props);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.classChar(classStart);
      let hi = lo;
      if (this.re[this.pos] === '-' && this.pos + 1 < this.re.length && this.re[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.classChar(classStart);
        if (hi < lo) throw goError('invalid character class range', this.re.slice(rangeStart, this.pos));
      }
      cls.ranges.push(...this.folded([[lo, hi]]));
    }
    this.pos++;
    cls.negated = negated;
    return cls;
  }

  private classChar(classStart: number): number {
    if (this.pos >= this.re.length) throw goError('missing closing ]', this.re.slice(classStart));
    if (this.re[this.pos] === '\\') return this.parseEscape();
    const cp = this.re.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

function classSource(cls: CharClass): string {
  const items = cls.ranges
    .map(([lo, hi]) => (lo === hi ? escapeCodePoint(lo) : `${escapeCodePoint(lo)}-${escapeCodePoint(hi)}`))
    .join('');
  return `[${cls.negated ? '^' : ''}${items}${cls.props.join('')}]`;
}

function escapeCodePoint(cp: number): string {
  return /[0-9A-Za-z_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;
}

function negateRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

// Case-folding orbits that touch ASCII: a/A ... z/Z, plus k/K/KELVIN SIGN and s/S/LATIN SMALL LONG S.
const FOLD_ORBITS: number[][] = [];
for (let c = 0x61; c <= 0x7a; c++) {
  const orbit = [c, c - 0x20];
  if (c === 0x6b) orbit.push(0x212a);
  if (c === 0x73) orbit.push(0x17f);
  FOLD_ORBITS.push(orbit);
}

/** Every member of an ASCII-touching fold orbit that meets the class (Go's SimpleFold closure, ASCII part). */
function foldPartners(inClass: (cp: number) => boolean): [number, number][] {
  const extra: [number, number][] = [];
  for (const orbit of FOLD_ORBITS) {
    if (orbit.some(inClass)) for (const cp of orbit) extra.push([cp, cp]);
  }
  return extra;
}

function isValidJsProperty(prop: string): boolean {
  try {
    new RegExp(prop, 'u');
    return true;
  } catch {
    return false;
  }
}

export type GoRegexpResult = { regexp: RegExp; error?: undefined } | { regexp?: undefined; error: string };

/** compileGoRegexp for validators, which report the error text instead of stopping. */
export function tryCompileGoRegexp(pattern: string): GoRegexpResult {
  try {
    return { regexp: compileGoRegexp(pattern) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
