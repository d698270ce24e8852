// resource.Quantity as Kubernetes' apimachinery parses, rounds and serialises it.
// The data shape is shared: src/kruise/resources/ does arithmetic on it.
//
// Only the exact value, the format and the kept original text decide what Go writes, so one
// shape stands for both of apimachinery's internal forms (int64 fast path and inf.Dec).
import { SidecarsetError } from '../errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value is `value * 10^exp` exactly. */
  value: bigint;
  exp: number;
  format: QuantityFormat;
  /** The original text, kept only where apimachinery keeps it; MarshalJSON then writes it verbatim. */
  cached?: string;
}

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const NANO = -9;
const MAX_INT64 = (1n << 63n) - 1n;
/** Most decimal digits the int64 fast path accepts. */
const MAX_INT64_FACTORS = 18;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX_OF = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_OF = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

/** The zero value Go's decoder leaves for an absent or `null` Quantity; it writes `"0"`. */
export function zeroQuantity(): Quantity {
  return { value: 0n, exp: 0, format: 'DecimalSI' };
}

/** Parses like Quantity.UnmarshalJSON on a string: Go's TrimSpace, then resource.ParseQuantity. */
export function parseQuantity(text: string): Quantity {
  return parseQuantityStrict(trimGoSpace(text));
}

/** resource.ParseQuantity itself (no trimming). Throws SidecarsetError with apimachinery's message. */
export function parseQuantityStrict(str: string): Quantity {
  if (str.length === 0) throw new SidecarsetError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { value: 0n, exp: 0, format: 'DecimalSI', cached: str };

  const { positive, value, num, denom, suffix } = scanQuantity(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new SidecarsetError(QUANTITY_SUFFIX_ERROR);
  const { base, exponent } = interpreted;
  let format = interpreted.format;

  // The int64 fast path, taken when the digits surely fit.
  let precision: number;
  let scale = 0;
  let multiplier = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      multiplier = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale = toInt32(scale - denom.length);
    if (scale >= NANO) {
      const shifted = num + denom;
      const digits = BigInt(shifted);
      const magnitude = digits * multiplier;
      if (magnitude <= MAX_INT64) {
        const q: Quantity = { value: positive ? magnitude : -magnitude, exp: scale, format };
        // apimachinery keeps the text only when it already looks canonical
        const keep =
          format === 'BinarySI'
            ? exponent % 10 === 0 && (digits & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        if (keep) q.cached = str;
        return q;
      }
    }
  }

  // The arbitrary-precision path (inf.Dec): exact value, rounded away from zero to nano.
  const dec = parseDecimal(value);
  if (!dec) throw new SidecarsetError(QUANTITY_NUMERIC_ERROR);
  let unscaled = dec.unscaled;
  let exp = dec.exp;
  if (base === 10) exp = toInt32(exp + exponent);
  else unscaled *= 1n << BigInt(exponent);
  const negative = unscaled < 0n;
  if (negative) unscaled = -unscaled;
  if (unscaled !== 0n && exp < NANO) {
    unscaled = roundAwayFromZero(unscaled, NANO - exp);
    exp = NANO;
  }
  if (format === 'BinarySI' && compareMagnitude(unscaled, exp, MAX_INT64, 0) > 0) {
    unscaled = MAX_INT64;
    exp = 0;
  }
  if (format === 'BinarySI' && unscaled !== 0n && compareMagnitude(unscaled, exp, 1n, 0) < 0) format = 'DecimalSI';
  return { value: negative ? -unscaled : unscaled, exp, format };
}

/** What Quantity.MarshalJSON / String() writes: the cached text if any, else the canonical form. */
export function marshalQuantity(q: Quantity): string {
  if (q.cached) return q.cached;
  return canonicalQuantity(q);
}

/** CanonicalizeBytes: number and suffix as Go computes them when no original text is kept. */
export function canonicalQuantity(q: Quantity): string {
  if (q.value === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    // small or fractional binary values are shown in decimal rather than rounded
    if (compareMagnitude(q.value, q.exp, 1024n, 0) < 0 || !isExactAt(q, 0)) format = 'DecimalSI';
    else {
      let m = q.exp >= 0 ? q.value * 10n ** BigInt(q.exp) : q.value / 10n ** BigInt(-q.exp);
      let times = 0;
      while (abs(m) >= 1024n && m % 1024n === 0n) {
        m /= 1024n;
        times++;
      }
      return m.toString() + (BINARY_SUFFIX_OF.get(times * 10) ?? '');
    }
  }
  // strip factors of ten, then lower the exponent to a multiple of three
  let m = q.value;
  let exp = q.exp;
  while (m % 10n === 0n) {
    m /= 10n;
    exp++;
  }
  const lowered = Math.floor(exp / 3) * 3;
  m *= 10n ** BigInt(exp - lowered);
  exp = lowered;
  let suffix: string;
  if (format === 'DecimalExponent') suffix = exp === 0 ? '' : `e${exp}`;
  else suffix = DECIMAL_SUFFIX_OF.get(exp) ?? ''; // Go writes no suffix at all outside n..E
  return m.toString() + suffix;
}

/** Quantity.RoundUp(scale): rounds away from zero to 10^scale; drops the cached text if the value changed. */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.exp >= scale) return { ...q };
  const value = q.value === 0n ? 0n : signed(q.value, roundAwayFromZero(abs(q.value), scale - q.exp));
  return { value, exp: scale, format: q.format };
}

// ---- scanning, as apimachinery's parseQuantityString does it ----

interface Scanned {
  positive: boolean;
  /** sign and number as written, handed to the inf.Dec parser */
  value: string;
  /** integer digits without leading zeros ("0" when none) */
  num: string;
  /** fraction digits */
  denom: string;
  suffix: string;
}

function scanQuantity(str: string): Scanned {
  const out: Scanned = { positive: true, value: '', num: '', denom: '', suffix: '' };
  const end = str.length;
  let pos = 0;
  if (str[0] === '-') {
    out.positive = false;
    pos++;
  } else if (str[0] === '+') pos++;

  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) {
    out.num = '0';
    out.value = '0';
    return out;
  }
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  out.num = str.slice(pos, i);
  if (i >= end) {
    out.value = str;
    return out;
  }
  pos = i;
  if (out.num.length === 0) out.num = '0';

  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    out.denom = str.slice(pos, i);
    if (i >= end) {
      out.value = str;
      return out;
    }
    pos = i;
  }
  out.value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) {
    out.suffix = str.slice(suffixStart);
    return out;
  }
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) {
    out.suffix = str.slice(suffixStart);
    return out;
  }
  throw new SidecarsetError(QUANTITY_FORMAT_ERROR);
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (s in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[s], format: 'DecimalSI' };
  if (s in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const parsed = parseGoInt64(s.slice(1));
    if (parsed === undefined) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** strconv.ParseInt(s, 10, 64) */
function parseGoInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > MAX_INT64 || v < -MAX_INT64 - 1n) return undefined;
  return v;
}

/** inf.Dec SetString: optional sign, digits with at most one point, at least one digit, nothing else. */
function parseDecimal(s: string): { unscaled: bigint; exp: number } | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(s);
  if (!m || m[2].length + (m[3] ?? '').length === 0) return undefined;
  const frac = m[3] ?? '';
  const unscaled = BigInt(m[2] + frac || '0');
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, exp: -frac.length };
}

// ---- small exact-arithmetic helpers ----

function roundAwayFromZero(magnitude: bigint, dropDigits: number): bigint {
  // a value with fewer digits than are dropped rounds to one unit, without building a huge power of ten
  if (magnitude.toString().length <= dropDigits) return magnitude === 0n ? 0n : 1n;
  const divisor = 10n ** BigInt(dropDigits);
  const q = magnitude / divisor;
  return magnitude % divisor === 0n ? q : q + 1n;
}

function isExactAt(q: Quantity, scale: number): boolean {
  if (q.exp >= scale) return true;
  const drop = scale - q.exp;
  if (abs(q.value).toString().length <= drop) return q.value === 0n;
  return q.value % 10n ** BigInt(drop) === 0n;
}

/** Compares |a|·10^ae with |b|·10^be. */
function compareMagnitude(a: bigint, ae: number, b: bigint, be: number): number {
  const e = Math.min(ae, be);
  const x = abs(a) * 10n ** BigInt(ae - e);
  const y = abs(b) * 10n ** BigInt(be - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function signed(original: bigint, magnitude: bigint): bigint {
  return original < 0n ? -magnitude : magnitude;
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function toInt32(n: number): number {
  return n | 0;
}

/** Go's strings.TrimSpace (unicode.IsSpace), which differs from String.prototype.trim on U+FEFF. */
export function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
