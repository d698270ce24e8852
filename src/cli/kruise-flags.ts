// --kruise-version and --feature-gates, on every command: the Kruise release whose behaviour is modelled and the
// feature gates its manager runs with (Kruise's own --feature-gates syntax).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import {
  DefaultKruiseVersion,
  KruiseMasterCommit,
  kruiseProfile,
  parseFeatureGates,
  parseKruiseVersion,
  SupportedKruiseVersions,
  type KruiseProfile,
} from '../kruise/apis/version.js';

export interface KruiseFlagValues {
  kruiseVersion?: string;
  featureGates?: string;
}

export function addKruiseFlags(cmd: Command): Command {
  return cmd
    .option(
      '--kruise-version <version>',
      `the OpenKruise release whose behaviour is modelled: ${SupportedKruiseVersions.join(', ')} ` +
        `(master at ${KruiseMasterCommit}) (default: ${DefaultKruiseVersion})`,
    )
    .option(
      '--feature-gates <gates>',
      "Kruise's feature gates, as given to kruise-manager: A=true,B=false (e.g. EnableSortSidecarContainerByName=true)",
    );
}

/** The profile the flags ask for; a bad value is a usage error worded as pflag words Kruise's own. */
export function kruiseProfileOf(flags: KruiseFlagValues): KruiseProfile {
  const version = flags.kruiseVersion === undefined ? DefaultKruiseVersion : parseKruiseVersion(flags.kruiseVersion);
  if (flags.featureGates === undefined) return kruiseProfile(version);
  try {
    return kruiseProfile(version, parseFeatureGates(flags.featureGates, version));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`invalid argument "${flags.featureGates}" for "--feature-gates" flag: ${err.message}`);
  }
}
