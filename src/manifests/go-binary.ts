// `!!binary` as kubectl reads it. go-yaml v2 decodes the scalar as standard base64 (line breaks ignored, padding
// required, nothing else allowed) into a Go string of its bytes, and failing that stops with "!!binary value
// contains invalid base64 data"; turned into JSON, each byte that is not part of valid UTF-8 becomes U+FFFD.
// yaml's own binary tag reads more than standard base64 and gives a Uint8Array, which no manifest field holds.
import type { Scalar, ScalarTag } from 'yaml';

export const BINARY_TAG = 'tag:yaml.org,2002:binary';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** yaml's binary tag, reading and printing `!!binary` values as the strings kubectl makes of them. */
export function goBinaryTag(yamlBinary: ScalarTag): ScalarTag {
  return {
    ...yamlBinary,
    resolve(source, onError) {
      const text = source.replace(/[\r\n]/g, '');
      if (!STD_BASE64.test(text)) {
        onError('!!binary value contains invalid base64 data');
        return source;
      }
      return goString(Buffer.from(text, 'base64'));
    },
    // printed as yaml prints bytes (base64 in lines), from the string's UTF-8
    stringify(item, ctx, onComment, onChompKeep) {
      const bytes = item.clone() as Scalar;
      bytes.value = Buffer.from(String(item.value), 'utf8');
      return yamlBinary.stringify!(bytes, ctx, onComment, onChompKeep);
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as a Go string converted to JSON: valid UTF-8 as it is, U+FFFD for every other byte. */
export function goString(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // some bytes are not UTF-8: take the valid runs whole and replace the rest byte by byte
  }
  let out = '';
  let run = 0;
  for (let i = 0; i < bytes.length;) {
    const n = runeLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += utf8.decode(bytes.subarray(run, i)) + '\uFFFD';
    run = ++i;
  }
  return out + utf8.decode(bytes.subarray(run));
}

/** The length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune accepts it), or 0. */
function runeLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
