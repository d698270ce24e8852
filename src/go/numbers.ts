// The few Go number conversions Kruise's rollout arithmetic goes through: strconv.ParseFloat, strconv.Atoi,
// math.Round, and the float64 -> int conversion (whose out-of-range result is platform-defined in Go; we take
// amd64's, where NaN and anything outside int64 become math.MinInt64).

const TWO_63 = 2 ** 63;
export const GO_MIN_INT64 = -TWO_63;

/** int(f) on amd64. */
export function goFloatToInt(f: number): number {
  if (Number.isNaN(f) || f >= TWO_63 || f < -TWO_63) return GO_MIN_INT64;
  return Math.trunc(f) + 0; // + 0 turns -0 into 0
}

/** math.Round: halves away from zero, exact for every double. */
export function goRound(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/** strconv.ParseFloat(s, 64); undefined where Go returns an error (bad syntax, or overflow to ±Inf). */
export function goParseFloat(s: string): number | undefined {
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const [, sign, int, frac = ''] = hex;
    if (int.length + frac.length === 0) return undefined;
    let mantissa = 0;
    for (const d of int + frac) mantissa = mantissa * 16 + parseInt(d, 16);
    const v = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (!Number.isFinite(v)) return undefined;
    return sign === '-' ? -v : v;
  }
  return undefined;
}

// "inf", "infinity" (optionally signed) and "nan" (unsigned), any case.
function parseSpecial(s: string): number | undefined {
  const lower = s.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, '');
  if (unsigned === 'inf' || unsigned === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  return undefined;
}

/** strconv.Atoi on a 64-bit platform; undefined where Go returns an error. */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return undefined;
  return Number(v);
}
