import { describe, expect, it } from 'vitest';
import {
  DefaultKruiseVersion,
  EnableSortSidecarContainerByName,
  featureGateSpecs,
  gateEnabled,
  kruiseProfile,
  kruiseProfileFromFlags,
  parseFeatureGates,
  parseKruiseVersion,
  SidecarSetPatchPodMetadataDefaultsAllowed,
  versionTraits,
} from '../../src/kruise/apis/version.js';
import { UsageError } from '../../src/errors.js';

describe('Kruise version', () => {
  it('defaults to v1.9.0 and takes master; 1.9.0 without the v is v1.9.0', () => {
    expect(DefaultKruiseVersion).toBe('v1.9.0');
    expect(parseKruiseVersion('1.9.0')).toBe('v1.9.0');
    expect(parseKruiseVersion('master')).toBe('master');
  });

  it('refuses a version it does not model, naming the ones it does', () => {
    const err = (() => {
      try {
        parseKruiseVersion('v1.8.4');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('Kruise version "v1.8.4" is not supported; supported versions: v1.9.0, master');
  });

  it('has canary SidecarSets only on master', () => {
    expect(versionTraits('v1.9.0').canarySidecarSets).toBe(false);
    expect(versionTraits('master').canarySidecarSets).toBe(true);
  });

  it("has each release's gates with their defaults", () => {
    expect(featureGateSpecs('v1.9.0').PodWebhook).toEqual({ default: true, preRelease: 'Beta' });
    expect(featureGateSpecs('v1.9.0').ResourceDistributionGate).toEqual({ default: false, preRelease: 'Alpha' });
    expect(featureGateSpecs('master').ResourceDistributionGate).toEqual({ default: false, preRelease: 'Beta' });
    expect(featureGateSpecs('v1.9.0').DaemonSetPruneIneligibleNodes).toBeUndefined();
    expect(featureGateSpecs('master').DaemonSetPruneIneligibleNodes).toBeDefined();
    const p = kruiseProfile();
    expect(gateEnabled(p, 'PodWebhook')).toBe(true);
    expect(gateEnabled(p, EnableSortSidecarContainerByName)).toBe(false);
    expect(gateEnabled(p, SidecarSetPatchPodMetadataDefaultsAllowed)).toBe(false);
  });
});

describe('--feature-gates, parsed as component-base parses it', () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('takes A=true,B=false with blanks, Go booleans and empty items; the last repeat wins', () => {
    const m = parseFeatureGates(' EnableSortSidecarContainerByName = T ,,PodWebhook=0,PodWebhook=1', 'v1.9.0');
    expect([...m]).toEqual([
      ['EnableSortSidecarContainerByName', true],
      ['PodWebhook', true],
    ]);
  });

  it("says what is wrong in component-base's words", () => {
    expect(message(() => parseFeatureGates('PodWebhook', 'v1.9.0'))).toBe('missing bool value for PodWebhook');
    expect(message(() => parseFeatureGates('PodWebhook=yes', 'v1.9.0'))).toBe(
      'invalid value of PodWebhook=yes, err: strconv.ParseBool: parsing "yes": invalid syntax',
    );
    expect(message(() => parseFeatureGates('NoSuchGate=true', 'v1.9.0'))).toBe('unrecognized feature gate: NoSuchGate');
    // a gate added after v1.9.0 is unknown to v1.9.0
    expect(message(() => parseFeatureGates('DaemonSetPruneIneligibleNodes=true', 'v1.9.0'))).toBe(
      'unrecognized feature gate: DaemonSetPruneIneligibleNodes',
    );
    expect(parseFeatureGates('DaemonSetPruneIneligibleNodes=true', 'master').get('DaemonSetPruneIneligibleNodes')).toBe(
      true,
    );
  });

  it('AllAlpha switches the Alpha gates not set by name', () => {
    const p = kruiseProfileFromFlags(undefined, 'AllAlpha=true,CloneSetShortHash=false');
    expect(p.gates[EnableSortSidecarContainerByName]).toBe(true);
    expect(p.gates.CloneSetShortHash).toBe(false);
    expect(p.gates.PodWebhook).toBe(true); // Beta
    expect(kruiseProfileFromFlags(undefined, 'AllBeta=false').gates.PodWebhook).toBe(false);
  });

  it('PodWebhook off turns off what depends on it (SetDefaultFeatureGates)', () => {
    const p = kruiseProfileFromFlags('v1.9.0', 'PodWebhook=false,SidecarSetPatchPodMetadataDefaultsAllowed=true');
    expect(p.gates[SidecarSetPatchPodMetadataDefaultsAllowed]).toBe(false);
    expect(p.gates.WorkloadSpread).toBe(false);
    expect(kruiseProfileFromFlags(undefined, 'PreDownloadImageForInPlaceUpdate=true').gates.ImagePullJobGate).toBe(
      true,
    );
  });
});
