// Go's time.ParseDuration and Duration.String, for --batch-duration and the rollout estimate ("1m30s").
import { SidecarsetError } from '../errors.js';

const NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX = 2n ** 63n - 1n;

/** Nanoseconds, as time.ParseDuration reads them ("30s", "1m30s", "1.5h", "500ms"). Throws SidecarsetError. */
export function parseGoDuration(text: string): bigint {
  const bad = (why: string) => new SidecarsetError(`invalid duration ${JSON.stringify(text)}: ${why}`);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad('expected a number and a unit such as 30s, 5m or 1h30m');
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/.exec(s) as RegExpExecArray;
    const [whole, int, frac, unit] = m;
    if (int === '' && (frac === undefined || frac === ''))
      throw bad('expected a number and a unit such as 30s, 5m or 1h30m');
    if (unit === '') throw bad('missing unit (ns, us, ms, s, m or h)');
    const scale = NS[unit];
    if (scale === undefined) throw bad(`unknown unit ${JSON.stringify(unit)} (ns, us, ms, s, m or h)`);
    let v = BigInt(int || '0') * scale;
    if (frac) v += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX) throw bad('too long');
    s = s.slice(whole.length);
  }
  return neg ? -total : total;
}

/** time.Duration.String: "1h0m0s", "1m30s", "30s", "1.5s", "500ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  let u = ns < 0n ? -ns : ns;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
    return `${sign}${frac(u, 6)}ms`;
  }
  let out = `${frac(u % 60_000_000_000n, 9)}s`;
  u /= 60_000_000_000n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

// v / 10^prec with its fraction, trailing zeros (and a bare point) dropped.
function frac(v: bigint, prec: number): string {
  const p = 10n ** BigInt(prec);
  const f = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
  return `${v / p}${f ? `.${f}` : ''}`;
}
