// Input bytes are UTF-8, as Kubernetes requires: anything else is refused with its place, never replaced with
// U+FFFD, so that nothing is written back (--in-place) that was not read faithfully.
import { SidecarsetError } from '../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of a source's bytes (a BOM dropped); bytes that are not UTF-8 are refused with their offset. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw notUtf8(bytes, 0, 0, source);
  }
}

/** Decodes a source that arrives in chunks; a failure names the byte offset within the whole source. */
export class Utf8Chunks {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private consumed = 0;
  private previous: Uint8Array = new Uint8Array(0);

  constructor(private readonly source: string) {}

  decode(chunk?: Uint8Array): string {
    try {
      return chunk === undefined ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
    } catch {
      // the bad sequence starts in this chunk or in the incomplete tail of the one before
      const start = this.consumed - this.previous.length;
      const both = new Uint8Array(this.previous.length + (chunk?.length ?? 0));
      both.set(this.previous);
      if (chunk) both.set(chunk, this.previous.length);
      throw notUtf8(both, start, leadingContinuations(this.previous), this.source);
    } finally {
      if (chunk) {
        this.consumed += chunk.length;
        this.previous = chunk;
      }
    }
  }
}

function notUtf8(bytes: Uint8Array, base: number, from: number, source: string): SidecarsetError {
  const at = firstInvalidUtf8(bytes, from);
  const offset = base + at;
  const shown = at < bytes.length ? `0x${bytes[at].toString(16).padStart(2, '0')}` : 'the end of input';
  return new SidecarsetError(
    `invalid UTF-8 at byte offset ${offset} (${shown}): manifests must be UTF-8; convert the file (iconv -t UTF-8)`,
    { source },
  );
}

function leadingContinuations(bytes: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i] & 0xc0) === 0x80) i++;
  return i;
}

/** Where the first ill-formed UTF-8 sequence starts (Unicode's table 3-7 of well-formed sequences). */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      // an incomplete sequence at the end is invalid where it starts
      if (c === undefined) return i;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return bytes.length;
}
