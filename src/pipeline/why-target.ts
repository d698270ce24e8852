// The options of `why TYPE/NAME`, and the TYPE/NAME argument, apart from the cluster code that serves them, so
// that checking a command line loads nothing else.
import type { KruiseProfile } from '../kruise/apis/version.js';
import { UsageError } from '../errors.js';
import type { ClusterFlags, Env } from '../cluster/index.js';

export interface WhyOptions {
  /** TYPE/NAME as given */
  target: string;
  flags: ClusterFlags;
  env: Env;
  /** the injection time of the render (Kruise's clock) */
  now: string;
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
}

/** "pod/x" -> ["pod", "x"]; one clear usage error otherwise. */
export function parseTarget(target: string): { type: string; name: string } {
  const slash = target.indexOf('/');
  const type = target.slice(0, slash);
  const name = target.slice(slash + 1);
  if (slash <= 0 || name === '' || name.includes('/')) {
    throw new UsageError(`expected TYPE/NAME (e.g. pod/web-0, deployment/web), got "${target}"`);
  }
  return { type, name };
}
