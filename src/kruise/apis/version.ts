// The Kruise release whose behaviour is modelled, and its feature gates (pkg/features/kruise_features.go of that
// release, parsed the way k8s.io/component-base/featuregate parses `--feature-gates`). Pure code receives a
// KruiseProfile as an argument; nothing here is mutable state.
//
// Modelled: v1.9.0 (the latest release, the default) and master at commit KruiseMasterCommit. What differs between
// them in the code paths this tool models: canary SidecarSets (apps.kruise.io/sidecarset-canary and -base
// annotations, injection and validation) exist only on master; master adds two gates and makes
// ResourceDistributionGate Beta. Releases before v1.9.0 lack the v1beta1 SidecarSet API, resourcesPolicy and the
// sidecar sort gate, and are not modelled.
import { UsageError } from '../../errors.js';
import { goQuote } from '../../go/quote.js';

export const SupportedKruiseVersions = ['v1.9.0', 'master'] as const;
export type KruiseVersion = (typeof SupportedKruiseVersions)[number];
export const DefaultKruiseVersion: KruiseVersion = 'v1.9.0';
/** The master commit modelled. */
export const KruiseMasterCommit = '07169cfac7b9';

export type PreRelease = 'Alpha' | 'Beta' | 'GA' | 'Deprecated';

export interface FeatureSpec {
  default: boolean;
  preRelease: PreRelease;
}

/** Gate names used by the modelled code paths. */
export const PodWebhook = 'PodWebhook';
export const KruiseDaemon = 'KruiseDaemon';
export const SidecarSetPatchPodMetadataDefaultsAllowed = 'SidecarSetPatchPodMetadataDefaultsAllowed';
export const EnableSortSidecarContainerByName = 'EnableSortSidecarContainerByName';

// component-base's own gates on every FeatureGate: they switch every unset Alpha / Beta gate.
const AllAlpha = 'AllAlpha';
const AllBeta = 'AllBeta';

const alpha = (d = false): FeatureSpec => ({ default: d, preRelease: 'Alpha' });
const beta = (d: boolean): FeatureSpec => ({ default: d, preRelease: 'Beta' });

// v1.9.0's defaultFeatureGates, by the gates' string names (EnhancedLivenessProbeGate is "EnhancedLivenessProbe").
const v190Gates: Readonly<Record<string, FeatureSpec>> = {
  [PodWebhook]: beta(true),
  [KruiseDaemon]: beta(true),
  DaemonWatchingPod: beta(true),
  CloneSetShortHash: alpha(),
  KruisePodReadinessGate: alpha(),
  PreDownloadImageForInPlaceUpdate: alpha(),
  CloneSetPartitionRollback: alpha(),
  ResourcesDeletionProtection: beta(false),
  WorkloadSpread: beta(true),
  PodUnavailableBudgetDeleteGate: beta(true),
  PodUnavailableBudgetUpdateGate: alpha(),
  TemplateNoDefaults: alpha(),
  InPlaceUpdateEnvFromMetadata: beta(true),
  StatefulSetAutoDeletePVC: beta(true),
  [SidecarSetPatchPodMetadataDefaultsAllowed]: alpha(),
  SidecarTerminator: alpha(),
  PodProbeMarkerGate: beta(true),
  PreDownloadImageForDaemonSetUpdate: alpha(),
  CloneSetEventHandlerOptimization: alpha(),
  PreparingUpdateAsUpdate: alpha(),
  ImagePullJobGate: alpha(),
  ResourceDistributionGate: alpha(),
  DeletionProtectionForCRDCascadingGate: alpha(),
  EnhancedLivenessProbe: alpha(),
  RecreatePodWhenChangeVCTInCloneSetGate: alpha(),
  StatefulSetStartOrdinal: alpha(),
  PodIndexLabel: beta(true),
  EnableExternalCerts: alpha(),
  StatefulSetAutoResizePVCGate: alpha(),
  ForceDeleteTimeoutExpectationGate: alpha(),
  InPlaceWorkloadVerticalScaling: alpha(),
  EnablePodProbeMarkerOnServerless: alpha(),
  [EnableSortSidecarContainerByName]: alpha(),
  InPlacePodVerticalScaling: alpha(),
};

const masterGates: Readonly<Record<string, FeatureSpec>> = {
  ...v190Gates,
  ResourceDistributionGate: beta(false),
  DefaultHostNetworkHostPortsInPodTemplates: alpha(),
  DaemonSetPruneIneligibleNodes: alpha(),
};

/** What a release has, beyond its gates. */
export interface KruiseVersionTraits {
  /** Canary SidecarSets (sidecarcontrol.IsCanarySidecarSet): injection replaces the base, validation checks them. */
  canarySidecarSets: boolean;
  /** The Helm chart whose webhook configuration is the default scope of the Pod webhook. */
  chart: string;
}

const traits: Readonly<Record<KruiseVersion, KruiseVersionTraits>> = {
  // No chart 1.9.0 is published; 1.9.0-alpha.3 is the last of that line and registers the Pod webhook unchanged.
  'v1.9.0': { canarySidecarSets: false, chart: 'kruise 1.9.0-alpha.3' },
  master: { canarySidecarSets: true, chart: 'kruise next' },
};

export function featureGateSpecs(version: KruiseVersion): Readonly<Record<string, FeatureSpec>> {
  return version === 'master' ? masterGates : v190Gates;
}

export function versionTraits(version: KruiseVersion): KruiseVersionTraits {
  return traits[version];
}

/** Every gate of the release, on or off. */
export type FeatureGates = Readonly<Record<string, boolean>>;

export interface KruiseProfile {
  version: KruiseVersion;
  gates: FeatureGates;
}

export function gateEnabled(profile: KruiseProfile, gate: string): boolean {
  const value = profile.gates[gate];
  // featuregate.Enabled panics on an unregistered gate: a typo in our own code, never user input.
  if (value === undefined) throw new Error(`feature gate ${gate} is not registered in Kruise ${profile.version}`);
  return value;
}

/** `--kruise-version`: one of SupportedKruiseVersions; "1.9.0" is taken for "v1.9.0". */
export function parseKruiseVersion(text: string): KruiseVersion {
  const trimmed = text.trim();
  const candidate = /^\d/.test(trimmed) ? `v${trimmed}` : trimmed;
  const found = SupportedKruiseVersions.find((v) => v === candidate);
  if (found === undefined)
    throw new UsageError(
      `Kruise version "${text}" is not supported; supported versions: ${SupportedKruiseVersions.join(', ')}`,
    );
  return found;
}

// strconv.ParseBool and its error.
function parseGoBool(s: string): boolean | Error {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/**
 * featureGate.Set: `A=true,B=false`, blanks around names and values ignored, empty items skipped, the last of a
 * repeated gate wins. The errors are component-base's own words; unknown gates are checked against the release.
 */
export function parseFeatureGates(value: string, version: KruiseVersion): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (const item of value.split(',')) {
    if (item.length === 0) continue;
    const at = item.indexOf('=');
    const k = (at < 0 ? item : item.slice(0, at)).trim();
    if (at < 0) throw new UsageError(`missing bool value for ${k}`);
    const v = item.slice(at + 1).trim();
    const parsed = parseGoBool(v);
    if (parsed instanceof Error) throw new UsageError(`invalid value of ${k}=${v}, err: ${parsed.message}`);
    m.delete(k);
    m.set(k, parsed);
  }
  const known = featureGateSpecs(version);
  for (const k of m.keys())
    if (k !== AllAlpha && k !== AllBeta && !Object.hasOwn(known, k))
      throw new UsageError(`unrecognized feature gate: ${k}`);
  return m;
}

/**
 * The gates Kruise's manager runs with: the release's defaults, AllAlpha/AllBeta for the gates not set by name,
 * the gates set by name, then features.SetDefaultFeatureGates (what turning PodWebhook or KruiseDaemon off turns
 * off with it).
 */
export function kruiseProfile(
  version: KruiseVersion = DefaultKruiseVersion,
  set: ReadonlyMap<string, boolean> = new Map(),
): KruiseProfile {
  const specs = featureGateSpecs(version);
  const gates: Record<string, boolean> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const all =
      spec.preRelease === 'Alpha' ? set.get(AllAlpha) : spec.preRelease === 'Beta' ? set.get(AllBeta) : undefined;
    gates[name] = set.get(name) ?? all ?? spec.default;
  }
  applyDependentDefaults(gates);
  return { version, gates };
}

function applyDependentDefaults(g: Record<string, boolean>): void {
  const off = (...names: string[]) => names.forEach((n) => (g[n] = false));
  if (!g[PodWebhook])
    off(
      'KruisePodReadinessGate',
      'PodUnavailableBudgetDeleteGate',
      'PodUnavailableBudgetUpdateGate',
      'WorkloadSpread',
      SidecarSetPatchPodMetadataDefaultsAllowed,
      'EnhancedLivenessProbe',
      'EnablePodProbeMarkerOnServerless',
    );
  if (!g[KruiseDaemon])
    off(
      'PreDownloadImageForInPlaceUpdate',
      'DaemonWatchingPod',
      'InPlaceUpdateEnvFromMetadata',
      'PreDownloadImageForDaemonSetUpdate',
      'PodProbeMarkerGate',
      'SidecarTerminator',
      'ImagePullJobGate',
      'EnhancedLivenessProbe',
    );
  if (g.PreDownloadImageForInPlaceUpdate || g.PreDownloadImageForDaemonSetUpdate) g.ImagePullJobGate = true;
  if (!g.ResourcesDeletionProtection) g.DeletionProtectionForCRDCascadingGate = false;
}

/** `--feature-gates` text and `--kruise-version` text to a profile. */
export function kruiseProfileFromFlags(versionText: string | undefined, gatesText: string | undefined): KruiseProfile {
  const version = versionText === undefined ? DefaultKruiseVersion : parseKruiseVersion(versionText);
  return kruiseProfile(version, gatesText === undefined ? new Map() : parseFeatureGates(gatesText, version));
}
