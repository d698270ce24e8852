// The tokenizer of Kruise's resource calculator (pkg/util/calculator/lexer.go), reproduced byte for
// byte: Go walks the UTF-8 input one byte at a time and classifies each byte as if it were the
// Latin-1 rune of the same number, so a multi-byte character splits into several "runes". A NUL
// byte ends the input. Line and column are counted as Go counts them, for syntax-error messages.

export type Token =
  | { kind: 'number' | 'quantity'; text: string }
  | { kind: 'ident'; text: string }
  | { kind: 'op'; op: '+' | '-' | '*' | '/' | '(' | ')' | ',' }
  | { kind: 'eof' }
  /** any other byte: the parser's unknown token, always a syntax error */
  | { kind: 'unknown' };

// Units the lexer accepts as a quantity suffix (E and Ei are not among them: 'E' is read as an exponent).
const QUANTITY_UNITS = new Set(['m', 'k', 'M', 'G', 'T', 'P', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi']);

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** unicode.IsSpace of the byte read as a rune. */
const isSpace = (b: number): boolean => (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0x85 || b === 0xa0;

/** unicode.IsLetter of the byte read as a rune (ASCII and Latin-1 letters). */
function isLetter(b: number): boolean {
  if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) return true;
  if (b === 0xaa || b === 0xb5 || b === 0xba) return true;
  return b >= 0xc0 && b !== 0xd7 && b !== 0xf7;
}

const isIdentByte = (b: number): boolean => isLetter(b) || isDigit(b) || b === 0x5f;

const OPS: Record<number, '+' | '-' | '*' | '/' | '(' | ')' | ','> = {
  0x2b: '+',
  0x2d: '-',
  0x2a: '*',
  0x2f: '/',
  0x28: '(',
  0x29: ')',
  0x2c: ',',
};

export class CalculatorLexer {
  private readonly bytes: Uint8Array;
  private pos = 0;
  /** position after the last token read, as the parser's error message reports it */
  line = 1;
  col = 1;

  constructor(input: string) {
    this.bytes = new TextEncoder().encode(input);
  }

  next(): Token {
    while (this.peek() !== 0 && isSpace(this.peek())) this.advance();
    const b = this.advance();
    if (b === 0) return { kind: 'eof' };
    const op = OPS[b];
    if (op) return { kind: 'op', op };
    if (b === 0x2e || isDigit(b)) {
      this.back();
      const text = this.readNumber();
      return { kind: isQuantity(text) ? 'quantity' : 'number', text: latin1(text) };
    }
    if (isLetter(b)) {
      this.back();
      const start = this.pos;
      while (this.peek() !== 0 && isIdentByte(this.peek())) this.advance();
      return { kind: 'ident', text: decodeGoString(this.bytes.subarray(start, this.pos)) };
    }
    return { kind: 'unknown' };
  }

  private peek(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos] : 0;
  }

  private advance(): number {
    if (this.pos >= this.bytes.length) return 0;
    const b = this.bytes[this.pos++];
    if (b === 0x0a) {
      this.line++;
      this.col = 1;
    } else this.col++;
    return b;
  }

  private back(): void {
    this.pos--;
    this.col--;
  }

  /** Digits, one point, one exponent (sign only right after it), one percent, then a run of letters. */
  private readNumber(): Uint8Array {
    const start = this.pos;
    let seenDot = false;
    let seenE = false;
    let seenPercent = false;
    let expectExponentDigit = false;
    for (;;) {
      const r = this.peek();
      if (r === 0) break;
      if (isDigit(r)) {
        expectExponentDigit = false;
        this.advance();
      } else if (r === 0x2e) {
        if (seenDot || seenE || seenPercent) break;
        seenDot = true;
        this.advance();
      } else if (r === 0x65 || r === 0x45) {
        if (seenE || seenPercent) break;
        seenE = true;
        expectExponentDigit = true;
        this.advance();
      } else if (r === 0x2b || r === 0x2d) {
        if (!expectExponentDigit) break;
        expectExponentDigit = false;
        this.advance();
      } else if (r === 0x25) {
        if (seenPercent) break;
        seenPercent = true;
        this.advance();
      } else {
        if (isLetter(r) && !expectExponentDigit) {
          while (isLetter(this.peek())) this.advance();
        }
        break;
      }
    }
    return this.bytes.subarray(start, this.pos);
  }
}

/** The token is a quantity when what follows its numeric characters is one of the known units. */
function isQuantity(text: Uint8Array): boolean {
  let numEnd = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text[i];
    if (!isDigit(b) && b !== 0x2e && b !== 0x65 && b !== 0x45 && b !== 0x2b && b !== 0x2d) {
      numEnd = i;
      break;
    }
  }
  if (numEnd === 0) return false;
  return QUANTITY_UNITS.has(latin1(text.subarray(numEnd)));
}

/** Number and quantity texts are only parsed, never shown: any non-ASCII byte makes them invalid anyway. */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** Go's view of a byte string as text: valid UTF-8 sequences decode, every other byte is U+FFFD. */
export function decodeGoString(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const [cp, size] = decodeRune(bytes, i);
    out += String.fromCodePoint(cp);
    i += size;
  }
  return out;
}

function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i];
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number): number => (i + k < b.length && (b[i + k] & 0xc0) === 0x80 ? b[i + k] & 0x3f : -1);
  let need: number;
  let cp: number;
  let min: number;
  if (c0 >= 0xc2 && c0 <= 0xdf) [need, cp, min] = [1, c0 & 0x1f, 0x80];
  else if (c0 >= 0xe0 && c0 <= 0xef) [need, cp, min] = [2, c0 & 0x0f, 0x800];
  else if (c0 >= 0xf0 && c0 <= 0xf4) [need, cp, min] = [3, c0 & 0x07, 0x10000];
  else return [0xfffd, 1];
  for (let k = 1; k <= need; k++) {
    const c = cont(k);
    if (c < 0) return [0xfffd, 1];
    cp = (cp << 6) | c;
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [0xfffd, 1];
  return [cp, need + 1];
}
