// Go's fmt %q / strconv.Quote, for messages that must read exactly as Kruise's.

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else if (ch === ' ' || (cp >= 0x21 && cp < 0x7f) || (cp > 0xa0 && printable().test(ch))) out += ch;
    else if (ch in SHORT_ESCAPES) out += SHORT_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

// Made on first use: a Unicode-class pattern costs start-up time, and most texts are ASCII.
let PRINTABLE: RegExp | undefined;
const printable = () => (PRINTABLE ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u);
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};
