// --request-timeout as kubectl reads it: a bare integer is seconds, otherwise a Go duration ("30s", "1m",
// "1m30s", "500ms"); 0 means no timeout. The result is milliseconds, 0 for none.
import { UsageError } from '../errors.js';
import { parseGoDuration } from '../go/duration.js';

const HINT = 'must be a single integer in seconds, or an integer followed by a time unit (e.g. 1s | 2m | 3h)';

export function parseRequestTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  let ns: bigint;
  if (/^[+-]?[0-9]+$/.test(value)) {
    ns = BigInt(value) * 1_000_000_000n;
  } else {
    try {
      ns = parseGoDuration(value);
    } catch {
      throw new UsageError(`invalid --request-timeout "${value}": ${HINT}`);
    }
  }
  if (ns < 0n) throw new UsageError(`invalid --request-timeout "${value}": it must not be negative`);
  // A timeout below a millisecond is still a timeout, not "none".
  return ns === 0n ? 0 : Math.max(1, Number(ns / 1_000_000n));
}
