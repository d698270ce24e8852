// The time Kruise would take from its clock, reproducible through SOURCE_DATE_EPOCH.
import { UsageError } from '../errors.js';

/** RFC 3339 in UTC with whole seconds, as metav1.Time marshals. */
export function kruiseNow(env: Record<string, string | undefined>, clock: () => number = Date.now): string {
  return sourceDateEpoch(env) ?? rfc3339(clock());
}

/**
 * SOURCE_DATE_EPOCH as an RFC 3339 time; undefined when unset. What inject writes never comes from the clock:
 * without it, each SidecarSet's own time (see the core's injectionTimestamp).
 */
export function sourceDateEpoch(env: Record<string, string | undefined>): string | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return undefined;
  if (!/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}"`);
  return rfc3339(Number(epoch) * 1000);
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
