// The time Kruise would take from its clock, reproducible through SOURCE_DATE_EPOCH.
import { UsageError } from '../errors.js';

/** RFC 3339 in UTC with whole seconds, as metav1.Time marshals. */
export function kruiseNow(env: Record<string, string | undefined>, clock: () => number = Date.now): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  let ms: number;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch))
      throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}"`);
    ms = Number(epoch) * 1000;
  } else ms = clock();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
