// resource.Quantity arithmetic with apimachinery's semantics, as Kruise's resource calculator and
// resourcesPolicy aggregation use it (Add, Neg, Cmp, MilliValue, SetMilli, NewQuantity,
// NewMilliQuantity, Sign) plus Go's float64 -> int64 conversion.
//
// apimachinery keeps a Quantity either as an int64Amount (value, scale) or as an inf.Dec
// (unscaled, scale). The two give the same value but not the same MilliValue once a value is
// negative or overflows int64, so GoQuantity records which form Go holds, with (value, exp) being
// exactly that form's numbers. A Go Quantity whose Format is "" (the zero value Go's decoder
// leaves for an absent or null entry) prints like DecimalExponent and takes the other operand's
// format in Add, so it is represented as 'DecimalExponent'.
import { parseQuantityStrict, marshalQuantity, trimGoSpace, type Quantity, type QuantityFormat } from './quantity.js';

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
/** inf.Dec scale that apimachinery's parser rounds its arbitrary-precision values to (nano). */
const PARSED_DEC_EXP = -9;

export interface GoQuantity extends Quantity {
  /** true: held as inf.Dec; false: held as int64Amount. */
  dec: boolean;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

// ---- constructors and conversions ----

/** resource.NewQuantity(value, format) */
export function newQuantity(value: bigint, format: QuantityFormat): GoQuantity {
  return { value: wrap(value), exp: 0, format, dec: false };
}

/** resource.NewMilliQuantity(value, format) */
export function newMilliQuantity(value: bigint, format: QuantityFormat): GoQuantity {
  return { value: wrap(value), exp: -3, format, dec: false };
}

/** Quantity.SetMilli on a copy: the format stays, the kept text and the inf.Dec form go. */
export function setMilli(q: GoQuantity, milli: bigint): GoQuantity {
  return { value: wrap(milli), exp: -3, format: q.format, dec: false };
}

/** The zero Quantity{} Go reads for an absent map entry or a JSON null (Format ""). */
export function goZeroQuantity(): GoQuantity {
  return { value: 0n, exp: 0, format: 'DecimalExponent', dec: false };
}

/**
 * Parses text as Quantity.UnmarshalJSON does and records which internal form apimachinery's
 * ParseQuantity produced: the int64 fast path, or inf.Dec rounded to nano.
 */
export function parseGoQuantity(text: string): GoQuantity {
  const trimmed = trimGoSpace(text);
  const q = parseQuantityStrict(trimmed);
  if (!tookDecimalPath(trimmed, q)) return { ...q, dec: false };
  const out: GoQuantity = { value: q.value, exp: q.exp, format: q.format, dec: true };
  // inf.Dec.Round(nano) leaves every non-zero parsed value at scale 9, except the BinarySI cap (max int64)
  const capped = abs(q.value) === INT64_MAX && q.exp === 0;
  if (q.value !== 0n && q.exp > PARSED_DEC_EXP && !capped) {
    out.value = q.value * pow10(q.exp - PARSED_DEC_EXP);
    out.exp = PARSED_DEC_EXP;
  }
  return out;
}

/** Whether ParseQuantity left its int64 fast path for text (already known to parse). */
function tookDecimalPath(text: string, q: Quantity): boolean {
  if (text === '0') return false;
  // sign, integer digits without leading zeros, fraction digits, suffix (as parseQuantityString splits it)
  const m = /^[+-]?0*([0-9]*)(?:\.([0-9]*))?(.*)$/s.exec(text);
  if (!m) return true;
  const numLen = Math.max(1, m[1].length);
  const denomLen = (m[2] ?? '').length;
  const suffix = m[3];
  const binary = /^[KMGTPE]i$/.test(suffix);
  if (binary) {
    if (denomLen > 0) return true;
    const exponent = 10 * ('KMGTPE'.indexOf(suffix[0]) + 1);
    const precision = 15 - numLen - Math.trunc((exponent * 3) / 10) - 1;
    return precision < 0 || abs(q.value) > INT64_MAX;
  }
  if (18 - (numLen + denomLen) < 0) return true;
  return ((decimalExponent(suffix) - denomLen) | 0) < PARSED_DEC_EXP;
}

const DECIMAL_SUFFIX_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** The power of ten a (valid) decimal suffix stands for; `e<int>` wraps to int32 as in Go. */
function decimalExponent(suffix: string): number {
  if (suffix in DECIMAL_SUFFIX_EXPONENT) return DECIMAL_SUFFIX_EXPONENT[suffix];
  return Number(BigInt.asIntN(32, BigInt(suffix.slice(1))));
}

/** A Quantity whose internal form is unknown: int64 whenever Go's int64Amount could hold it. */
export function asGoQuantity(q: Quantity): GoQuantity {
  const maybe = q as Partial<GoQuantity>;
  if (typeof maybe.dec === 'boolean') return q as GoQuantity;
  const dec = q.value > INT64_MAX || q.value < INT64_MIN || q.exp < PARSED_DEC_EXP;
  return { ...q, dec };
}

/** The shared Quantity shape, without the internal-form marker. */
export function toQuantity(g: GoQuantity): Quantity {
  const q: Quantity = { value: g.value, exp: g.exp, format: g.format };
  if (g.cached !== undefined) q.cached = g.cached;
  return q;
}

/** Quantity.String(): the kept text, else the canonical form. */
export function quantityString(q: Quantity): string {
  return marshalQuantity(q);
}

// ---- comparisons ----

export function sign(q: Quantity): -1 | 0 | 1 {
  return q.value === 0n ? 0 : q.value < 0n ? -1 : 1;
}

export function isZero(q: Quantity): boolean {
  return q.value === 0n;
}

/** Quantity.Cmp: exact comparison of the two values (both of Go's paths are exact). */
export function cmp(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // same sign: compare magnitudes by order of magnitude first, so huge exponent gaps cost nothing
  const ma = abs(a.value).toString().length + a.exp;
  const mb = abs(b.value).toString().length + b.exp;
  let mag: number;
  if (ma !== mb) mag = ma < mb ? -1 : 1;
  else {
    const e = Math.min(a.exp, b.exp);
    const x = abs(a.value) * pow10(a.exp - e);
    const y = abs(b.value) * pow10(b.exp - e);
    mag = x === y ? 0 : x < y ? -1 : 1;
  }
  return (sa < 0 ? -mag : mag) as -1 | 0 | 1;
}

// ---- arithmetic ----

/** Quantity.Neg on a copy. */
export function neg(q: GoQuantity): GoQuantity {
  return { value: q.dec ? -q.value : wrap(-q.value), exp: q.exp, format: q.format, dec: q.dec };
}

/**
 * Quantity.Add on a copy of q: a zero q takes y's format; two int64 forms add in int64 and fall
 * back to inf.Dec (whose scale is the larger of the two) only on overflow.
 */
export function add(q: GoQuantity, y: GoQuantity): GoQuantity {
  let format = q.format;
  if (!q.dec && !y.dec) {
    if (q.value === 0n) format = y.format;
    const sum = int64AmountAdd(q, y);
    if (sum) return { value: sum.value, exp: sum.exp, format, dec: false };
  } else if (q.value === 0n) format = y.format;
  const e = Math.min(q.exp, y.exp);
  const value = q.value * pow10(q.exp - e) + y.value * pow10(y.exp - e);
  return { value, exp: e, format, dec: true };
}

function int64AmountAdd(a: GoQuantity, b: GoQuantity): { value: bigint; exp: number } | undefined {
  if (b.value === 0n) return { value: a.value, exp: a.exp };
  if (a.value === 0n) return { value: b.value, exp: b.exp };
  let x = a.value;
  let y = b.value;
  let exp = a.exp;
  if (a.exp > b.exp) {
    const [scaled, ok] = positiveScaleInt64(a.value, a.exp - b.exp);
    if (!ok) return undefined;
    x = scaled;
    exp = b.exp;
  } else if (a.exp < b.exp) {
    const [scaled, ok] = positiveScaleInt64(b.value, b.exp - a.exp);
    if (!ok) return undefined;
    y = scaled;
  }
  const [value, ok] = int64Add(x, y);
  return ok ? { value, exp } : undefined;
}

function int64Add(a: bigint, b: bigint): [bigint, boolean] {
  const c = wrap(a + b);
  if (a > 0n && b > 0n && c < 0n) return [0n, false];
  if (a < 0n && b < 0n && (c > 0n || (a === INT64_MIN && b === INT64_MIN))) return [0n, false];
  return [c, true];
}

/** int64MultiplyScale: the product wraps like Go's, and is reported as not ok on overflow. */
function int64MultiplyScale(a: bigint, b: bigint): [bigint, boolean] {
  if (a === 0n || a === 1n) return [a * b, true];
  if (a === INT64_MIN && b !== 1n) return [0n, false];
  const c = wrap(a * b);
  return [c, c / b === a];
}

/** positiveScaleInt64: base·10^scale; on overflow Go returns the wrapped product for the
 *  scales it special-cases (1, 2, 3, 6, 9) and 0 for the others. */
function positiveScaleInt64(base: bigint, scale: number): [bigint, boolean] {
  switch (scale) {
    case 0:
      return [base, true];
    case 1:
    case 2:
    case 3:
    case 6:
    case 9:
      return int64MultiplyScale(base, pow10(scale));
    default: {
      let value = base;
      for (let i = 0; i < scale; i++) {
        const [next, ok] = int64MultiplyScale(value, 10n);
        if (!ok) return [0n, false];
        value = next;
      }
      return [value, true];
    }
  }
}

/** Quantity.MilliValue(): ceil(q·1000) as Go computes it, overflow and rounding quirks included. */
export function milliValue(q: GoQuantity): bigint {
  return q.dec ? decScaledValue(q.value, -q.exp, 3) : int64ScaledValue(q.value, q.exp, -3);
}

/** int64Amount.AsScaledInt64: rounds away from zero when scaling down. */
function int64ScaledValue(value: bigint, scale: number, target: number): bigint {
  if (scale < target) {
    const divisor = pow10(target - scale);
    const truncated = value / divisor;
    if (value % divisor === 0n) return truncated;
    return value > 0n ? truncated + 1n : truncated - 1n;
  }
  return positiveScaleInt64(value, scale - target)[0];
}

/** scaledValue (scale_int.go): inf.Dec (unscaled, scale) to int64 at newScale. */
function decScaledValue(unscaled: bigint, scale: number, newScale: number): bigint {
  const dif = scale - newScale;
  if (dif === 0) return wrap(unscaled);
  if (dif < 0) return wrap(wrap(unscaled) * float64ToInt64(10 ** -dif));
  if (unscaled < INT64_MAX && dif < 19) {
    // fast path on int64: truncating division, then +1 for any remainder (for either sign)
    const v = wrap(unscaled);
    const d = pow10(dif);
    return v % d !== 0n ? wrap(v / d + 1n) : v / d;
  }
  // big.Int DivMod is Euclidean: the quotient is floored for a positive divisor
  const d = pow10(dif);
  let quotient = unscaled / d;
  const remainder = unscaled % d;
  if (remainder < 0n) quotient -= 1n;
  return remainder !== 0n ? wrap(wrap(quotient) + 1n) : wrap(quotient);
}

// ---- float64 <-> int64, as Go compiles them for amd64 ----

const TWO_63 = 2 ** 63;

/**
 * Go's int64(f) on amd64 (CVTTSD2SQ): truncates toward zero; NaN and values outside int64 give
 * math.MinInt64. (arm64 would saturate instead; Kruise's images are mostly run on amd64.)
 */
export function float64ToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= TWO_63 || f < -TWO_63) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** Go's float64(int64): round to nearest, ties to even. */
export function int64ToFloat64(v: bigint): number {
  return Number(v);
}
